import type { EventIndex, IndexedEvent } from "./event-index.ts";
import { paramValue, type InputParams } from "./input-documents.ts";
import { createLineSplitter, startProcess, type ExecSpec } from "./process-io.ts";
import { createXmlEventStream, type StreamedEvent } from "./xml-event-stream.ts";
import { XmlStreamError } from "./xml-text.ts";

/** How a fault test steers a run. */
export interface RunOptions {
  /** Send `signal` (default SIGTERM) this long after the start. */
  signalAfterMs?: number;
  signal?: NodeJS.Signals;
  /** Called after each indexed event; a signal it returns is sent once. */
  killWhen?: (progress: { events: number }) => NodeJS.Signals | undefined;
  /** SIGKILL after this long (default 30 s); the result then says `timedOut`. */
  timeoutMs?: number;
}

export interface RunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Events indexed by this run. */
  events: number;
  /** Events cut off by the end of the process, which splunkd does not index. */
  truncatedEvents: number;
  durationMs: number;
  /** Raw stderr lines, in order. */
  stderr: string[];
  /** Why splunkd would have rejected the output (malformed XML, not UTF-8, …). */
  error?: string;
  timedOut: boolean;
}

/** Everything one run needs, prepared by the runner. */
export interface RunSetup {
  spec: ExecSpec;
  scheme: string;
  stanzaName: string;
  params: InputParams;
  serverHost: string;
  streamingMode: "xml" | "simple";
  index: EventIndex;
  logStderr(line: string): void;
  logError(message: string): void;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Runs one input process to its end, indexing what it streams as splunkd would. */
export async function runInput(setup: RunSetup, opts: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  const { child, exited } = startProcess(setup.spec);
  const stderr: string[] = [];
  let events = 0;
  let error: string | undefined;
  let signalled = false;
  let timedOut = false;

  const sendSignal = (signal: NodeJS.Signals): void => {
    if (signalled) return;
    signalled = true;
    child.kill(signal);
  };
  const fail = (message: string, logged = true): void => {
    if (error !== undefined) return;
    error = message;
    if (logged) setup.logError(message);
  };
  const index = (event: StreamedEvent): void => {
    setup.index.add(toIndexed(setup, event));
    events += 1;
    const signal = opts.killWhen?.({ events });
    if (signal !== undefined) sendSignal(signal);
  };

  const xml = createXmlEventStream(index);
  const simple = createLineSplitter((line) => {
    if (line.trim() !== "") index({ data: line });
  });
  child.stdout.on("data", (chunk: Buffer) => {
    // After the first error splunkd stops reading this output; keep draining the pipe.
    if (error !== undefined) return;
    try {
      if (setup.streamingMode === "simple") simple.push(chunk);
      else xml.push(chunk);
    } catch (failure) {
      fail(failure instanceof Error ? failure.message : String(failure));
    }
  });
  const stderrLines = createLineSplitter((line) => {
    stderr.push(line);
    setup.logStderr(line);
  });
  child.stderr.on("data", (chunk: Buffer) => stderrLines.push(chunk));

  const timers = [
    setTimeout(() => {
      timedOut = true;
      signalled = false;
      sendSignal("SIGKILL");
    }, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS),
  ];
  if (opts.signalAfterMs !== undefined) {
    timers.push(setTimeout(() => sendSignal(opts.signal ?? "SIGTERM"), opts.signalAfterMs));
  }

  try {
    const status = await exited;
    stderrLines.end();
    let truncatedEvents = 0;
    if (setup.streamingMode === "xml") {
      const end = xml.end();
      truncatedEvents = end.truncatedEvents;
      // Assumption: an input that ends on its own without closing </stream> is an error.
      if (status.signal === null && (end.leftover || (end.opened && !end.closed))) {
        fail("XML stream ended before </stream>");
      }
    } else {
      simple.end();
    }
    // The timeout is this harness's limit, not splunkd's: it is not written to splunkd.log.
    const limit = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (timedOut) fail(`input did not finish within ${limit} ms`, false);
    return {
      ...status,
      events,
      truncatedEvents,
      durationMs: Date.now() - started,
      stderr,
      timedOut,
      ...(error === undefined ? {} : { error }),
    };
  } finally {
    for (const timer of timers) clearTimeout(timer);
  }
}

/**
 * Fills in what the event left out from the stanza, as splunkd does.
 * Assumption: index `default` means `main`; the default sourcetype is the scheme name and
 * the default source `<scheme>://<name>`; `$decideOnStartup` becomes the server's host name;
 * an event naming another stanza is refused.
 */
function toIndexed(setup: RunSetup, event: StreamedEvent): IndexedEvent {
  if (event.stanza !== undefined && event.stanza !== setup.stanzaName) {
    throw new XmlStreamError(`event for stanza "${event.stanza}", not "${setup.stanzaName}"`);
  }
  const index = event.index ?? paramValue(setup.params, "index") ?? "default";
  const host = event.host ?? paramValue(setup.params, "host") ?? "$decideOnStartup";
  return {
    index: index === "default" ? "main" : index,
    sourcetype: event.sourcetype ?? paramValue(setup.params, "sourcetype") ?? setup.scheme,
    source: event.source ?? paramValue(setup.params, "source") ?? setup.stanzaName,
    host: host === "$decideOnStartup" ? setup.serverHost : host,
    time: eventTime(event.time),
    raw: event.data,
    stanza: setup.stanzaName,
  };
}

function eventTime(time: string | undefined): number {
  if (time === undefined || time === "") return Date.now() / 1000;
  if (!/^\d+(\.\d+)?$/.test(time)) throw new XmlStreamError(`<time> is not epoch seconds: ${time}`);
  return Number(time);
}
