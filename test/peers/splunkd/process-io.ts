import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { StringDecoder } from "node:string_decoder";

/** How splunkd starts a modular input with `start_by_shell = false`: exec, no shell. */
export interface ExecSpec {
  executable: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Written to stdin, which is then closed, as splunkd does. */
  stdin: string;
}

export interface ExitStatus {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

/** A started process and a promise of its exit; rejects if it could not be started. */
export function startProcess(spec: ExecSpec): {
  child: ChildProcessWithoutNullStreams;
  exited: Promise<ExitStatus>;
} {
  const child = spawn(spec.executable, spec.args, {
    cwd: spec.cwd,
    env: spec.env,
    shell: false,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const exited = new Promise<ExitStatus>((resolve, reject) => {
    child.once("error", reject);
    // "close" waits for stdout and stderr to end, so no output is lost.
    child.once("close", (exitCode, signal) => resolve({ exitCode, signal }));
  });
  // A process that exits without reading its stdin makes the write fail with EPIPE;
  // splunkd does not care, and neither do we.
  child.stdin.on("error", () => undefined);
  child.stdin.end(spec.stdin, "utf8");
  return { child, exited };
}

/** Splits a byte stream into lines (LF or CRLF); invalid UTF-8 becomes U+FFFD. */
export function createLineSplitter(onLine: (line: string) => void): {
  push(chunk: Buffer): void;
  end(): void;
} {
  const decoder = new StringDecoder("utf8");
  let partial = "";
  const emit = (text: string): void => {
    const lines = (partial + text).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) onLine(line.replace(/\r$/, ""));
  };
  return {
    push: (chunk) => emit(decoder.write(chunk)),
    end() {
      emit(decoder.end());
      if (partial !== "") onLine(partial.replace(/\r$/, ""));
      partial = "";
    },
  };
}

/** Runs a process to its end and gathers stdout; stderr goes to `onStderrLine`. */
export async function runToExit(
  spec: ExecSpec,
  onStderrLine: (line: string) => void,
  timeoutMs: number,
): Promise<ExitStatus & { stdout: Buffer; timedOut: boolean }> {
  const { child, exited } = startProcess(spec);
  const chunks: Buffer[] = [];
  const stderr = createLineSplitter(onStderrLine);
  child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));

  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, timeoutMs);
  try {
    const status = await exited;
    stderr.end();
    return { ...status, stdout: Buffer.concat(chunks), timedOut };
  } finally {
    clearTimeout(timer);
  }
}
