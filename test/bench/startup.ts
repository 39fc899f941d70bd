// Start-up: `--scheme` and an idle run against a bare `node -e 0` of the same Node binary, and the
// least any new process that asks splunkd and Defender over HTTPS can cost (the floor below).
// Every round runs them one after the other, so the machine's load at that moment hits them all.

import { formatInstant, ticksFromMs } from "../peers/defender/timestamps.ts";
import type { InputRunner } from "../peers/splunkd/index.ts";
import type { World } from "../support/world.ts";
import { backlog } from "./backlog.ts";
import type { BenchExecutable } from "./executable.ts";
import { fmt, measuredRun, median, rss, RSS_LIMIT_MIB, RSS_TARGET } from "./measure.ts";
import { childrenCpuSeconds, timeProcess } from "./proc.ts";
import { ratio, type Section } from "./report.ts";

export interface StartupResult {
  section: Section;
  idleCpuSeconds: number;
  idlePeakMiB: number;
  /** Requests one idle run makes: Defender API, Entra ID token endpoint, splunkd REST. */
  idleCalls: { defender: number; entra: number; splunkd: number };
}

export async function benchStartup(ctx: {
  world: World;
  runner: InputRunner;
  exe: BenchExecutable;
  rounds: number;
  progress: (line: string) => void;
}): Promise<StartupResult> {
  const { world, runner, exe } = ctx;
  // A tenant whose checkpoint is at its newest alert, updated minutes ago: nothing new to read.
  const alerts = backlog({ count: 5, tenantId: "idle", evidence: { min: 1, max: 4 } }).map((alert, i) => ({
    ...alert,
    lastUpdateTime: formatInstant(ticksFromMs(Date.now() - (10 - i) * 60_000)),
  }));
  const tenantId = world.addTenant(alerts);
  const params = world.params(tenantId);
  await measuredRun(runner, "idle", params);

  const floorArgs = ["-e", httpsFloorScript([`${world.splunkd.url}/services/server/info`, `${world.defender.url}/api/alerts`])];
  const floorEnv = { ...process.env, NODE_EXTRA_CA_CERTS: world.tls.caPath };
  const bare = { wall: [] as number[], cpu: [] as number[] };
  const floor = { wall: [] as number[], cpu: [] as number[] };
  const scheme = { wall: [] as number[], cpu: [] as number[] };
  const idle = { wall: [] as number[], cpu: [] as number[], rss: [] as number[] };
  let calls = { defender: 0, entra: 0, splunkd: 0 };
  for (let round = 0; round < ctx.rounds; round += 1) {
    const plain = await timeProcess(exe.node, ["-e", "0"]);
    bare.wall.push(plain.wallMs);
    bare.cpu.push(plain.cpuSeconds);

    const least = await timeProcess(exe.node, floorArgs, floorEnv);
    if (least.exitCode !== 0) throw new Error(`the HTTPS floor probe exited with ${String(least.exitCode)}`);
    floor.wall.push(least.wallMs);
    floor.cpu.push(least.cpuSeconds);

    const cpuBefore = childrenCpuSeconds();
    const started = performance.now();
    await runner.introspect();
    scheme.wall.push(performance.now() - started);
    scheme.cpu.push(childrenCpuSeconds() - cpuBefore);

    const before = { defender: world.defender.requests.length, entra: world.entra.requests.length, splunkd: world.splunkd.requests.length };
    const run = await measuredRun(runner, "idle", params, { watchRss: true });
    if (run.events !== 0) throw new Error(`the idle run wrote ${run.events} events`);
    idle.wall.push(run.wallMs);
    idle.cpu.push(run.cpuSeconds);
    idle.rss.push(run.peakMiB);
    calls = {
      defender: world.defender.requests.length - before.defender,
      entra: world.entra.requests.length - before.entra,
      splunkd: world.splunkd.requests.length - before.splunkd,
    };
  }
  ctx.progress(`start-up: ${ctx.rounds} rounds done`);

  const m = {
    bareWall: median(bare.wall), bareCpu: median(bare.cpu) * 1000,
    floorWall: median(floor.wall), floorCpu: median(floor.cpu) * 1000,
    schemeWall: median(scheme.wall), schemeCpu: median(scheme.cpu) * 1000,
    idleWall: median(idle.wall), idleCpu: median(idle.cpu) * 1000, idleRss: median(idle.rss),
  };
  const ms = (v: number): string => `${fmt(v)} ms`;
  return {
    idleCpuSeconds: m.idleCpu / 1000,
    idlePeakMiB: m.idleRss,
    idleCalls: calls,
    section: {
      title: `Start-up (${ctx.rounds} rounds; reference: \`node -e 0\` with the executable's Node ${exe.nodeVersion})`,
      rows: [
        { measure: "`node -e 0`: wall", value: ms(m.bareWall) },
        { measure: "`node -e 0`: CPU", value: ms(m.bareCpu) },
        { measure: "two HTTPS requests, Node's `https` alone: wall", value: ms(m.floorWall), reference: ms(m.bareWall), ratio: ratio(m.floorWall, m.bareWall) },
        { measure: "two HTTPS requests, Node's `https` alone: CPU", value: ms(m.floorCpu), reference: ms(m.bareCpu), ratio: ratio(m.floorCpu, m.bareCpu) },
        { measure: "`--scheme`: wall", value: ms(m.schemeWall), reference: ms(m.bareWall), ratio: ratio(m.schemeWall, m.bareWall) },
        { measure: "`--scheme`: CPU", value: ms(m.schemeCpu), reference: ms(m.bareCpu), ratio: ratio(m.schemeCpu, m.bareCpu) },
        {
          measure: "idle run: wall",
          value: ms(m.idleWall),
          reference: ms(m.bareWall),
          ratio: ratio(m.idleWall, m.bareWall),
          target: "≤ 2×",
          met: m.idleWall <= 2 * m.bareWall,
        },
        {
          measure: "idle run: CPU",
          value: ms(m.idleCpu),
          reference: ms(m.bareCpu),
          ratio: ratio(m.idleCpu, m.bareCpu),
          target: "≤ 2×",
          met: m.idleCpu <= 2 * m.bareCpu,
        },
        { measure: "idle run: peak RSS", value: rss(m.idleRss), target: RSS_TARGET, met: m.idleRss < RSS_LIMIT_MIB },
      ],
      notes: [
        `An idle run: the checkpoint is at the tenant's newest alert; it reads the settings, the account's secret, the health record, the checkpoint and the access token an earlier run kept from splunkd, asks Defender once, and writes the health record: ${calls.defender} Defender call, ${calls.entra} token request, ${calls.splunkd} splunkd requests.`,
        `Two HTTPS requests, Node's \`https\` alone: a new process of the same Node that loads Node's https module and nothing else and sends one GET to the splunkd stand-in and one to the Defender stand-in over TLS (unauthenticated, so both answer 401): the least a new Node process that must ask both can cost. The idle run is at ${ratio(m.idleWall, m.floorWall)} of it on wall time and ${ratio(m.idleCpu, m.floorCpu)} on CPU.`,
        "Wall times are from the start of the process to its exit as the runner sees it (spawn, stdin document, exit); CPU is user + system of the process, from /proc (10 ms ticks).",
      ],
    },
  };
}

/**
 * A `node -e` script that GETs each URL in turn with Node's own https module, reads the answer
 * whatever its status, and exits; any connection error fails it.
 */
function httpsFloorScript(urls: string[]): string {
  return [
    'const https = require("node:https");',
    `const urls = ${JSON.stringify(urls)};`,
    "(async () => {",
    "  for (const url of urls) {",
    "    await new Promise((resolve, reject) => {",
    '      https.get(url, (res) => { res.resume(); res.on("end", resolve); }).on("error", reject);',
    "    });",
    "  }",
    "})().catch((error) => { console.error(error); process.exitCode = 1; });",
  ].join("\n");
}
