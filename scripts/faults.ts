// The fault-injection suite (`npm run faults`): drives the built input through the splunkd
// runner against the stand-ins, injects each kind of fault at random points, and compares the
// index with the stand-in's ground truth. Lost must be 0 everywhere; duplicates 0 except right
// after a SIGKILL (then at most one page per kill).
import { runScenario, SCENARIOS } from "../test/faults/scenarios.ts";
import { createWorld } from "../test/support/world.ts";

const alerts = Number(process.env["FAULTS_ALERTS"] ?? 4000);
const pageSize = Number(process.env["FAULTS_PAGE_SIZE"] ?? 250);
const world = await createWorld({ rateLimits: false });
let failed = 0;
try {
  await world.addAccount("mssp", "fault-suite-secret");
  console.log(`backlog ${alerts} alerts per scenario, page size ${pageSize}\n`);
  console.log("| scenario | expected | indexed | lost | duplicated | most per kill | runs | SIGKILLs | faults served | result |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
  for (const [i, scenario] of SCENARIOS.entries()) {
    const r = await runScenario(world, scenario, { alerts, pageSize, seed: 1000 + i, maxRuns: 60 });
    if (!r.ok) failed += 1;
    console.log(
      `| ${r.name} | ${r.expected} | ${r.indexed} | ${r.lost} | ${r.duplicated} | ${r.maxDuplicatesPerKill} | ${r.runs} | ${r.kills} | ${r.faultsServed} | ${r.ok ? "pass" : "FAIL"} |`,
    );
  }
} finally {
  await world.close();
}
console.log(`\n${SCENARIOS.length - failed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
