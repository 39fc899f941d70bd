// Bundles the modular input into one CommonJS file. `npm run build` writes bin/defender_alerts,
// run by the machine's Node (20.18 or later): the tests and the demo use it. The packaging script
// (scripts/package.mjs) calls bundleInput() again for each embedded runtime, targeting its exact
// version. CommonJS, because splunkd starts the file from an app folder that has no package.json,
// and because a Node single executable application only runs a CommonJS main script.
import { build } from "esbuild";
import { chmodSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

/**
 * undici's HTTP/2 client loads `node:http2` when it is evaluated, in a try/catch that falls back to
 * an HTTP/1.1-only client when Node has no http2 (lib/dispatcher/client-h2.js). The add-on never
 * offers h2 (undici asks for it only with `allowH2`, off by default and never set here), and
 * evaluating Node's http2 takes about 25 ms of every run's start. In the bundle, that one require
 * from that one file throws, so undici takes its own fallback; everything else is untouched.
 */
const withoutHttp2ForUndici = {
  name: "undici-without-http2",
  setup(build) {
    build.onResolve({ filter: /^(node:)?http2$/ }, (args) =>
      /[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client-h2\.js$/.test(args.importer)
        ? { path: "http2", namespace: "undici-without-http2" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "undici-without-http2" }, () => ({
      contents: 'throw new Error("HTTP/2 is not used by this add-on");',
      loader: "js",
    }));
  },
};

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
    plugins: [withoutHttp2ForUndici],
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
