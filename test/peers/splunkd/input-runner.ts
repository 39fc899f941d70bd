import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";

import { createEventIndex, type EventIndex } from "./event-index.ts";
import { buildInputDocument, buildItemsDocument, effectiveParams } from "./input-documents.ts";
import type { InputParams, ServerFields } from "./input-documents.ts";
import { runInput, type RunOptions, type RunResult } from "./input-run.ts";
import { runToExit, type ExecSpec } from "./process-io.ts";
import { parseScheme, parseValidationError, type InputScheme } from "./scheme-parser.ts";
import { SYSTEM_USER, type SplunkdPeer } from "./splunkd-peer.ts";
import { execProcessorLine, LEVELS, splunkdLine, type SplunkdLevel } from "./splunkd-log.ts";

export interface InputRunnerOptions {
  splunkd: SplunkdPeer;
  /** The built executable, started directly (`start_by_shell = false`). */
  executable: string;
  scheme: string;
  /** The app the stanza lives in; defaults to the peer's app. */
  app?: string;
  checkpointDir: string;
  /** Added to this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** `<server_host>` and the host that replaces `$decideOnStartup`; defaults to serverName. */
  serverHost?: string;
  /** ExecProcessor's log level; stock splunkd runs it at INFO. Defaults to DEBUG (all). */
  logLevel?: SplunkdLevel;
}

export type ValidationResult = { ok: true } | { ok: false; message: string };

/** Starts a modular input the way splunkd does and keeps what splunkd would keep. */
export interface InputRunner {
  readonly index: EventIndex;
  /** splunkd.log lines written about this input. */
  readonly splunkdLog: string[];
  /** `<exe> --scheme`; throws splunkd's "Unable to initialize" text if it fails. */
  introspect(): Promise<InputScheme>;
  /** `<exe> --validate-arguments` with an `<items>` document. */
  validate(name: string, params: InputParams): Promise<ValidationResult>;
  /** One run of `[<scheme>://<name>]`. */
  run(name: string, params: InputParams, opts?: RunOptions): Promise<RunResult>;
}

// How long `--scheme` and `--validate-arguments` may take before they are killed.
const TIMEOUT_MS = 30_000;

export function createInputRunner(opts: InputRunnerOptions): InputRunner {
  const app = opts.app ?? opts.splunkd.appName;
  const serverHost = opts.serverHost ?? opts.splunkd.serverName;
  const threshold = LEVELS.indexOf(opts.logLevel ?? "DEBUG");
  const index = createEventIndex();
  const splunkdLog: string[] = [];
  let streamingMode: "xml" | "simple" = "xml";

  const log = (level: SplunkdLevel, component: string, message: string): void => {
    if (LEVELS.indexOf(level) < threshold) return;
    splunkdLog.push(splunkdLine(new Date(), level, component, process.pid, message));
  };
  const stderrLogger = (command: string) => {
    return (line: string): void => {
      // Assumption: splunkd skips blank stderr lines.
      if (line.trim() === "") return;
      const { level, text } = execProcessorLine(new Date(), process.pid, command, line);
      if (LEVELS.indexOf(level) >= threshold) splunkdLog.push(text);
    };
  };
  const server = (): ServerFields => ({
    serverHost,
    serverUri: opts.splunkd.url,
    sessionKey: opts.splunkd.sessionKeyFor(SYSTEM_USER),
    checkpointDir: opts.checkpointDir,
  });
  // Assumption: the working directory of an input is not its app folder; use a neutral one.
  const spec = (args: string[], stdin: string): ExecSpec => ({
    executable: opts.executable,
    args,
    stdin,
    cwd: tmpdir(),
    env: { ...process.env, ...opts.env },
  });
  const commandOf = (args: string[]) => [opts.executable, ...args].join(" ");

  return {
    index,
    splunkdLog,
    async introspect() {
      const args = ["--scheme"];
      const result = await runToExit(spec(args, ""), stderrLogger(commandOf(args)), TIMEOUT_MS);
      try {
        if (result.exitCode !== 0) {
          throw new Error(`script running failed (${exitText(result.exitCode, result.signal)}).`);
        }
        const scheme = parseScheme(new TextDecoder("utf-8", { fatal: true }).decode(result.stdout));
        streamingMode = scheme.streamingMode;
        return scheme;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        const message =
          `Unable to initialize modular input "${opts.scheme}" defined in the app "${app}": ` +
          `Introspecting scheme=${opts.scheme}: ${reason}`;
        log("ERROR", "ModularInputs", message);
        throw new Error(message, { cause: error });
      }
    },
    async validate(name, params) {
      mkdirSync(opts.checkpointDir, { recursive: true });
      const args = ["--validate-arguments"];
      const stdin = buildItemsDocument(server(), name, params);
      const result = await runToExit(spec(args, stdin), stderrLogger(commandOf(args)), TIMEOUT_MS);
      if (result.exitCode === 0) return { ok: true };
      const message = parseValidationError(result.stdout.toString("utf8"));
      // Assumption: splunkd's text when the script fails without an <error> document.
      return {
        ok: false,
        message:
          message ??
          `External validation script failed (${exitText(result.exitCode, result.signal)}).`,
      };
    },
    async run(name, params, runOpts) {
      if (["1", "true"].includes(String(params["disabled"] ?? "0").toLowerCase())) {
        throw new Error(`splunkd does not start the disabled input ${opts.scheme}://${name}`);
      }
      mkdirSync(opts.checkpointDir, { recursive: true });
      const stanzaName = `${opts.scheme}://${name}`;
      const effective = effectiveParams(opts.splunkd.appDir, opts.scheme, params);
      const stdin = buildInputDocument(server(), { name: stanzaName, app, params: effective });
      const command = commandOf([]);
      return runInput(
        {
          spec: spec([], stdin),
          scheme: opts.scheme,
          stanzaName,
          params: effective,
          serverHost,
          streamingMode,
          index,
          logStderr: stderrLogger(command),
          // Assumption: how splunkd words a stream it cannot read.
          logError: (message) =>
            log("ERROR", "ExecProcessor", `Invalid output from "${command}": ${message}`),
        },
        runOpts,
      );
    },
  };
}

function exitText(exitCode: number | null, signal: NodeJS.Signals | null): string {
  return signal !== null ? `killed by signal ${signal}` : `exited with code ${exitCode ?? -1}`;
}
