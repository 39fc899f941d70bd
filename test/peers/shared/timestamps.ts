// Microsoft's DateTimeOffset values (Defender, Graph, the SIEM exporter): UTC, 100 ns precision,
// trailing fractional zeros trimmed (`…:59.2Z`, `…:08.0252869Z`, `…:00Z`). Instants are exact
// `bigint` tick counts (100 ns since the Unix epoch) because a 7-digit instant does not fit a
// double's 53 bits.

const TICKS_PER_SECOND = 10_000_000n;
const TICKS_PER_MS = 10_000n;

// OData ABNF `dateTimeOffsetValue`: seconds optional, `Z` or a numeric offset.
// Assumption: more than 7 fractional digits are rejected, as .NET's DateTimeOffset holds 100 ns.
const DATE_TIME_OFFSET =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?(Z|[+-]\d{2}:\d{2})$/;

/** Parses a DateTimeOffset text to an exact instant in ticks, or `undefined` if malformed. */
export function parseInstant(text: string): bigint | undefined {
  const m = DATE_TIME_OFFSET.exec(text);
  if (!m) return undefined;

  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as
    [number, number, number, number, number];
  const second = Number(m[6] ?? "0");
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(ms);
  // Date.UTC rolls 2021-02-30 over to March; a round trip catches impossible dates.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }

  const fraction = BigInt((m[7] ?? "").padEnd(7, "0"));
  const zone = m[8] ?? "Z";
  const offsetMinutes = zone === "Z"
    ? 0
    : (zone.startsWith("-") ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4)));
  if (Math.abs(offsetMinutes) > 14 * 60) return undefined;

  const utcSeconds = BigInt(ms / 1000 - offsetMinutes * 60);
  return utcSeconds * TICKS_PER_SECOND + fraction;
}

/** Formats ticks the way Defender does: UTC, up to 7 fractional digits, zeros trimmed. */
export function formatInstant(ticks: bigint): string {
  const seconds = ticks / TICKS_PER_SECOND;
  const fraction = ticks % TICKS_PER_SECOND;
  const whole = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  const digits = fraction.toString().padStart(7, "0").replace(/0+$/, "");
  return digits === "" ? `${whole}Z` : `${whole}.${digits}Z`;
}

export function ticksFromMs(ms: number): bigint {
  return BigInt(Math.floor(ms)) * TICKS_PER_MS;
}

/** Number of fractional digits a Defender timestamp text carries (0 to 7). */
export function fractionDigits(text: string): number {
  const m = /\.(\d+)Z$/.exec(text);
  return m?.[1]?.length ?? 0;
}

/** How a Defender timestamp's sub-second part looks. */
export type TimeShape = "precise" | "sql" | "ms" | "whole";

const SQL_STEPS = 300n;

/**
 * Replaces the sub-second part of `ticks` (a whole second) the way Defender's stores write it:
 * `precise` = 7 random digits (`.7220239`), `sql` = SQL `datetime` 1/300 s steps (`.2`,
 * `.0566667`), `ms` = whole milliseconds, `whole` = no fraction. Trimming then yields 0-7 digits.
 * Assumption: the 1/300 s steps are inferred from the samples' update times (`.57`, `.0566667`,
 * `.7733333`); Microsoft does not document how each field is stored.
 */
export function shapeTicks(wholeSecondTicks: bigint, shape: TimeShape, roll: number): bigint {
  const base = wholeSecondTicks - (wholeSecondTicks % TICKS_PER_SECOND);
  switch (shape) {
    case "precise":
      return base + BigInt(Math.floor(roll * 10_000_000));
    case "sql": {
      const step = BigInt(Math.floor(roll * 300));
      // Round half up, as SQL Server renders 1/300 s steps to 7 digits.
      return base + (step * TICKS_PER_SECOND * 2n + SQL_STEPS) / (SQL_STEPS * 2n);
    }
    case "ms":
      return base + BigInt(Math.floor(roll * 1000)) * TICKS_PER_MS;
    case "whole":
      return base;
  }
}
