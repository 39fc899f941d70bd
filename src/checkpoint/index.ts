export { CHECKPOINT_VERSION, fromDocument, toDocument } from "./checkpoint-document.ts";
export type { CheckpointDocument } from "./checkpoint-document.ts";
export { CHECKPOINT_COLLECTION, createCheckpointStore } from "./checkpoint-store.ts";
export type { CheckpointMeta, CheckpointStore, LoadedCheckpoint, RecordedCheckpoint } from "./checkpoint-store.ts";
export { advance, isPending, queryFrom, startCursor, versionKey } from "./cursor.ts";
export type { Cursor } from "./cursor.ts";
export { epochSeconds, formatInstant, instantFromMs, parseInstant } from "./instant.ts";
export type { Instant } from "./instant.ts";
