// Bundles the setup page (web/src) into appserver/static/setup/: setup.js and setup.css, the
// files the view default/data/ui/views/ta_defender_mssp_setup.xml names in its `script` and
// `stylesheet` attributes. `npm run build` runs it after the input's bundle; the packaging can
// call buildSetupPage() itself.
import { build } from "esbuild";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const REPO = resolve(new URL("..", import.meta.url).pathname);
export const SETUP_PAGE_DIR = join("appserver", "static", "setup");

/**
 * Builds the page into `<repo>/appserver/static/setup` (or `outdir`). Resolves to the bundle's
 * size in bytes and the npm packages in it.
 */
export async function buildSetupPage({ outdir = join(REPO, SETUP_PAGE_DIR) } = {}) {
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: REPO,
    entryPoints: { setup: "web/src/main.tsx" },
    outdir,
    bundle: true,
    format: "iife",
    platform: "browser",
    // The browsers Splunk Web 9.x supports.
    target: ["chrome100", "firefox100", "safari15", "edge100"],
    jsx: "automatic",
    minify: true,
    define: {
      "process.env.NODE_ENV": '"production"',
      // Splunk Web loads dashboard scripts with RequireJS: a bundled UMD wrapper that saw its
      // global `define` would register an anonymous module and break the loader.
      define: "undefined",
    },
    legalComments: "eof",
    metafile: true,
    logLevel: "warning",
  });
  const bytes = Object.values(result.metafile.outputs).reduce((sum, out) => sum + out.bytes, 0);
  const packages = new Set();
  for (const input of Object.keys(result.metafile.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) packages.add(match[1]);
  }
  const sorted = [...packages].sort();
  writeFileSync(join(outdir, "THIRD-PARTY-NOTICES.txt"), notices(sorted));
  return { bytes, packages: sorted };
}

/** The licence of every npm package inside setup.js (all MIT, BSD or Apache-2.0 today). */
function notices(packages) {
  const sections = packages.map((name) => {
    const root = join(REPO, "node_modules", name);
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    const file = readdirSync(root).find((f) => /^(licen[cs]e|copying)/i.test(f));
    const text = file ? readFileSync(join(root, file), "utf8").trim() : "(no licence file shipped)";
    return `${pkg.name} ${pkg.version} (${pkg.license})\n\n${text}`;
  });
  const head = "Third-party software in setup.js, the setup page's bundle (npm packages).";
  return [head, ...sections].join(`\n\n${"=".repeat(78)}\n\n`).concat("\n");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { bytes } = await buildSetupPage();
  console.log(`built ${SETUP_PAGE_DIR}/setup.js and setup.css (${Math.round(bytes / 1024)} KiB)`);
}
