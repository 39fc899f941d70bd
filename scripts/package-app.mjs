// The Splunk app folder of a package: an allowlist of the repository's app files, the bundled
// input and its notices, Splunk's permissions, and a reproducible .tgz.
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, relative, sep } from "node:path";

/** What the app ships from the repository: whole folders, then single files. */
export const APP_FOLDERS = ["appserver", "bin", "default", "docs", "metadata", "README", "static"];
export const APP_FILES = ["app.manifest", "README.md"];
// npm run build's plain-Node bundle: the packages run the executable in <platform>/bin instead.
const BUILD_OUTPUTS = new Set(["bin/defender_alerts", "bin/package.json"]);

/**
 * Copies the app's own files from `repo` into `appDir`. Hidden files, local.meta, Python caches
 * and the plain-Node bundle never go.
 */
export function stageAppFiles(repo, appDir) {
  for (const folder of APP_FOLDERS) {
    for (const file of listFiles(join(repo, folder))) copyInto(repo, file, appDir);
  }
  for (const file of APP_FILES) copyInto(repo, join(repo, file), appDir);
}

function copyInto(repo, file, appDir) {
  const rel = relative(repo, file);
  const parts = rel.split(sep);
  if (parts.some((part) => part.startsWith(".") || part === "__pycache__")) return;
  if (basename(rel) === "local.meta" || rel.endsWith(".pyc") || BUILD_OUTPUTS.has(parts.join("/"))) return;
  const target = join(appDir, rel);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(file, target);
}

/**
 * The licences of everything inside the bundled input and the runtime: one section per npm
 * package that esbuild put in the bundle (from its metafile inputs), then Node.js's own LICENSE,
 * which covers the runtime and the libraries compiled into it.
 */
export function thirdPartyNotices(repo, bundleInputs, nodeLicense, nodeVersion) {
  const roots = new Set();
  for (const input of bundleInputs) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) roots.add(match[1]);
  }
  const sections = [...roots].sort().map((root) => {
    const pkg = JSON.parse(readFileSync(join(repo, root, "package.json"), "utf8"));
    const licenseFile = readdirSync(join(repo, root)).find((f) => /^(licen[cs]e|copying)/i.test(f));
    const text = licenseFile ? readFileSync(join(repo, root, licenseFile), "utf8").trim() : "";
    return `${pkg.name} ${pkg.version} (${pkg.license})\n\n${text || "(no licence file shipped)"}`;
  });
  const rule = `\n\n${"=".repeat(78)}\n\n`;
  const head =
    "Third-party software in lib/defender_alerts.js (bundled npm packages) and in the\n" +
    `executable in <platform>/bin (Node.js ${nodeVersion}, whose LICENSE is the last section).`;
  return [head, ...sections, `Node.js ${nodeVersion}\n\n${readFileSync(nodeLicense, "utf8").trim()}`]
    .join(rule)
    .concat("\n");
}

/**
 * Splunk's permissions: 755 for folders and for the executables in `bin` folders (`bin/`,
 * `<platform>/bin/`), 644 for every other file. AppInspect fails an app with an executable
 * bit outside a bin folder.
 */
export function applyPermissions(appDir) {
  chmodSync(appDir, 0o755);
  for (const entry of readdirSync(appDir, { recursive: true })) {
    const path = join(appDir, entry);
    const inBin = dirname(entry).split(sep).at(-1) === "bin";
    chmodSync(path, statSync(path).isDirectory() || inBin ? 0o755 : 0o644);
  }
}

/**
 * Writes `tgz` holding `appDir` as its single top folder, reproducibly: entries sorted, owner
 * root, every mtime `mtimeSec`, no name or time in the gzip header.
 */
export function writeTarball(appDir, tgz, mtimeSec) {
  mkdirSync(dirname(tgz), { recursive: true });
  execFileSync("tar", [
    "--create",
    "--file", tgz,
    "--use-compress-program", "gzip -n -6",
    "--sort=name",
    "--owner=0", "--group=0", "--numeric-owner",
    `--mtime=@${mtimeSec}`,
    "--format=gnu",
    "-C", dirname(appDir),
    basename(appDir),
  ]);
}

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map((entry) => join(dir, entry))
    .filter((path) => statSync(path).isFile());
}

/** Writes a text file, creating its folder. */
export function writeText(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}
