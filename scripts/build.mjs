// Bundles the modular input into one CommonJS file. `npm run build` writes bin/defender_alerts,
// run by the machine's Node (20.18 or later): the tests and the demo use it. The packaging script
// (scripts/package.mjs) calls bundleInput() again for each embedded runtime, targeting its exact
// version. CommonJS, because splunkd starts the file from an app folder that has no package.json,
// and because a Node single executable application only runs a CommonJS main script.
import { build } from "esbuild";
import { chmodSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

/**
 * Bundles src/entry.ts into `outfile` for the Node version `nodeVersion` ("20", "24.22.3").
 * With `shebang`, the file starts with `#!/usr/bin/env node` and is made executable.
 * Resolves to the bundle's size in bytes and the source files in it (paths from the repository).
 */
export async function bundleInput({ outfile, nodeVersion, shebang = false }) {
  const result = await build({
    entryPoints: ["src/entry.ts"],
    outfile,
    bundle: true,
    platform: "node",
    target: `node${nodeVersion}`,
    format: "cjs",
    ...(shebang ? { banner: { js: "#!/usr/bin/env node" } } : {}),
    // The bundled packages' licence comments stay, gathered at the end of the file.
    legalComments: "eof",
    metafile: true,
    logLevel: "warning",
  });
  if (shebang) chmodSync(outfile, 0o755);
  const bytes = Object.values(result.metafile.outputs).reduce((sum, out) => sum + out.bytes, 0);
  return { bytes, inputs: Object.keys(result.metafile.inputs) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const outfile = "bin/defender_alerts";
  const { bytes } = await bundleInput({ outfile, nodeVersion: "20", shebang: true });
  // Marks the extensionless bundle as CommonJS inside this repository (the package is "module").
  writeFileSync("bin/package.json", '{ "type": "commonjs" }\n');
  console.log(`built ${outfile} (${Math.round(bytes / 1024)} KiB)`);
}
