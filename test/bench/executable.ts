// The executable the benchmark runs: the packaged one (Node's single executable application with
// the pinned Node 24 runtime), built into a private folder with the packaging scripts' own steps,
// or taken from a package given on the command line; when neither works, bin/defender_alerts run
// by this machine's Node. The reference `node -e 0` uses the same Node binary as the executable.

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";

import { makeTempDir } from "../support/temp.ts";
import { EXECUTABLE, REPO } from "../support/world.ts";

export interface BenchExecutable {
  /** What splunkd starts. */
  path: string;
  /** The plain Node binary of the same version, for the bare start reference. */
  node: string;
  nodeVersion: string;
  /** One line for the report: what was run and why. */
  label: string;
  packaged: boolean;
}

const PLATFORM = "linux_x86_64";

/**
 * `packagePath`: a built package (.tgz/.spl) to unpack instead of building one. Returns the
 * fallback (with the reason in `label`) when the packaged executable cannot be had.
 */
export async function benchExecutable(opts: { packagePath?: string; fallbackOnly?: boolean }): Promise<BenchExecutable> {
  const fallback = (why: string): BenchExecutable => ({
    path: EXECUTABLE,
    node: process.execPath,
    nodeVersion: process.versions.node,
    label: `bin/defender_alerts on this machine's Node ${process.versions.node} (FALLBACK: ${why})`,
    packaged: false,
  });
  if (opts.fallbackOnly === true) return fallback("asked for with --no-package");
  try {
    return opts.packagePath === undefined ? await buildPackagedExecutable() : await unpackExecutable(opts.packagePath);
  } catch (error) {
    return fallback(error instanceof Error ? error.message.split("\n")[0] ?? "" : String(error));
  }
}

/**
 * The Linux executable exactly as `npm run package` makes it (scripts/package.mjs: bundle for the
 * pinned runtime, SEA blob, postject), in a temporary folder of its own so that it never touches
 * a package build running at the same time.
 */
async function buildPackagedExecutable(): Promise<BenchExecutable> {
  const scripts = join(REPO, "scripts");
  const { bundleInput } = (await import(join(scripts, "build.mjs"))) as {
    bundleInput: (o: { outfile: string; nodeVersion: string }) => Promise<unknown>;
  };
  const runtime = (await import(join(scripts, "package-runtime.mjs"))) as {
    readRuntimePins: () => Record<string, RuntimePin>;
    fetchRuntime: (pin: RuntimePin["runtime"], cacheDir: string) => { binary: string };
    buildSea: (o: {
      mainScript: string; runtimeBinary: string; builderBinary: string; workDir: string; output: string; codeCache: boolean;
    }) => Promise<void>;
  };
  const pin = runtime.readRuntimePins()[PLATFORM];
  if (pin === undefined) throw new Error(`no pinned runtime for ${PLATFORM}`);
  const cache = join(REPO, ".tmp", "runtimes");
  const node = runtime.fetchRuntime(pin.runtime, cache).binary;
  const builder = pin.seaBuilder === undefined ? node : runtime.fetchRuntime(pin.seaBuilder, cache).binary;

  const work = makeTempDir("ta-dm-bench-sea-");
  const mainScript = join(work, "lib", "defender_alerts.js");
  const cwd = process.cwd();
  process.chdir(REPO); // bundleInput names src/entry.ts relative to the repository
  try {
    await bundleInput({ outfile: mainScript, nodeVersion: pin.runtime.version });
  } finally {
    process.chdir(cwd);
  }
  const built = join(work, "built", PLATFORM, "bin", pin.executable);
  await runtime.buildSea({ mainScript, runtimeBinary: node, builderBinary: builder, workDir: join(work, "sea"), output: built, codeCache: pin.seaBuilder === undefined });
  return {
    path: installLikeSplunk(join(work, "built"), `${PLATFORM}/bin/${pin.executable}`, join(work, "installed")),
    node,
    nodeVersion: pin.runtime.version,
    label: `packaged executable (SEA, Node ${pin.runtime.version}) built from this tree as scripts/package.mjs does, run as extracted from a tarball`,
    packaged: true,
  };
}

/**
 * The executable as a Splunk host has it: extracted from the app's tarball. Run straight from the
 * file postject has just written, the same idle run showed about 18 MiB more resident memory (107
 * against 89 MiB) than from an extracted or copied file, or from that file once its cached pages
 * were dropped (posix_fadvise): how its pages sit in the page cache (large folios from big writes,
 * we believe, which a page fault maps whole) is not how an installed app's do.
 */
function installLikeSplunk(dir: string, member: string, into: string): string {
  const tarball = join(into, "app.tar");
  mkdirSync(into, { recursive: true });
  execFileSync("tar", ["-cf", tarball, "-C", dir, member]);
  execFileSync("tar", ["-xf", tarball, "-C", into]);
  rmSync(tarball);
  return join(into, member);
}

async function unpackExecutable(packagePath: string): Promise<BenchExecutable> {
  const work = makeTempDir("ta-dm-bench-pkg-");
  const member = `TA-defender-mssp/${PLATFORM}/bin/defender_alerts`;
  execFileSync("tar", ["-xzf", packagePath, "-C", work, member]);
  // A single executable runs its script whatever the arguments, so it cannot be asked its
  // version: the package is assumed to embed the pinned runtime of this tree.
  const { runtime } = await pinnedRuntime();
  const cached = join(REPO, ".tmp", "runtimes", `${runtime.package}-${runtime.version}`, "package", runtime.binary);
  return {
    path: join(work, member),
    node: existsSync(cached) ? cached : process.execPath,
    nodeVersion: runtime.version,
    label: `packaged executable from ${packagePath} (SEA, Node ${runtime.version} as pinned)`,
    packaged: true,
  };
}

async function pinnedRuntime(): Promise<RuntimePin> {
  const { readRuntimePins } = (await import(join(REPO, "scripts", "package-runtime.mjs"))) as {
    readRuntimePins: () => Record<string, RuntimePin>;
  };
  const pin = readRuntimePins()[PLATFORM];
  if (pin === undefined) throw new Error(`no pinned runtime for ${PLATFORM}`);
  return pin;
}

interface RuntimePin {
  runtime: { package: string; version: string; integrity: string; binary: string };
  seaBuilder?: RuntimePin["runtime"];
  executable: string;
}
