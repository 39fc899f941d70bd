// Scale: many tenants with a few alerts each, run as splunkd runs them (one process per tenant
// per interval) for a few intervals; the CPU all those processes use, per hour of operation.

import { formatInstant, ticksFromMs } from "../peers/defender/timestamps.ts";
import type { InputRunner } from "../peers/splunkd/index.ts";
import type { World } from "../support/world.ts";
import { backlog } from "./backlog.ts";
import { fmt, median } from "./measure.ts";
import { childrenCpuSeconds, watchChildrenRss } from "./proc.ts";
import { ratio, type Section } from "./report.ts";

const INTERVAL_S = 300;

export async function benchScale(ctx: {
  world: World;
  runner: InputRunner;
  tenants: number;
  intervals: number;
  concurrency: number;
  /** Median CPU seconds of a bare `node -e 0`, for the reference. */
  bareCpuSeconds: number;
  progress: (line: string) => void;
}): Promise<Section> {
  const { world, runner } = ctx;
  const inputs = Array.from({ length: ctx.tenants }, (_, i) => {
    const alerts = backlog({ count: 3, tenantId: `scale-${i}`, evidence: { min: 1, max: 5 }, seed: i + 1 }).map((alert, k) => ({
      ...alert,
      lastUpdateTime: formatInstant(ticksFromMs(Date.now() - (30 - k) * 60_000)),
    }));
    const tenantId = world.addTenant(alerts);
    return { name: `tenant-${String(i).padStart(3, "0")}`, tenantId, ids: alerts.map((a) => a.id), params: world.params(tenantId) };
  });

  const intervals: { wallS: number; cpuS: number; events: number; peakMiB: number }[] = [];
  for (let k = 0; k < ctx.intervals; k += 1) {
    if (k > 0) {
      // Between intervals a third of the tenants see one of their alerts updated.
      for (const [i, input] of inputs.entries()) {
        if (i % 3 === k % 3) world.defender.update(input.tenantId, input.ids[k % input.ids.length] ?? "", { status: "InProgress" });
      }
    }
    const rss = watchChildrenRss(50);
    const cpuBefore = childrenCpuSeconds();
    const started = performance.now();
    let events = 0;
    let next = 0;
    await Promise.all(
      Array.from({ length: ctx.concurrency }, async () => {
        while (next < inputs.length) {
          const input = inputs[next++];
          if (input === undefined) break;
          const run = await runner.run(input.name, input.params, { timeoutMs: 120_000 });
          if (run.exitCode !== 0) throw new Error(`${input.name} failed: ${run.stderr.slice(-3).join(" | ")}`);
          events += run.events;
        }
      }),
    );
    runner.index.clear();
    intervals.push({ wallS: (performance.now() - started) / 1000, cpuS: childrenCpuSeconds() - cpuBefore, events, peakMiB: rss.stop() });
    ctx.progress(`scale: interval ${k + 1}/${ctx.intervals}: ${events} events, ${fmt(intervals.at(-1)!.cpuS, 1)} CPU s, ${fmt(intervals.at(-1)!.wallS, 1)} s`);
  }

  const steady = intervals.slice(1);
  const steadyCpu = median(steady.map((i) => i.cpuS));
  const perHour = steadyCpu * (3600 / INTERVAL_S);
  const floorPerHour = ctx.tenants * ctx.bareCpuSeconds * (3600 / INTERVAL_S);
  const first = intervals[0];
  return {
    title: `Scale (${ctx.tenants} tenants, ${ctx.intervals} intervals, ${ctx.concurrency} inputs at a time; limits on)`,
    rows: [
      { measure: "first interval (3 alerts per tenant): CPU", value: `${fmt(first?.cpuS ?? 0, 1)} s`, reference: `${fmt(first?.events ?? 0)} events` },
      {
        measure: "later intervals (a third of tenants with 1 update): CPU",
        value: `${fmt(steadyCpu, 1)} s`,
        reference: `${fmt(median(steady.map((i) => i.events)))} events`,
      },
      { measure: "CPU per run", value: `${fmt((steadyCpu / ctx.tenants) * 1000)} ms`, reference: `${fmt(ctx.bareCpuSeconds * 1000)} ms (\`node -e 0\`)`, ratio: ratio(steadyCpu / ctx.tenants, ctx.bareCpuSeconds) },
      {
        measure: `CPU seconds per hour at interval ${INTERVAL_S}`,
        value: fmt(perHour),
        reference: `${fmt(floorPerHour)} (as many bare starts)`,
        ratio: ratio(perHour, floorPerHour),
      },
      { measure: "share of this 2-core machine", value: `${fmt((perHour / 7200) * 100, 1)} %` },
      { measure: "wall time of one interval's runs", value: `${fmt(median(steady.map((i) => i.wallS)), 1)} s`, reference: `${INTERVAL_S} s interval` },
      { measure: "peak RSS of any one run", value: `${fmt(Math.max(...intervals.map((i) => i.peakMiB)), 1)} MiB` },
    ],
    notes: [
      "CPU is user + system of every input process of the interval, from /proc (cutime + cstime of this process, whose children they are). Per hour = the median later interval × 12.",
      `splunkd starts an input's process when its interval comes round; here ${ctx.concurrency} run at once (2 cores). Concurrency changes the wall time of an interval, hardly the CPU.`,
    ],
  };
}
