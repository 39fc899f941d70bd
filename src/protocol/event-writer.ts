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

/**
 * splunkd's XML streaming mode: one `<stream>`, then one complete `<event unbroken="1">…<done/>`
 * per alert version (reference: splunk-platform.md §1.5). `</stream>` is written on every exit
 * path that wrote `<stream>`, or splunkd may drop the tail.
 */
export function createEventWriter(out: Writable): EventWriter {
  let opened = false;
  let closed = false;
  let count = 0;
  const chunks: string[] = [];
  let buffered = 0;

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
      let xml = `<event stanza="${escapeXml(event.stanza)}" unbroken="1">`;
      if (event.time !== undefined) xml += `<time>${event.time}</time>`;
      if (event.source !== undefined) xml += `<source>${escapeXml(event.source)}</source>`;
      if (event.sourcetype !== undefined) {
        xml += `<sourcetype>${escapeXml(event.sourcetype)}</sourcetype>`;
      }
      if (event.index !== undefined) xml += `<index>${escapeXml(event.index)}</index>`;
      if (event.host !== undefined) xml += `<host>${escapeXml(event.host)}</host>`;
      xml += `<data>${escapeJsonForXml(event.data)}</data><done/></event>\n`;
      push(xml);
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
