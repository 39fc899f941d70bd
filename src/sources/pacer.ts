/**
 * Keeps a tenant under an API's documented rate limits by pacing, not by hitting them: after a
 * small burst (most runs need one or two calls and should not wait), calls are spaced by
 * `minIntervalMs` (100 calls/min → 600 ms), no 60 seconds ever hold more than `perMinute` calls
 * (burst and spacing alone would allow 109 in the first minute), and a run makes at most
 * `maxCalls`, a share of the hourly quota sized by the input's interval. A run that reaches its
 * share stops cleanly and the next run continues from the checkpoint.
 *
 * The window is strict because Microsoft does not say how it counts a minute (fixed, sliding or
 * a refilling bucket): a run that keeps every 60-second span under the limit is under it for all
 * three.
 */
export interface Pacer {
  /** Waits for the next call slot; false when this run's share of calls is used up. */
  take(): Promise<boolean>;
  readonly calls: number;
}

const MINUTE_MS = 60_000;

export function createPacer(deps: {
  minIntervalMs: number;
  maxCalls: number;
  /** Calls made without spacing at the start of a run; a tenth of the per-minute limit. */
  burst: number;
  /** The most calls in any 60 seconds; unlimited when absent. */
  perMinute?: number;
  nowMs: () => number;
  sleep: (ms: number) => Promise<void>;
}): Pacer {
  let calls = 0;
  let last = Number.NEGATIVE_INFINITY;
  // The times of the last `perMinute` calls, oldest first.
  const recent: number[] = [];
  const perMinute = deps.perMinute ?? Number.POSITIVE_INFINITY;
  return {
    async take() {
      if (calls >= deps.maxCalls) return false;
      const spaced = calls >= deps.burst ? last + deps.minIntervalMs : Number.NEGATIVE_INFINITY;
      const windowed = recent.length >= perMinute
        ? (recent[0] as number) + MINUTE_MS
        : Number.NEGATIVE_INFINITY;
      const wait = Math.max(spaced, windowed) - deps.nowMs();
      if (wait > 0) await deps.sleep(wait);
      last = deps.nowMs();
      recent.push(last);
      if (recent.length > perMinute) recent.shift();
      calls += 1;
      return true;
    },
    get calls() {
      return calls;
    },
  };
}

/**
 * This run's share of an hourly quota: runs start every `intervalSeconds`, so a run may use
 * `perHour * interval / 3600` calls (at least `min`), and a backlog drains at the quota's pace.
 */
export function callsPerRun(perHour: number, intervalSeconds: number, min = 5): number {
  const interval = Math.max(60, Math.min(3600, intervalSeconds));
  return Math.max(min, Math.floor((perHour * interval) / 3600));
}
