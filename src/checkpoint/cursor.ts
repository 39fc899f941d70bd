import type { Instant } from "./instant.ts";

/**
 * Where a tenant's collection stands: every alert version last updated before `watermark` has
 * been written, and so have the versions at exactly `watermark` whose ids are listed. The next
 * query asks for `lastUpdateTime ge watermark` (inclusive, so ties at the boundary are never
 * lost) and the listed ids are skipped (so they are not written twice).
 */
export interface Cursor {
  readonly watermark: Instant;
  readonly idsAtWatermark: ReadonlySet<string>;
}

export function startCursor(from: Instant): Cursor {
  return { watermark: from, idsAtWatermark: new Set() };
}

/** Whether an alert version is not yet covered by the cursor. */
export function isPending(cursor: Cursor, id: string, updated: Instant): boolean {
  if (updated > cursor.watermark) return true;
  return updated === cursor.watermark && !cursor.idsAtWatermark.has(id);
}

/** The cursor after one more alert version was written. Never moves backwards. */
export function advance(cursor: Cursor, id: string, updated: Instant): Cursor {
  if (updated > cursor.watermark) return { watermark: updated, idsAtWatermark: new Set([id]) };
  if (updated < cursor.watermark || cursor.idsAtWatermark.has(id)) return cursor;
  return { watermark: cursor.watermark, idsAtWatermark: new Set([...cursor.idsAtWatermark, id]) };
}
