import type { Writable } from "node:stream";

import { escapeJsonForXml, escapeXml } from "./xml.ts";

export interface StreamEvent {
  /** `<scheme>://<input name>` */
  stanza: string;
  /** Epoch seconds, e.g. "1611693237.722". */
  time?: string;
  source?: string;
  sourcetype?: string;
  index?: string;
  host?: string;
  /** JSON text of the event; written so that it decodes to the same JSON value. */
  data: string;
}

export interface EventWriter {
  write(event: StreamEvent): void;
  /** Resolves once everything written so far has left this process. */
  flush(): Promise<void>;
  /** Writes `</stream>` (if `<stream>` was written) and flushes. */
  close(): Promise<void>;
  readonly eventsWritten: number;
}

// Whether escapeJsonForXml would change anything. Most alert JSON holds none of those
// characters, and a backlog writes a hundred thousand events: searching for `&`, `<`, `>`,
// U+FFFE and U+FFFF and asking for well-formed UTF-16 (lone surrogates) cost next to nothing,
// which leaves one scan for C0 controls, instead of escapeJsonForXml's four replacing passes.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;
// String.prototype.isWellFormed: ES2024 (Node 20 and later), past this project's ES2023 lib.
const isWellFormed = (text: string): boolean =>
  (text as unknown as { isWellFormed(): boolean }).isWellFormed();
function needsEscape(json: string): boolean {
  return (
    json.includes("&") ||
    json.includes("<") ||
    json.includes(">") ||
    json.includes("\uFFFE") ||
    json.includes("\uFFFF") ||
    !isWellFormed(json) ||
    CONTROL.test(json)
  );
}

// Event data this long or longer is written on its own (see write). Below it, a chunk joined from
// under 64 Ki characters pending and one event stays under V8's 128 KiB large-object threshold
// when its text is one byte per character, as alert JSON almost always is.
export const LARGE_DATA_CHARS = 32 * 1024;

/**
 * splunkd's XML streaming mode: one `<stream>`, then one complete `<event unbroken="1">…<done/>`
 * per alert version (reference: splunk-platform.md §1.5). `</stream>` is written on every exit
 * path that wrote `<stream>`, or splunkd may drop the tail.
 *
 * When `out` is a pipe (splunkd's stdout), writes block until splunkd has taken the previous
 * ones: see blockOnFullPipe.
 */
export function createEventWriter(out: Writable): EventWriter {
  blockOnFullPipe(out);
  let opened = false;
  let closed = false;
  let count = 0;
  const chunks: string[] = [];
  let buffered = 0;
  // The stanza, source, sourcetype and index repeat on every event: each is escaped once.
  const escaped = new Map<string, string>();
  const escapeField = (text: string): string => {
    let xml = escaped.get(text);
    if (xml === undefined) {
      xml = escapeXml(text);
      if (escaped.size < 64) escaped.set(text, xml);
    }
    return xml;
  };

  const push = (text: string): void => {
    chunks.push(text);
    buffered += text.length;
    if (buffered >= 64 * 1024) drain();
  };

  const drain = (): void => {
    if (chunks.length === 0) return;
    out.write(chunks.join(""));
    chunks.length = 0;
    buffered = 0;
  };

  const flush = (): Promise<void> => {
    drain();
    return new Promise((resolve, reject) => {
      out.write("", (error) => (error ? reject(error) : resolve()));
    });
  };

  return {
    write(event) {
      if (closed) throw new Error("event written after the stream was closed");
      if (!opened) {
        push("<stream>\n");
        opened = true;
      }
      let xml = `<event stanza="${escapeField(event.stanza)}" unbroken="1">`;
      if (event.time !== undefined) xml += `<time>${event.time}</time>`;
      if (event.source !== undefined) xml += `<source>${escapeField(event.source)}</source>`;
      if (event.sourcetype !== undefined) {
        xml += `<sourcetype>${escapeField(event.sourcetype)}</sourcetype>`;
      }
      if (event.index !== undefined) xml += `<index>${escapeField(event.index)}</index>`;
      if (event.host !== undefined) xml += `<host>${escapeField(event.host)}</host>`;
      const data = needsEscape(event.data) ? escapeJsonForXml(event.data) : event.data;
      if (data.length < LARGE_DATA_CHARS) {
        push(`${xml}<data>${data}</data><done/></event>\n`);
      } else {
        // Written as it is, between what is pending and the event's end: joined into one string
        // it would be copied twice more, and strings this large are garbage that only a full
        // collection frees, which is what set a heavy-evidence page's peak memory.
        push(`${xml}<data>`);
        drain();
        out.write(data);
        push("</data><done/></event>\n");
      }
      count += 1;
    },
    flush,
    async close() {
      if (closed) return;
      closed = true;
      if (opened) push("</stream>\n");
      await flush();
    },
    get eventsWritten() {
      return count;
    },
  };
}

/**
 * Makes writes to a pipe wait for room in it. Node writes to a non-blocking pipe and keeps what
 * does not fit in memory, so whenever splunkd reads slower than a page arrives (a busy indexing
 * queue, a slow disk), the whole page's events were held in this process, up to a gigabyte for a
 * page of heavy-evidence alerts; blocking bounds them by the pipe. The hazard: while splunkd does
 * not read, the event loop waits too (timers, SIGTERM), which costs at most a retried page.
 * `setBlocking` is the handle method Node itself uses to make stdio pipes blocking on Windows;
 * a stream without it (a file, a test's PassThrough) is left as it is.
 */
function blockOnFullPipe(out: Writable): void {
  const handle = (out as { _handle?: { setBlocking?: (blocking: boolean) => number } })._handle;
  if (typeof handle?.setBlocking === "function" && (out as { _type?: string })._type === "pipe") {
    handle.setBlocking(true);
  }
}
