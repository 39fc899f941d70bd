// `npm run bench`: the benchmark of issue 7 (docs/BENCHMARKS.md). Builds the packaged executable
// (or falls back to bin/defender_alerts on this machine's Node, and says so), runs it the way
// splunkd does against the stand-ins on loopback, and prints tables of median figures, each next
// to its reference measured in the same run. Not a test: it never runs in `npm test` or CI.
//
//   npm run bench [-- --runs 3 --startup-runs 10 --backlog 100000 --tenants 300 --intervals 3
//                     --concurrency 4 --package dist/<linux>.tgz --no-package --quick]
//
// Progress goes to stderr; the report (Markdown) to stdout.
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";

import { benchApiCost } from "../test/bench/api-cost.ts";
import { benchExecutable, type BenchExecutable } from "../test/bench/executable.ts";
import { fmt } from "../test/bench/measure.ts";
import { renderSection, type Section } from "../test/bench/report.ts";
import { benchScale } from "../test/bench/scale.ts";
import { benchStartup } from "../test/bench/startup.ts";
import { benchBacklog } from "../test/bench/throughput.ts";
import { createInputRunner } from "../test/peers/splunkd/index.ts";
import { makeTempDir } from "../test/support/temp.ts";
import { createWorld, type World } from "../test/support/world.ts";

const { values } = parseArgs({
  options: {
    runs: { type: "string" },
    "startup-runs": { type: "string" },
    backlog: { type: "string" },
    tenants: { type: "string" },
    intervals: { type: "string" },
    concurrency: { type: "string", default: "4" },
    package: { type: "string" },
    "no-package": { type: "boolean", default: false },
    quick: { type: "boolean", default: false },
  },
});
const quick = values.quick;
const num = (text: string | undefined, full: number, small: number): number => Number(text ?? (quick ? small : full));
const HEAVY: [number, number] = quick ? [300, 1000] : [1000, 10_000];
const settings = {
  runs: num(values.runs, 3, 2),
  startupRuns: num(values["startup-runs"], 10, 5),
  backlog: num(values.backlog, 100_000, 20_000),
  small: 10_000,
  heavy: HEAVY,
  drainAlerts: 3000,
  tenants: num(values.tenants, 300, 30),
  intervals: num(values.intervals, 3, 2),
  concurrency: Number(values.concurrency),
};
const SECRET = "bench-client-secret-~not-a-real-one";
const began = performance.now();
const progress = (line: string): void => {
  process.stderr.write(`[${fmt((performance.now() - began) / 1000)} s] ${line}\n`);
};

function runnerFor(world: World, exe: BenchExecutable) {
  return createInputRunner({
    splunkd: world.splunkd,
    executable: exe.path,
    scheme: "defender_alerts",
    checkpointDir: makeTempDir("ta-dm-bench-modinputs-"),
    env: { NODE_EXTRA_CA_CERTS: world.tls.caPath },
    logLevel: "INFO",
  });
}

async function withWorld<T>(rateLimits: boolean, work: (world: World) => Promise<T>): Promise<T> {
  const world = await createWorld(rateLimits ? {} : { rateLimits: false });
  try {
    await world.addAccount("mssp", SECRET);
    return await work(world);
  } finally {
    await world.close();
  }
}

const loadBefore = loadavg();
progress("building the packaged executable");
const exe = await benchExecutable({
  ...(values.package === undefined ? {} : { packagePath: values.package }),
  fallbackOnly: values["no-package"],
});
progress(`running ${exe.label}`);

const sections: Section[] = [];
// The stand-ins' own rate limits off: the throughput and memory figures are the input's.
const unlimited = await withWorld(false, async (world) => {
  const runner = runnerFor(world, exe);
  const startup = await benchStartup({ world, runner, exe, rounds: settings.startupRuns, progress });
  const backlog = await benchBacklog({
    world, runner, exe, runs: settings.runs, backlog: settings.backlog, small: settings.small, heavy: settings.heavy, secret: SECRET, progress,
  });
  return { startup, backlog };
});
sections.push(unlimited.startup.section, ...unlimited.backlog.sections);

// The documented limits on: API cost and the many-tenant operation.
await withWorld(true, async (world) => {
  const runner = runnerFor(world, exe);
  sections.push(
    await benchApiCost({
      world, runner, progress,
      calls: unlimited.backlog.calls,
      idleCalls: unlimited.startup.idleCalls.defender,
      drainAlerts: settings.drainAlerts,
      backlog: { alerts: unlimited.backlog.backlogAlerts, seconds: unlimited.backlog.backlogSeconds },
    }),
  );
  const bare = unlimited.startup.section.rows.find((r) => r.measure === "`node -e 0`: CPU")?.value ?? "0";
  sections.push(
    await benchScale({
      world, runner, progress,
      tenants: settings.tenants,
      intervals: settings.intervals,
      concurrency: settings.concurrency,
      bareCpuSeconds: Number(bare.replace(/[^\d.]/g, "")) / 1000,
    }),
  );
});

const cpu = cpus()[0]?.model ?? "unknown CPU";
const header = [
  `## Benchmark run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
  "",
  `- Executable: ${exe.label}.`,
  `- Machine: ${cpus().length} cores (${cpu}), Linux; load average ${loadBefore.map((l) => l.toFixed(1)).join(" ")} at the start, ${loadavg().map((l) => l.toFixed(1)).join(" ")} at the end (other work on the machine slows wall times; CPU times are steadier).`,
  `- Settings: ${JSON.stringify(settings)}; the whole run took ${fmt((performance.now() - began) / 1000)} s.`,
  "",
].join("\n");
process.stdout.write(`${header}\n${sections.map(renderSection).join("\n")}`);
const missed = sections.flatMap((s) => s.rows).filter((r) => r.met === false).length;
progress(`done: ${missed} target${missed === 1 ? "" : "s"} missed`);
