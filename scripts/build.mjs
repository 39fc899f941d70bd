// Bundles the modular input into one file, bin/defender_alerts, run by the machine's Node
// (the packaging issue gives it a runtime of its own). CommonJS, because splunkd starts the file
// from an app folder that has no package.json.
import { build } from "esbuild";
import { chmodSync, writeFileSync } from "node:fs";

const outfile = "bin/defender_alerts";
const result = await build({
  entryPoints: ["src/entry.ts"],
  outfile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  banner: { js: "#!/usr/bin/env node" },
  legalComments: "eof",
  metafile: true,
  logLevel: "warning",
});
// Marks the extensionless bundle as CommonJS inside this repository (the package is "module").
writeFileSync("bin/package.json", '{ "type": "commonjs" }\n');
chmodSync(outfile, 0o755);
const bytes = Object.values(result.metafile.outputs).reduce((sum, out) => sum + out.bytes, 0);
console.log(`built ${outfile} (${Math.round(bytes / 1024)} KiB)`);
