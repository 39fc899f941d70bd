/**
 * Exact instants for Defender timestamps. Defender writes 0 to 7 fractional digits with trailing
 * zeros trimmed (`…:59.2Z`, `…:08.0252869Z`, `…:00Z`), so timestamps are never compared as text:
 * they are parsed to a count of 100-nanosecond ticks since the Unix epoch.
 */
export type Instant = bigint;

const PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?(Z|[+-]\d{2}:\d{2})$/i;

/** Ticks from an ISO 8601 timestamp, or undefined when it is not one. */
export function parseInstant(text: string): Instant | undefined {
  const match = PATTERN.exec(text.trim());
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  if (Number.isNaN(ms)) return undefined;
  const check = new Date(ms);
  if (check.getUTCDate() !== Number(d) || check.getUTCMonth() !== Number(mo) - 1) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59) return undefined;

  let ticks = BigInt(ms) * 10_000n + BigInt((fraction ?? "").padEnd(7, "0"));
  if (zone !== undefined && zone.toUpperCase() !== "Z") {
    const sign = zone.startsWith("-") ? -1n : 1n;
    const offsetMinutes = BigInt(Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
    ticks -= sign * offsetMinutes * 60n * 10_000_000n;
  }
  return ticks;
}

/** `YYYY-MM-DDTHH:MM:SS.fffffffZ`, always 7 fractional digits (an exact OData literal). */
export function formatInstant(ticks: Instant): string {
  const ms = ticks / 10_000n;
  const fraction = ticks % 10_000_000n;
  const seconds = new Date(Number(ms)).toISOString().slice(0, 19);
  return `${seconds}.${fraction.toString().padStart(7, "0")}Z`;
}

export function instantFromMs(ms: number): Instant {
  return BigInt(Math.trunc(ms)) * 10_000n;
}

/** Epoch seconds with millisecond precision, for an event's `<time>`. */
export function epochSeconds(ticks: Instant): string {
  const ms = ticks / 10_000n;
  const whole = ms / 1000n;
  const rest = (ms % 1000n).toString().padStart(3, "0");
  return `${whole}.${rest}`;
}
