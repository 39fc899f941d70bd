import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

import type { Logger } from "../log/index.ts";

export interface HeapKeeper {
  /** Counts characters of page text read; collects once `everyChars` have been read since. */
  read(chars: number): void;
  /** Full collections made so far. */
  readonly collections: number;
}

/** Characters of page text between two full collections: about 10 for 100,000 alerts. */
export const HEAP_KEEPER_CHARS = 32 * 1024 * 1024;

/**
 * Keeps a backlog's garbage from setting the input's memory. Reading pages leaves garbage in
 * V8's old generation (what a page keeps until its checkpoint, and alert strings over 128 KiB,
 * which V8 puts in its large-object space), and V8 lets the old generation grow with the
 * allocation rate before it collects: peak RSS rose with the backlog although the live heap
 * stayed at 11 to 20 MiB. A full collection after every `everyChars` characters of page text
 * bounds it by what one such slice leaves, at 10 to 14 ms a time (docs/BENCHMARKS.md, memory).
 *
 * `collect` defaults to V8's own collector (see findCollector); where there is none, the keeper
 * says so once and counts on.
 */
export function createHeapKeeper(deps: {
  logger: Logger;
  everyChars?: number;
  collect?: () => void;
}): HeapKeeper {
  const everyChars = deps.everyChars ?? HEAP_KEEPER_CHARS;
  // undefined until first needed; null when there is none.
  let collect: (() => void) | null | undefined = deps.collect;
  let sinceCollection = 0;
  let collections = 0;
  return {
    read(chars) {
      sinceCollection += chars;
      if (sinceCollection < everyChars) return;
      sinceCollection = 0;
      if (collect === undefined) {
        collect = findCollector() ?? null;
        if (collect === null) {
          deps.logger.warn(
            "full garbage collections are unavailable; a backlog may take more memory",
            { node: process.version },
          );
        }
      }
      if (collect === null) return;
      collect();
      collections += 1;
    },
    get collections() {
      return collections;
    },
  };
}

/**
 * V8's `gc`, reached by turning its `expose_gc` flag on at run time and taking `gc` from a new
 * context. The `--expose-gc` start flag would do the same, but flags given at start change
 * whether V8 accepts the executable's code cache. Node calls changing V8 flags after start-up
 * unpredictable, hence the check: undefined when no collector came of it.
 */
function findCollector(): (() => void) | undefined {
  try {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("typeof gc === 'function' ? gc : undefined") as
      | (() => void)
      | undefined;
    return typeof gc === "function" ? gc : undefined;
  } catch {
    return undefined;
  }
}
