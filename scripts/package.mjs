// `npm run package`: one installable Splunk app per platform in dist/, each with its own Node.js
// runtime as a single executable named after the scheme. See docs/PACKAGING.md.
//
//   node scripts/package.mjs [--platform linux_x86_64] [--platform windows_x86_64] [--out dist]
//
// Writes dist/TA-defender-mssp-<version>-<platform>.tgz and an identical .spl next to it.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

import { bundleInput } from "./build.mjs";
import { applyPermissions, stageAppFiles, thirdPartyNotices, writeTarball, writeText } from "./package-app.mjs";
import { buildSea, fetchRuntime, readRuntimePins } from "./package-runtime.mjs";

const APP_ID = "TA-defender-mssp";
const REPO = resolve(new URL("..", import.meta.url).pathname);
const WORK = join(REPO, ".tmp", "package");

const pins = readRuntimePins();
const { values } = parseArgs({
  options: {
    platform: { type: "string", multiple: true, default: Object.keys(pins) },
    out: { type: "string", default: "dist" },
  },
});
process.chdir(REPO);
const outDir = resolve(values.out);
const version = checkedVersion();
const mtimeSec = commitTime();

for (const platform of values.platform) {
  const pin = pins[platform];
  if (pin === undefined) throw new Error(`unknown platform ${platform}; known: ${Object.keys(pins)}`);
  const started = Date.now();
  const runtime = fetchRuntime(pin.runtime, join(REPO, ".tmp", "runtimes"));
  const builder = pin.seaBuilder ? fetchRuntime(pin.seaBuilder, join(REPO, ".tmp", "runtimes")) : runtime;

  const work = join(WORK, platform);
  const appDir = join(work, APP_ID);
  rmSync(work, { recursive: true, force: true });
  stageAppFiles(REPO, appDir);
  await buildSetupPage(appDir);

  // The JavaScript the executable runs, shipped as the executable's source for reviewers.
  const mainScript = join(appDir, "lib", "defender_alerts.js");
  const { inputs } = await bundleInput({ outfile: mainScript, nodeVersion: pin.runtime.version });
  writeText(
    join(appDir, "lib", "THIRD-PARTY-NOTICES.txt"),
    thirdPartyNotices(REPO, inputs, builder.license ?? runtime.license, pin.runtime.version),
  );
  const executable = join(appDir, platform, "bin", pin.executable);
  await buildSea({
    mainScript,
    runtimeBinary: runtime.binary,
    builderBinary: builder.binary,
    workDir: join(work, "sea"),
    output: executable,
    codeCache: pin.seaBuilder === undefined,
  });

  applyPermissions(appDir);
  const tgz = join(outDir, `${APP_ID}-${version}-${platform}.tgz`);
  writeTarball(appDir, tgz, mtimeSec);
  copyFileSync(tgz, tgz.replace(/\.tgz$/, ".spl"));
  console.log(
    `packaged ${tgz} (${mib(statSync(tgz).size)} MiB; executable ${mib(statSync(executable).size)} MiB, ` +
      `Node ${pin.runtime.version}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  // The staged copy is as large as the executable; the package holds everything in it.
  rmSync(work, { recursive: true, force: true });
}

function mib(bytes) {
  return (bytes / 1048576).toFixed(1);
}

/**
 * The setup page's bundle (appserver/static/setup), built into the package from web/ by
 * scripts/build-web.mjs when the repository has it, so a package never ships a stale page.
 */
async function buildSetupPage(appDir) {
  if (!existsSync(join(REPO, "scripts", "build-web.mjs"))) return;
  const web = await import("./build-web.mjs");
  await web.buildSetupPage({ outdir: join(appDir, web.SETUP_PAGE_DIR) });
}

/** The version, which package.json, app.conf and app.manifest must agree on. */
function checkedVersion() {
  const version = JSON.parse(readFileSync("package.json", "utf8")).version;
  const appConf = readFileSync("default/app.conf", "utf8");
  const found = {
    "app.conf [launcher] and [id] version": [...appConf.matchAll(/^version\s*=\s*(\S+)/gm)].map((m) => m[1]),
    "app.manifest info.id.version": [JSON.parse(readFileSync("app.manifest", "utf8")).info.id.version],
  };
  for (const [where, versions] of Object.entries(found)) {
    if (versions.length === 0 || versions.some((v) => v !== version)) {
      throw new Error(`${where} (${versions.join(", ")}) differ from package.json's ${version}`);
    }
  }
  return version;
}

/** The time stamped on every file of the package: the last commit's, for reproducible builds. */
function commitTime() {
  try {
    return Number(execFileSync("git", ["log", "-1", "--format=%ct"], { encoding: "utf8" }).trim());
  } catch {
    return Math.floor(Date.now() / 1000);
  }
}
