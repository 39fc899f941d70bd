import type { Instant } from "./instant.ts";

/**
 * Where a tenant's collection stands. Every alert version last updated before
 * `watermark - lagTicks` has been written; inside the lag window `[watermark - lag, watermark]`
 * exactly the versions in `seen` have been. The next query asks for
 * `lastUpdateTime ge (watermark - lag)`: inclusive, so ties at the boundary are never lost, and
 * reaching back by the lag, so alerts that become visible a little after their update time are
 * still found. Versions in `seen` are skipped, so nothing is written twice.
 */
export interface Cursor {
  readonly watermark: Instant;
  readonly lagTicks: Instant;
  /** Keys `<id>@<ticks>` of the versions written inside the lag window. */
  readonly seen: ReadonlySet<string>;
}

export function versionKey(id: string, updated: Instant): string {
  return `${id}@${updated}`;
}

export function startCursor(from: Instant, lagTicks: Instant): Cursor {
  // Nothing was written before `from`, and nothing after it yet: the window is empty.
  return { watermark: from + lagTicks, lagTicks, seen: new Set() };
}

/** Where the next query starts. */
export function queryFrom(cursor: Cursor): Instant {
  return cursor.watermark - cursor.lagTicks;
}

/** Whether an alert version is not yet covered by the cursor. */
export function isPending(cursor: Cursor, id: string, updated: Instant): boolean {
  if (updated < queryFrom(cursor)) return false;
  return !cursor.seen.has(versionKey(id, updated));
}

/**
 * The cursor after more versions were written. Only safe when every version older than the
 * newest one written has been written too (the service returned them in ascending order), or
 * up to `completeBefore` when a whole time window was read.
 */
export function advance(
  cursor: Cursor,
  written: Iterable<{ id: string; updated: Instant }>,
  completeBefore?: Instant,
): Cursor {
  let watermark = cursor.watermark;
  // A window read to its end covers every version before its upper bound, written or not seen.
  if (completeBefore !== undefined && completeBefore > watermark) watermark = completeBefore;
  const seen = new Set(cursor.seen);
  for (const { id, updated } of written) {
    if (updated > watermark) watermark = updated;
    seen.add(versionKey(id, updated));
  }
  const floor = watermark - cursor.lagTicks;
  for (const key of seen) {
    if (BigInt(key.slice(key.lastIndexOf("@") + 1)) < floor) seen.delete(key);
  }
  return { watermark, lagTicks: cursor.lagTicks, seen };
}
