import { generateAlerts, type DefenderFault } from "../peers/defender/index.ts";
import type { World } from "../support/world.ts";

/** One fault-injection scenario: what it injects, and how the runs are interrupted. */
export interface Scenario {
  name: string;
  /** Installs the faults on the stand-ins; `random` is the scenario's seeded generator. */
  arrange(world: World, tenantId: string, random: () => number): void;
  /** Signal to send after a given number of events in a run, if any. */
  interrupt?: (random: () => number, run: number) => { signal: NodeJS.Signals; afterEvents: number } | undefined;
  /** Flips the KV store between pages, if set. */
  kvFlaps?: boolean;
  /** Whether duplicates are allowed (right after SIGKILL only), at most one page per kill. */
  duplicatesAllowedPerKill?: boolean;
}

export interface ScenarioResult {
  name: string;
  expected: number;
  indexed: number;
  lost: number;
  duplicated: number;
  /**
   * The most duplicates charged to one SIGKILL: those written by the runs after it until one
   * reads past what the killed run had written (it indexes a version not indexed before) or to
   * the end. A run that fails, or that SIGTERM or its call budget stops, may end inside that range
   * and pass the rest of the repeat on to the next run. Only these may exist, at most a page per
   * kill.
   */
  maxDuplicatesPerKill: number;
  runs: number;
  kills: number;
  faultsServed: number;
  pageSize: number;
  ok: boolean;
}

/** A small seeded generator (mulberry32), so a scenario can be replayed. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const forTenant = (tenantId: string, rate: number, random: () => number) =>
  (r: { tenantId: string }) => r.tenantId === tenantId && random() < rate;

const MDE_QUOTA = { error: { code: "TooManyRequests", message: "API calls quota exceeded! maximum allowed 100 per 00:01:00", target: "q" } };

const faultSet = (faults: DefenderFault[]) => (world: World): void => {
  for (const fault of faults) world.defender.injectFault(fault);
};

export const SCENARIOS: Scenario[] = [
  { name: "no fault", arrange: () => {} },
  {
    name: "429 with Retry-After header",
    arrange: (w, t, r) => faultSet([{ status: 429, headers: { "retry-after": "1" }, body: MDE_QUOTA, times: Infinity, match: forTenant(t, 0.25, r) }])(w),
  },
  {
    name: "429 with the wait only in the body",
    arrange: (w, t, r) =>
      faultSet([
        { status: 429, body: MDE_QUOTA, times: Infinity, match: forTenant(t, 0.12, r) },
        { status: 429, body: { error: { code: "TooManyRequests", message: "Rate limit is exceeded. Try again in 1 seconds." } }, times: Infinity, match: forTenant(t, 0.12, r) },
      ])(w),
  },
  {
    name: "5xx and proxy HTML pages",
    arrange: (w, t, r) =>
      faultSet([
        { status: 500, times: Infinity, match: forTenant(t, 0.1, r) },
        { status: 503, headers: { "content-type": "text/html" }, body: "<html><body>503 Service Unavailable</body></html>", times: Infinity, match: forTenant(t, 0.1, r) },
        { status: 502, headers: { "content-type": "text/html" }, body: "<html><body>Bad gateway</body></html>", times: Infinity, match: forTenant(t, 0.05, r) },
      ])(w),
  },
  {
    name: "connection resets and truncated bodies",
    arrange: (w, t, r) =>
      faultSet([
        { connection: "reset", times: Infinity, match: forTenant(t, 0.1, r) },
        { connection: "destroy-mid-body", times: Infinity, match: forTenant(t, 0.1, r) },
        { connection: "truncated-json", times: Infinity, match: forTenant(t, 0.1, r) },
      ])(w),
  },
  {
    name: "alerts change while the backlog is paged",
    arrange: (w, t, r) => {
      const ids = w.defender.alerts(t).map((a) => a.id);
      w.defender.injectFault({
        status: 599,
        times: 1,
        // Never matches: used only to mutate the data on every request.
        match: (req) => {
          if (req.tenantId === t) {
            for (let i = 0; i < 8; i += 1) w.defender.update(t, ids[Math.floor(r() * ids.length)]!, { status: "InProgress" });
          }
          return false;
        },
      });
    },
  },
  { name: "KV store unavailable between pages", arrange: () => {}, kvFlaps: true },
  {
    name: "SIGTERM mid-run, repeatedly",
    arrange: () => {},
    // Every run until the 25th is stopped after a random number of events.
    interrupt: (r, run) => (run <= 25 ? { signal: "SIGTERM", afterEvents: 1 + Math.floor(r() * 400) } : undefined),
  },
  {
    name: "SIGKILL mid-page, repeatedly",
    arrange: () => {},
    interrupt: (r, run) => (run <= 25 ? { signal: "SIGKILL", afterEvents: 1 + Math.floor(r() * 400) } : undefined),
    duplicatesAllowedPerKill: true,
  },
  {
    name: "everything at once",
    arrange: (w, t, r) => {
      SCENARIOS[2]!.arrange(w, t, r);
      SCENARIOS[3]!.arrange(w, t, r);
      SCENARIOS[4]!.arrange(w, t, r);
      SCENARIOS[5]!.arrange(w, t, r);
    },
    kvFlaps: true,
    interrupt: (r, run) =>
      run <= 12 ? { signal: r() < 0.5 ? "SIGKILL" : "SIGTERM", afterEvents: 1 + Math.floor(r() * 600) } : undefined,
    duplicatesAllowedPerKill: true,
  },
];

/**
 * Runs one scenario over a fresh tenant: the input is started again and again, the way splunkd
 * does on each interval, until a run ends cleanly with the faults lifted; then the index is
 * compared with the stand-in's ground truth.
 */
export async function runScenario(
  world: World,
  scenario: Scenario,
  opts: { alerts: number; pageSize: number; seed: number; maxRuns: number },
): Promise<ScenarioResult> {
  const random = seeded(opts.seed);
  const startMs = Date.parse("2025-06-01T00:00:00Z");
  const tenantId = world.addTenant(generateAlerts({ count: opts.alerts, tenantId: "x", seed: opts.seed, startMs, stepMs: 1700 }));
  const input = `faults-${opts.seed}`;
  const params = world.params(tenantId, { page_size: String(opts.pageSize) });
  const before = world.defender.requests.filter((r) => r.tenant === tenantId && r.fault !== undefined).length;
  scenario.arrange(world, tenantId, random);

  let runs = 0;
  let kills = 0;
  let maxDuplicatesPerKill = 0;
  let afterKill = false;
  let duplicatesSoFar = 0;
  const countIndexed = (): { duplicates: number; distinct: number } => {
    const seen = new Set<string>();
    let duplicates = 0;
    for (const e of world.runner.index.events) {
      if (e.source !== `defender_alerts:${tenantId}`) continue;
      const a = JSON.parse(e.raw) as { id: string; lastUpdateTime: string };
      const key = `${a.id}|${a.lastUpdateTime}`;
      if (seen.has(key)) duplicates += 1;
      else seen.add(key);
    }
    return { duplicates, distinct: seen.size };
  };
  // Versions indexed when the last SIGKILL came: a run that indexes more has read past its range.
  let distinctAtKill = 0;
  let sinceKill = 0;
  const history: string[] = [];
  const noteRun = (killed: boolean, finished: boolean, how: string): void => {
    const now = countIndexed();
    const added = now.duplicates - duplicatesSoFar;
    duplicatesSoFar = now.duplicates;
    history.push(`run ${history.length + 1}: ${how}, ${added} duplicates, ${now.distinct} versions`);
    if (added > 0 && !afterKill) {
      throw new Error(`${scenario.name}: a run not after a SIGKILL wrote ${added} duplicates\n${history.join("\n")}`);
    }
    sinceKill += added;
    maxDuplicatesPerKill = Math.max(maxDuplicatesPerKill, sinceKill);
    if (killed) {
      afterKill = true;
      sinceKill = 0;
      distinctAtKill = now.distinct;
    } else if (finished || now.distinct > distinctAtKill) {
      afterKill = false;
      sinceKill = 0;
    }
  };
  let flap: NodeJS.Timeout | undefined;
  for (; runs < opts.maxRuns; ) {
    runs += 1;
    const stop = scenario.interrupt?.(random, runs);
    if (scenario.kvFlaps === true) {
      flap = setInterval(() => world.splunkd.setKvStoreStatus(random() < 0.4 ? "starting" : "ready"), 15);
    }
    const result = await world.runner.run(input, params, {
      timeoutMs: 120_000,
      ...(stop === undefined ? {} : { killWhen: ({ events }) => (events === stop.afterEvents ? stop.signal : undefined) }),
    });
    clearInterval(flap);
    world.splunkd.setKvStoreStatus("ready");
    if (result.signal === "SIGKILL") kills += 1;
    const stoppedBy = result.stderr.map((l) => /stopped_by=(\w+)/.exec(l)?.[1]).find((v) => v !== undefined);
    const finished = result.exitCode === 0 && stoppedBy !== "signal" && stoppedBy !== "budget";
    const how = `signal ${result.signal ?? "none"}, exit ${result.exitCode ?? "none"}, stopped_by ${stoppedBy ?? "none"}`;
    noteRun(result.signal === "SIGKILL", finished, how);
    // A run that finished before its signal came read everything: the scenario is done.
    if (finished && (stop === undefined || result.signal === null)) break;
  }
  // With the faults lifted, one more run picks up whatever the last faulty one left.
  world.defender.clearFaults();
  const last = await world.runner.run(input, params);
  runs += 1;
  noteRun(false, true, `final, exit ${last.exitCode}`);
  if (last.exitCode !== 0) throw new Error(`${scenario.name}: the final clean run failed:\n${last.stderr.join("\n")}`);

  const indexed = world.runner.index
    .search((e) => e.source === `defender_alerts:${tenantId}`)
    .map((e) => JSON.parse(e.raw) as { id: string; lastUpdateTime: string });
  const counts = new Map<string, number>();
  for (const alert of indexed) {
    const key = `${alert.id}|${alert.lastUpdateTime}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const expected = world.defender.alerts(tenantId).map((a) => `${a.id}|${a.lastUpdateTime}`);
  const lost = expected.filter((key) => !counts.has(key)).length;
  const duplicated = [...counts.values()].reduce((sum, n) => sum + (n - 1), 0);
  const faultsServed = world.defender.requests.filter((r) => r.tenant === tenantId && r.fault !== undefined).length - before;
  const allowed = scenario.duplicatesAllowedPerKill === true ? kills * opts.pageSize : 0;
  const perRunOk = maxDuplicatesPerKill <= (scenario.duplicatesAllowedPerKill === true ? opts.pageSize : 0);
  return {
    name: scenario.name,
    expected: expected.length,
    indexed: indexed.length,
    lost,
    duplicated,
    maxDuplicatesPerKill,
    runs,
    kills,
    faultsServed,
    pageSize: opts.pageSize,
    ok: lost === 0 && duplicated <= allowed && perRunOk,
  };
}
