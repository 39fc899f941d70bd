import { AddonError } from "../errors.ts";
import type { KvCollection } from "../splunkd/index.ts";
import type { Cursor } from "./cursor.ts";
import { formatInstant, parseInstant } from "./instant.ts";

export const CHECKPOINT_COLLECTION = "ta_defender_mssp_checkpoints";
export const CHECKPOINT_VERSION = 1;

/** The KV store document of one input's checkpoint (wire names, snake_case). */
export interface CheckpointDocument {
  version: number;
  input: string;
  tenant_id: string;
  api: string;
  watermark: string;
  ids_at_watermark: string[];
  alerts_total: number;
  updated_at: string;
}

export interface CheckpointStore {
  /** The saved cursor, or undefined when the input has never saved one. */
  load(input: string): Promise<{ cursor: Cursor; alertsTotal: number } | undefined>;
  save(input: string, cursor: Cursor, meta: { tenantId: string; api: string; alertsTotal: number }): Promise<void>;
}

/**
 * Checkpoints in the KV store, one document per input, keyed by the input name.
 *
 * @throws AddonError CHECKPOINT_UNREADABLE when a saved document cannot be understood (it is
 * never silently replaced: that would re-ingest or skip alerts), KVSTORE_UNAVAILABLE.
 */
export function createCheckpointStore(
  kv: KvCollection<CheckpointDocument>,
  nowMs: () => number,
): CheckpointStore {
  return {
    async load(input) {
      const doc = await kv.get(input);
      if (doc === undefined) return undefined;
      const watermark = typeof doc.watermark === "string" ? parseInstant(doc.watermark) : undefined;
      const ids = doc.ids_at_watermark;
      if (
        doc.version !== CHECKPOINT_VERSION ||
        watermark === undefined ||
        !Array.isArray(ids) ||
        !ids.every((id) => typeof id === "string")
      ) {
        throw new AddonError(
          "CHECKPOINT_UNREADABLE",
          `The checkpoint of input '${input}' in ${CHECKPOINT_COLLECTION} cannot be read ` +
            `(version ${String(doc.version)}); it was left as it is`,
          { input },
        );
      }
      return {
        cursor: { watermark, idsAtWatermark: new Set(ids) },
        alertsTotal: typeof doc.alerts_total === "number" ? doc.alerts_total : 0,
      };
    },

    async save(input, cursor, meta) {
      await kv.put(input, {
        version: CHECKPOINT_VERSION,
        input,
        tenant_id: meta.tenantId,
        api: meta.api,
        watermark: formatInstant(cursor.watermark),
        ids_at_watermark: [...cursor.idsAtWatermark].sort(),
        alerts_total: meta.alertsTotal,
        updated_at: new Date(nowMs()).toISOString(),
      });
    },
  };
}
