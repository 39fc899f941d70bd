import type { Instant } from "../checkpoint/index.ts";
import type { Logger } from "../log/index.ts";
import type { CollectHooks } from "./types.ts";

const SECOND = 10_000_000n;
const MIN_WINDOW = SECOND;
const MAX_WINDOW = 366n * 86_400n * SECOND;

/**
 * Sizes the time windows of sources whose pages come in no useful order (Graph alerts_v2 lists
 * newest first and takes no `$orderby`; the legacy SIEM API answers one bare array). A window is
 * checkpointed only once read whole, so windows are kept to about one page: a crash repeats at
 * most one window, and a window that turns out larger than a page is shrunk before it is read.
 * The first window spans everything up to now, so a quiet tenant costs one call a run.
 */
function createWindowSizer(initial: Instant) {
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

/** The first look at one window: how many versions it holds, and how to hand them all on. */
export interface WindowLook {
  count: number;
  /** Hands every version of the window on (more pages of it included); called only if it fits. */
  handOn(): Promise<void> | void;
}

/**
 * Reads `[from, now)` in closed windows of about `target` versions. Each window is looked at
 * first; one that holds more than `limit` is shrunk and looked at again before anything of it is
 * handed on (the receiver would repeat it after a crash). A window handed on whole is reported
 * complete (`onPageEnd(end)`). The walk ends at `now`, or when splunkd asks the input to stop.
 */
export async function readWindows(
  span: { from: Instant; now: Instant; target: number; limit: number },
  hooks: Pick<CollectHooks, "onPageEnd" | "stopping">,
  logger: Logger,
  look: (start: Instant, end: Instant) => Promise<WindowLook>,
): Promise<void> {
  const { now, target, limit } = span;
  const sizer = createWindowSizer(now - span.from);
  let start = span.from;
  while (start < now && !hooks.stopping()) {
    const end = start + sizer.size > now ? now : start + sizer.size;
    const window = await look(start, end);
    sizer.observe(window.count, target);
    if (window.count > limit && end - start > MIN_WINDOW) {
      const seconds = Number((end - start) / SECOND);
      logger.debug("window shrunk", { alerts: window.count, seconds });
      continue;
    }
    await window.handOn();
    await hooks.onPageEnd(end);
    start = end;
  }
}
