import type { Instant } from "../checkpoint/index.ts";

const SECOND = 10_000_000n;
export const MIN_WINDOW = SECOND;
export const MAX_WINDOW = 366n * 86_400n * SECOND;

/**
 * Sizes the time windows of sources whose pages come in no useful order (Graph alerts_v2 lists
 * newest first and takes no `$orderby`; the legacy SIEM API answers one bare array). A window is
 * checkpointed only once read whole, so windows are kept to about one page: a crash repeats at
 * most one window, and a window that turns out larger than a page is shrunk before it is read.
 * The first window spans everything up to now, so a quiet tenant costs one call a run.
 */
export function createWindowSizer(initial: Instant) {
  let size = initial < MIN_WINDOW ? MIN_WINDOW : initial > MAX_WINDOW ? MAX_WINDOW : initial;
  return {
    get size(): Instant {
      return size;
    },
    /** The window held `count` versions against a target of `target`: resize for the next. */
    observe(count: number, target: number): void {
      if (count > target) {
        const scaled = (size * BigInt(Math.max(1, Math.floor((target * 8) / 10)))) / BigInt(count);
        size = scaled < MIN_WINDOW ? MIN_WINDOW : scaled;
      } else if (count < target / 4) {
        size = size * 2n > MAX_WINDOW ? MAX_WINDOW : size * 2n;
      }
    },
  };
}
