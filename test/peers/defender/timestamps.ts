// Defender's timestamps are the shared DateTimeOffset helpers (../shared/timestamps.ts).

export {
  formatInstant,
  fractionDigits,
  parseInstant,
  shapeTicks,
  ticksFromMs,
  type TimeShape,
} from "../shared/timestamps.ts";
