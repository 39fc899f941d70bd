import { AddonError } from "../errors.ts";
import type { Logger } from "../log/index.ts";
import type { KvCollection } from "../splunkd/index.ts";
import type { Cursor } from "./cursor.ts";
import { createFileCheckpoints } from "./file-checkpoints.ts";
import { fromDocument, toDocument, type CheckpointDocument } from "./checkpoint-document.ts";

export const CHECKPOINT_COLLECTION = "ta_defender_mssp_checkpoints";

export interface CheckpointMeta {
  tenantId: string;
  api: string;
  alertsTotal: number;
}

export interface LoadedCheckpoint {
  cursor: Cursor;
  alertsTotal: number;
  sequence: number;
  /** Where it came from, for the run's log. */
  from: "kvstore" | "file";
}

export interface CheckpointStore {
  /**
   * The saved cursor, or undefined when the input has none (first run, or an admin asked for a
   * reset by setting `reset_requested` on the KV store document).
   */
  load(input: string, lagTicks: bigint): Promise<LoadedCheckpoint | undefined>;
  save(input: string, cursor: Cursor, meta: CheckpointMeta): Promise<void>;
  /** The watermark (as saved) and total of the document last loaded or saved for `input`. */
  recorded(input: string): RecordedCheckpoint | undefined;
}

export interface RecordedCheckpoint {
  watermark: string;
  alertsTotal: number;
}

/**
 * Checkpoints in the KV store, with a copy in splunkd's checkpoint directory for when the KV
 * store is unavailable (a forwarder without one, a KV store that is starting or failed).
 *
 * The rule: every save writes the file first (atomically), then the KV store, each stamped with
 * a sequence number one higher than the last; a load reads both and the higher sequence wins.
 * So a KV store outage never loses progress and never rewinds it, and when the KV store comes
 * back the next save brings it up to date. A document that cannot be understood stops the run
 * (CHECKPOINT_UNREADABLE): it is never silently replaced, which would re-ingest or skip alerts.
 *
 * @throws AddonError CHECKPOINT_UNREADABLE; KVSTORE_UNAVAILABLE or SPLUNKD_* when the KV store
 * cannot be read and there is no file copy to fall back on.
 */
export function createCheckpointStore(deps: {
  kv: KvCollection<CheckpointDocument>;
  checkpointDir: string;
  nowMs: () => number;
  logger: Logger;
}): CheckpointStore {
  const files = createFileCheckpoints(deps.checkpointDir);
  let sequence = 0;
  const recorded = new Map<string, RecordedCheckpoint>();
  const record = (input: string, doc: CheckpointDocument): void => {
    recorded.set(input, { watermark: doc.watermark, alertsTotal: numberOf(doc.alerts_total) });
  };

  return {
    async load(input, lagTicks) {
      let kvDoc: (CheckpointDocument & { _key: string }) | undefined;
      let kvError: AddonError | undefined;
      try {
        kvDoc = await deps.kv.get(input);
      } catch (error) {
        if (!isUnavailable(error)) throw error;
        kvError = error;
      }
      const fileDoc = files.read(input);

      if (kvDoc?.reset_requested === true || kvDoc?.reset_requested === "1") {
        deps.logger.warn("checkpoint reset on request", { input });
        files.remove(input);
        sequence = Math.max(numberOf(kvDoc.sequence), numberOf(fileDoc?.sequence));
        return undefined;
      }
      if (kvError !== undefined && fileDoc === undefined && files.enabled) {
        throw kvError;
      }
      if (kvError !== undefined && !files.enabled) throw kvError;
      if (kvError !== undefined) {
        deps.logger.warn("KV store unavailable, using the checkpoint file", { input, code: kvError.code });
      }

      const newest = pickNewest(kvDoc, fileDoc);
      if (newest === undefined) return undefined;
      sequence = numberOf(newest.doc.sequence);
      const loaded = fromDocument(newest.doc, input, lagTicks);
      record(input, newest.doc);
      return { ...loaded, sequence, from: newest.from };
    },

    async save(input, cursor, meta) {
      sequence += 1;
      const doc = toDocument(input, cursor, meta, sequence, deps.nowMs());
      files.write(input, doc);
      record(input, doc);
      try {
        await deps.kv.put(input, doc);
      } catch (error) {
        if (!isUnavailable(error) || !files.enabled) throw error;
        deps.logger.warn("KV store unavailable, checkpoint saved to file only", {
          input,
          code: error.code,
          sequence,
        });
      }
    },

    recorded(input) {
      return recorded.get(input);
    },
  };
}

function pickNewest(
  kvDoc: CheckpointDocument | undefined,
  fileDoc: CheckpointDocument | undefined,
): { doc: CheckpointDocument; from: "kvstore" | "file" } | undefined {
  if (kvDoc === undefined) return fileDoc === undefined ? undefined : { doc: fileDoc, from: "file" };
  if (fileDoc === undefined) return { doc: kvDoc, from: "kvstore" };
  return numberOf(fileDoc.sequence) > numberOf(kvDoc.sequence)
    ? { doc: fileDoc, from: "file" }
    : { doc: kvDoc, from: "kvstore" };
}

function isUnavailable(error: unknown): error is AddonError {
  return (
    error instanceof AddonError &&
    (error.code === "KVSTORE_UNAVAILABLE" || error.code === "SPLUNKD_UNREACHABLE")
  );
}

function numberOf(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}
