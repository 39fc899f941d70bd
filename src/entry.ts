import { main } from "./main.ts";

// The exit code is set, never forced with process.exit(): pending stdout writes must drain.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`FATAL unexpected failure error="${String(error).replace(/\s+/g, " ")}"\n`);
    process.exitCode = 1;
  },
);
