// The practical ceiling of the input's pipeline, for scripts/bench.ts: the same page bytes the
// input received, merely decoded, parsed and each alert serialised again, in one process with no
// I/O in the timed part. Run by the Node binary the executable embeds:
//
//   node test/bench/ceiling.mjs <folder of page files> <rounds>
//
// Prints one JSON line: { bytes, alerts, rounds: [{ wallMs, cpuMs }] }.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const [dir = ".", roundsText = "3"] = process.argv.slice(2);
const pages = readdirSync(dir)
  .sort()
  .map((name) => readFileSync(join(dir, name)));
const bytes = pages.reduce((sum, page) => sum + page.length, 0);

let alerts = 0;
const rounds = [];
for (let round = 0; round < Number(roundsText); round += 1) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  alerts = 0;
  let chars = 0;
  for (const page of pages) {
    for (const alert of JSON.parse(page.toString("utf8")).value) {
      chars += JSON.stringify(alert).length;
      alerts += 1;
    }
  }
  const used = process.cpuUsage(cpu);
  rounds.push({ wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000, chars });
}
console.log(JSON.stringify({ bytes, alerts, rounds }));
