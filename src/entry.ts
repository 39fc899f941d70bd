import { DEFENDER_ALERTS_SCHEME } from "./pipeline/scheme.ts";
import { renderScheme } from "./protocol/scheme.ts";

const argv = process.argv.slice(2);

// splunkd runs `--scheme` for every modular input at each start. It needs only the scheme, so it
// is answered here without evaluating the rest of the bundle (undici, MSAL, the XML parser):
// in the bundle, main.ts and everything it imports are evaluated on this import() only.
const exit: Promise<number> =
  argv.length === 1 && argv[0] === "--scheme"
    ? Promise.resolve(printScheme())
    : import("./main.ts").then(({ main }) => main(argv));

// The exit code is set, never forced with process.exit(): pending stdout writes must drain.
exit.then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`FATAL unexpected failure error="${String(error).replace(/\s+/g, " ")}"\n`);
    process.exitCode = 1;
  },
);

function printScheme(): number {
  process.stdout.write(renderScheme(DEFENDER_ALERTS_SCHEME));
  return 0;
}
