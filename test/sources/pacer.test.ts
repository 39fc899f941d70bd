import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { callsPerRun, createPacer } from "../../src/sources/pacer.ts";

/** A pacer on a fake clock; `times` records when each call was allowed. */
function pacedRun(opts: { calls: number; burst: number; minIntervalMs: number; perMinute?: number; maxCalls?: number }) {
  let clock = 1_000_000;
  const times: number[] = [];
  const pacer = createPacer({
    minIntervalMs: opts.minIntervalMs,
    burst: opts.burst,
    maxCalls: opts.maxCalls ?? Number.POSITIVE_INFINITY,
    ...(opts.perMinute === undefined ? {} : { perMinute: opts.perMinute }),
    nowMs: () => clock,
    sleep: async (ms) => {
      clock += ms;
    },
  });
  return (async () => {
    for (let i = 0; i < opts.calls; i += 1) {
      if (!(await pacer.take())) break;
      times.push(clock);
    }
    return { times, calls: pacer.calls };
  })();
}

/** The most calls in any span of `spanMs` (a call at t counts in [t, t + spanMs)). */
function busiestSpan(times: number[], spanMs: number): number {
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i += 1) {
    while ((times[i] as number) - (times[j] as number) >= spanMs) j += 1;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe("pacer", () => {
  it("makes the burst at once, then spaces calls", async () => {
    const { times } = await pacedRun({ calls: 14, burst: 10, minIntervalMs: 600 });
    assert.deepEqual(times.slice(0, 10).map((t) => t - (times[0] as number)), Array(10).fill(0));
    assert.deepEqual(times.slice(10).map((t, i) => t - (times[9 + i] as number)), [600, 600, 600, 600]);
  });

  it("keeps any 60 seconds at 100 calls for MDE, where burst and spacing alone allow 109", async () => {
    const unbounded = await pacedRun({ calls: 300, burst: 10, minIntervalMs: 600 });
    assert.equal(busiestSpan(unbounded.times, 60_000), 109);

    const { times } = await pacedRun({ calls: 300, burst: 10, minIntervalMs: 600, perMinute: 100 });
    assert.equal(times.length, 300);
    assert.equal(busiestSpan(times, 60_000), 100);
    // Fixed minutes, counted from any start, hold no more either.
    for (let offset = 0; offset < 60_000; offset += 7_000) {
      const byMinute = new Map<number, number>();
      for (const t of times) {
        const minute = Math.floor((t - offset) / 60_000);
        byMinute.set(minute, (byMinute.get(minute) ?? 0) + 1);
      }
      assert.ok(Math.max(...byMinute.values()) <= 100, `fixed minutes from +${offset} ms`);
    }
    // The 101st call waits for the first to leave the window; no call waits longer than needed.
    assert.equal((times[100] as number) - (times[0] as number), 60_000);
    assert.ok(times.at(-1)! - times[0]! < 300 * 600 + 60_000);
  });

  it("stops at the run's share of the hourly quota", async () => {
    const { calls } = await pacedRun({ calls: 500, burst: 10, minIntervalMs: 600, perMinute: 100, maxCalls: 125 });
    assert.equal(calls, 125);
  });

  it("sizes the share by the interval: 1,500 an hour", () => {
    assert.equal(callsPerRun(1500, 300), 125);
    assert.equal(callsPerRun(1500, 60), 25);
    assert.equal(callsPerRun(1500, 10), 25); // intervals under a minute count as one minute
    assert.equal(callsPerRun(1500, 86_400), 1500);
    assert.equal(callsPerRun(10, 60), 5);
  });
});
