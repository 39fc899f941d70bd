// API cost: Defender calls per 10,000 alerts against the fewest any reader needs, a short drain
// measured with the stand-in's documented limits on, a run stopped by its share of the hourly
// quota, and the drain time of a large backlog computed from the calls and the pacing rules.

import type { InputRunner } from "../peers/splunkd/index.ts";
import type { World } from "../support/world.ts";
import { forEachBacklogBlock } from "./backlog.ts";
import { fmt, ingestedField, measuredRun } from "./measure.ts";
import type { Section } from "./report.ts";

// The input's pacing (src/sources/pacer.ts, src/pipeline/run-input.ts) for MDE.
const BURST = 10;
const SPACING_S = 0.6;
const PER_MINUTE = 100;
const PER_HOUR = 1500;

/** Calls a run may make at `intervalSeconds` (src/sources/pacer.ts callsPerRun). */
export function callsPerRun(intervalSeconds: number): number {
  const interval = Math.max(60, Math.min(3600, intervalSeconds));
  return Math.max(5, Math.floor((PER_HOUR * interval) / 3600));
}

/**
 * Seconds the pacer alone makes `calls` calls take in one run: the burst at once, then one per
 * 0.6 s, and never more than 100 in any 60 s (the rules of src/sources/pacer.ts, whose own test
 * checks them on a clock).
 */
function pacingSeconds(calls: number): number {
  const times: number[] = [];
  for (let i = 0; i < calls; i += 1) {
    let at = i === 0 ? 0 : (times[i - 1] as number);
    if (i >= BURST) at = Math.max(at, (times[i - 1] as number) + SPACING_S);
    if (i >= PER_MINUTE) at = Math.max(at, (times[i - PER_MINUTE] as number) + 60);
    times.push(at);
  }
  return times.at(-1) ?? 0;
}

/**
 * When a backlog needing `calls` calls is fully read, with runs every `interval` seconds each
 * using at most its share, and `dataSeconds` of reading in all.
 */
export function drainSeconds(calls: number, interval: number, dataSeconds: number): { runs: number; seconds: number } {
  const share = callsPerRun(interval);
  const runs = Math.ceil(calls / share);
  const lastCalls = calls - (runs - 1) * share;
  const lastData = dataSeconds * (lastCalls / calls);
  return { runs, seconds: (runs - 1) * interval + Math.max(pacingSeconds(lastCalls), lastData) };
}

/** The fewest calls any reader needs: pages of `pageSize`, and one short page to see the end. */
export function neededCalls(alerts: number, pageSize: number): number {
  return Math.ceil((alerts + 1) / pageSize);
}

export async function benchApiCost(ctx: {
  world: World;
  runner: InputRunner;
  /** Calls measured on fresh backlogs (throughput phase). */
  calls: { alerts: number; pageSize: number; calls: number }[];
  idleCalls: number;
  drainAlerts: number;
  backlog: { alerts: number; seconds: number };
  progress: (line: string) => void;
}): Promise<Section> {
  const { world, runner } = ctx;
  const tenantId = world.addTenant();
  forEachBacklogBlock({ count: ctx.drainAlerts, tenantId, evidence: { min: 1, max: 5 } }, (block) => world.defender.seed(tenantId, block));
  const requests = () => world.defender.requests.filter((r) => r.tenant === tenantId);

  // One run with the limits on; interval 3600 so that its share does not stop it.
  const drain = await measuredRun(runner, "drain", world.params(tenantId, { page_size: "100", interval: "3600" }));
  const drainCalls = Number(ingestedField(drain.stderr, "calls"));
  const throttled = requests().filter((r) => r.status === 429).length;
  ctx.progress(`drain with limits on: ${drainCalls} calls in ${fmt(drain.wallMs / 1000, 1)} s, ${throttled} throttled`);

  // The same backlog at interval 60: each run stops at its share (25 calls) and the next goes on.
  const perRun: number[] = [];
  let events = 0;
  while (events < ctx.drainAlerts && perRun.length < 10) {
    const run = await measuredRun(runner, "share", world.params(tenantId, { page_size: "100", interval: "60" }));
    perRun.push(Number(ingestedField(run.stderr, "calls")));
    events += run.events;
  }
  const throttledAfter = requests().filter((r) => r.status === 429).length;

  const rows: Section["rows"] = ctx.calls.map(({ alerts, pageSize, calls }) => {
    const needed = neededCalls(alerts, pageSize);
    return {
      measure: `calls per 10,000 alerts: ${fmt(alerts)}-alert backlog, page_size ${fmt(pageSize)}`,
      value: fmt((calls * 10_000) / alerts, 1),
      reference: `${fmt(calls)} made, ${fmt(needed)} needed`,
      target: "no call the data did not need",
      met: calls <= needed,
    };
  });
  rows.push({
    measure: "calls of an idle run",
    value: fmt(ctx.idleCalls),
    reference: "1 needed",
    target: "no call the data did not need",
    met: ctx.idleCalls <= 1,
  });
  rows.push({
    measure: `drain of ${fmt(ctx.drainAlerts)} alerts at page_size 100, limits on (1 run)`,
    value: `${fmt(drain.wallMs / 1000, 1)} s`,
    reference: `pacing alone ${fmt(pacingSeconds(drainCalls), 1)} s (${drainCalls} calls, ${neededCalls(ctx.drainAlerts, 100)} needed)`,
    target: "no 429",
    met: throttled === 0 && drainCalls <= neededCalls(ctx.drainAlerts, 100),
  });
  rows.push({
    measure: "the same at interval 60 (share 25 calls a run)",
    value: `${perRun.length} runs`,
    reference: `calls per run ${perRun.join(", ")}`,
    target: "no 429",
    met: throttledAfter === 0 && events === ctx.drainAlerts,
  });

  // The large backlog under the documented limits, at interval 300, by page size.
  // Calls per alert at each page size, from the largest backlog read at that size.
  const measured = [{ alerts: ctx.drainAlerts, pageSize: 100, calls: drainCalls }, ...ctx.calls];
  const perAlert = new Map<number, number>();
  for (const c of [...measured].sort((a, b) => a.alerts - b.alerts)) perAlert.set(c.pageSize, c.calls / c.alerts);
  for (const pageSize of [...perAlert.keys()].sort((a, b) => b - a)) {
    const calls = Math.ceil(ctx.backlog.alerts * (perAlert.get(pageSize) ?? 0));
    const { runs, seconds } = drainSeconds(calls, 300, ctx.backlog.seconds);
    rows.push({
      measure: `computed: drain of ${fmt(ctx.backlog.alerts)} alerts, page_size ${fmt(pageSize)}, interval 300`,
      value: seconds >= 600 ? `${fmt(seconds / 60, 1)} min` : `${fmt(seconds, 1)} s`,
      reference: `${fmt(calls)} calls in ${runs} run${runs === 1 ? "" : "s"}`,
    });
  }

  return {
    title: "API cost (Defender stand-in with its limits on: 100 calls/min, 1,500/h per tenant)",
    rows,
    notes: [
      "Needed = ceil((alerts + 1) / page_size): full pages, then one short page that shows the end. Keyset paging asks `lastUpdateTime ge <newest seen>`, so each page after the first starts with the alert(s) at the boundary again; with many alerts at one instant a page may cost one more call than this.",
      `Computed drain: the calls per alert measured at each page size, runs every 300 s each using at most ${callsPerRun(300)} calls (1,500/h × 300/3600), ${BURST} calls at once then one per ${SPACING_S} s and at most ${PER_MINUTE} in any 60 s, and the reading time of the measured ${fmt(ctx.backlog.alerts)}-alert run where it is longer than the pacing.`,
    ],
  };
}
