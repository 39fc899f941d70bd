import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

export interface HeapKeeper {
  /** Counts characters of page text read; collects once `everyChars` have been read since. */
  read(chars: number): void;
}

/**
 * Keeps a backlog's garbage from setting the input's memory. Reading a page leaves garbage in
 * V8's old generation (the versions a page wrote, strings of alerts too large for the young
 * generation), and V8 lets the old generation grow with the allocation rate before it collects:
 * peak RSS then rose with the backlog although the live heap stayed near 12 MiB. A full
 * collection after every `everyChars` characters of page text bounds it by what one such slice
 * leaves, at a few milliseconds a time (docs/BENCHMARKS.md, memory).
 */
export function createHeapKeeper(everyChars: number, collect: () => void = collectGarbage): HeapKeeper {
  let sinceCollection = 0;
  return {
    read(chars) {
      sinceCollection += chars;
      if (sinceCollection < everyChars) return;
      sinceCollection = 0;
      collect();
    },
  };
}

/** The process's keeper: every page requester counts into it. */
export const pageHeap: HeapKeeper = createHeapKeeper(32 * 1024 * 1024);

let gc: (() => void) | null | undefined;

/**
 * A full collection. V8's `expose_gc` is turned on at run time and `gc` taken from a new context:
 * the `--expose-gc` start flag would do the same, but flags given at start change whether V8
 * accepts the executable's code cache. Where that is refused, nothing is collected.
 */
function collectGarbage(): void {
  if (gc === undefined) {
    try {
      setFlagsFromString("--expose-gc");
      gc = runInNewContext("typeof gc === 'function' ? gc : null") as (() => void) | null;
    } catch {
      gc = null;
    }
  }
  gc?.();
}
