import { AddonError } from "../errors.ts";
import type { Cursor } from "./cursor.ts";
import { formatInstant, parseInstant } from "./instant.ts";

export const CHECKPOINT_VERSION = 2;

/** One input's checkpoint as stored (wire names, snake_case). */
export interface CheckpointDocument {
  version: number;
  /** Increases by one on every save; the higher of the KV and file copies wins. */
  sequence: number;
  input: string;
  tenant_id: string;
  api: string;
  /** The newest update time written, 7 fractional digits. */
  watermark: string;
  lag_seconds: number;
  /** Versions written inside the lag window, as `<update time>|<alert id>`. */
  seen: string[];
  alerts_total: number;
  updated_at: string;
  /** Set by an admin (setup page, REST or SPL) to start the input over from its start date. */
  reset_requested?: boolean | string;
  /** Version 1 only. */
  ids_at_watermark?: string[];
}

export function toDocument(
  input: string,
  cursor: Cursor,
  meta: { tenantId: string; api: string; alertsTotal: number },
  sequence: number,
  nowMs: number,
): CheckpointDocument {
  const seen = [...cursor.seen].map((key) => {
    const at = key.lastIndexOf("@");
    return `${formatInstant(BigInt(key.slice(at + 1)))}|${key.slice(0, at)}`;
  });
  return {
    version: CHECKPOINT_VERSION,
    sequence,
    input,
    tenant_id: meta.tenantId,
    api: meta.api,
    watermark: formatInstant(cursor.watermark),
    lag_seconds: Number(cursor.lagTicks / 10_000_000n),
    seen: seen.sort(),
    alerts_total: meta.alertsTotal,
    updated_at: new Date(nowMs).toISOString(),
  };
}

/**
 * Reads a stored document of any known version.
 *
 * @throws AddonError CHECKPOINT_UNREADABLE naming what is wrong.
 */
export function fromDocument(
  doc: CheckpointDocument,
  input: string,
  lagTicks: bigint,
): { cursor: Cursor; alertsTotal: number } {
  const unreadable = (why: string): AddonError =>
    new AddonError(
      "CHECKPOINT_UNREADABLE",
      `The checkpoint of input '${input}' cannot be read (${why}); it was left as it is`,
      { input },
    );
  const watermark = typeof doc.watermark === "string" ? parseInstant(doc.watermark) : undefined;
  if (watermark === undefined) throw unreadable("no valid watermark");
  const alertsTotal = typeof doc.alerts_total === "number" ? doc.alerts_total : 0;

  if (doc.version === 1) {
    // Version 1 kept the ids at the watermark and no window: nothing before the watermark is
    // pending, so the window starts there.
    const ids = doc.ids_at_watermark;
    if (!Array.isArray(ids)) throw unreadable("version 1 without ids_at_watermark");
    const seen = new Set(ids.map((id) => `${String(id)}@${watermark}`));
    return { cursor: { watermark: watermark + lagTicks, lagTicks, seen }, alertsTotal };
  }
  if (doc.version !== CHECKPOINT_VERSION) throw unreadable(`unknown version ${String(doc.version)}`);
  if (!Array.isArray(doc.seen)) throw unreadable("no seen list");
  const seen = new Set<string>();
  for (const entry of doc.seen) {
    const bar = typeof entry === "string" ? entry.indexOf("|") : -1;
    const at = bar > 0 ? parseInstant(String(entry).slice(0, bar)) : undefined;
    if (at === undefined) throw unreadable(`malformed seen entry '${String(entry)}'`);
    seen.add(`${String(entry).slice(bar + 1)}@${at}`);
  }
  // A changed lag setting applies from now on; the stored window stays valid either way.
  return { cursor: { watermark, lagTicks, seen }, alertsTotal };
}
