export { CHECKPOINT_COLLECTION, CHECKPOINT_VERSION, createCheckpointStore } from "./checkpoint-store.ts";
export type { CheckpointDocument, CheckpointStore } from "./checkpoint-store.ts";
export { advance, isPending, startCursor } from "./cursor.ts";
export type { Cursor } from "./cursor.ts";
export { epochSeconds, formatInstant, instantFromMs, parseInstant } from "./instant.ts";
export type { Instant } from "./instant.ts";
