import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";

import { AddonError } from "../errors.ts";
import type { CheckpointDocument } from "./checkpoint-document.ts";

/**
 * Checkpoint copies in splunkd's checkpoint directory, one JSON file per input. Writes go to a
 * temporary file that is flushed to disk and then renamed over the old one, so a crash leaves
 * either the old or the new checkpoint, never half of one.
 */
export function createFileCheckpoints(dir: string) {
  const enabled = dir !== "";
  const pathOf = (input: string): string => join(dir, `${encodeURIComponent(input)}.json`);

  return {
    enabled,

    /** @throws AddonError CHECKPOINT_UNREADABLE when the file exists but is not a checkpoint. */
    read(input: string): CheckpointDocument | undefined {
      if (!enabled) return undefined;
      let text: string;
      try {
        text = readFileSync(pathOf(input), "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw new AddonError("CHECKPOINT_UNREADABLE", `The checkpoint file of input '${input}' cannot be read`, { input }, error);
      }
      try {
        return JSON.parse(text) as CheckpointDocument;
      } catch (error) {
        throw new AddonError(
          "CHECKPOINT_UNREADABLE",
          `The checkpoint file ${pathOf(input)} of input '${input}' is not valid JSON; it was left as it is`,
          { input },
          error,
        );
      }
    },

    write(input: string, doc: CheckpointDocument): void {
      if (!enabled) return;
      mkdirSync(dir, { recursive: true });
      const target = pathOf(input);
      const temporary = `${target}.${process.pid}.tmp`;
      const fd = openSync(temporary, "w", 0o600);
      try {
        writeSync(fd, JSON.stringify(doc));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, target);
    },

    remove(input: string): void {
      if (enabled) rmSync(pathOf(input), { force: true });
    },
  };
}
