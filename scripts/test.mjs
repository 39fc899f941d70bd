// Runs every test file under test/ with Node's own test runner and ends with the plain
// "N passed, N failed" line that CI reads.
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function findTests(dir) {
  const found = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (name.endsWith(".test.ts")) found.push(path);
  }
  return found;
}

const filter = process.argv.slice(2);
const files = findTests("test").filter((f) => filter.length === 0 || filter.some((p) => f.includes(p)));
const child = spawn(
  process.execPath,
  ["--import", "tsx", "--test", "--test-concurrency=2", "--test-reporter=spec", ...files],
  { stdio: ["ignore", "pipe", "inherit"] },
);

let passed = 0;
let failed = 0;
let tail = "";
child.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString()).slice(-4000);
});
child.on("close", (code) => {
  passed = Number(/ℹ pass (\d+)/.exec(tail)?.[1] ?? 0);
  failed = Number(/ℹ fail (\d+)/.exec(tail)?.[1] ?? 0);
  if (code !== 0 && failed === 0) failed = 1;
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
});
