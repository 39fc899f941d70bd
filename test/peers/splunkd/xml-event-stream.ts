import {
  decodeText,
  isXmlSpace,
  parseTag,
  tagLength,
  XmlStreamError,
  type Tag,
} from "./xml-text.ts";

/** One logical event as the process streamed it; fields it omitted stay undefined. */
export interface StreamedEvent {
  stanza?: string;
  time?: string;
  source?: string;
  sourcetype?: string;
  index?: string;
  host?: string;
  data: string;
}

/** What was left when the output ended. */
export interface StreamEnd {
  /** `<stream>` was opened / closed. */
  opened: boolean;
  closed: boolean;
  /** Events begun but never completed: cut-off `<event>`s and unbroken data without `<done/>`. */
  truncatedEvents: number;
  /** Bytes that did not form complete markup (a cut-off tag or character). */
  leftover: boolean;
}

export interface XmlEventStream {
  /** Feeds stdout bytes; throws XmlStreamError for non-UTF-8 or malformed output. */
  push(chunk: Buffer): void;
  end(): StreamEnd;
}

const TEXT_FIELDS = new Set(["time", "source", "sourcetype", "index", "host", "data"]);

interface OpenEvent {
  stanza?: string;
  unbroken: boolean;
  done: boolean;
  fields: Map<string, string>;
}

/**
 * Reads splunkd's XML streaming format incrementally: one `<stream>` holding `<event>`s whose
 * children are time, source, sourcetype, index, host, data and done. Events with
 * `unbroken="1"` are joined per stanza until one carries `<done/>`, as splunkd does.
 * Assumption: an event without `unbroken` is indexed as it is (no line breaking), and
 * anything after `</stream>` or any other element is an error.
 */
export function createXmlEventStream(onEvent: (event: StreamedEvent) => void): XmlEventStream {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const stack: string[] = [];
  const pending = new Map<string, StreamedEvent>();
  let buffer = "";
  let started = false;
  let opened = false;
  let closed = false;
  let event: OpenEvent | undefined;
  let field = "";

  const open = (tag: Tag): void => {
    const depth = stack.length;
    if (depth === 0) {
      if (closed) throw new XmlStreamError(`<${tag.name}> after </stream>`);
      if (tag.name !== "stream") {
        throw new XmlStreamError(`root must be <stream>, got <${tag.name}>`);
      }
      opened = true;
    } else if (depth === 1) {
      if (tag.name !== "event") {
        throw new XmlStreamError(`<stream> may hold only <event>, got <${tag.name}>`);
      }
      const unbroken = tag.attributes.get("unbroken") ?? "0";
      if (unbroken !== "0" && unbroken !== "1") throw new XmlStreamError(`unbroken="${unbroken}"`);
      const stanza = tag.attributes.get("stanza");
      event = {
        unbroken: unbroken === "1",
        done: false,
        fields: new Map(),
        ...(stanza === undefined ? {} : { stanza }),
      };
    } else if (depth === 2 && event) {
      if (tag.name !== "done" && !TEXT_FIELDS.has(tag.name)) {
        throw new XmlStreamError(`unexpected <${tag.name}> in <event>`);
      }
      if (event.fields.has(tag.name) || (tag.name === "done" && event.done)) {
        throw new XmlStreamError(`<${tag.name}> appears twice in one <event>`);
      }
      if (tag.name === "done") event.done = true;
      else event.fields.set(tag.name, "");
      field = tag.name;
    } else {
      throw new XmlStreamError(`unexpected <${tag.name}> inside <${stack.at(-1) ?? ""}>`);
    }
    if (!tag.selfClosing) stack.push(tag.name);
    else close(tag.name);
  };

  const close = (name: string): void => {
    if (name === "stream") closed = true;
    if (name === "event" && event) {
      finish(event);
      event = undefined;
    }
    field = "";
  };

  const finish = (done: OpenEvent): void => {
    const fields = Object.fromEntries(done.fields) as Partial<Record<string, string>>;
    const trimmed = (name: string) => fields[name]?.trim();
    const piece: StreamedEvent = { data: fields["data"] ?? "" };
    if (done.stanza !== undefined) piece.stanza = done.stanza;
    for (const name of ["time", "source", "sourcetype", "index", "host"] as const) {
      const value = trimmed(name);
      if (value !== undefined) piece[name] = value;
    }
    const key = done.stanza ?? "";
    const before = done.unbroken ? pending.get(key) : undefined;
    if (fields["data"] === undefined && !(before && done.done)) {
      throw new XmlStreamError("an <event> needs <data>");
    }
    const joined = before ? { ...piece, ...before, data: before.data + piece.data } : piece;
    if (done.unbroken && !done.done) {
      pending.set(key, joined);
      return;
    }
    pending.delete(key);
    onEvent(joined);
  };

  const text = (raw: string): void => {
    if (stack.length === 3 && TEXT_FIELDS.has(field) && event) {
      event.fields.set(field, (event.fields.get(field) ?? "") + decodeText(raw));
    } else if (!isXmlSpace(raw)) {
      throw new XmlStreamError(`text ${JSON.stringify(raw.slice(0, 40))} outside an event field`);
    }
  };

  const markup = (at: number): number => {
    const rest = buffer.slice(at, at + 9);
    if (rest.startsWith("<!--")) return through(at, "-->");
    if (rest.startsWith("<![CDATA[")) {
      const length = through(at, "]]>");
      // CDATA is literal text: escape it so the one text path can read it.
      const literal = buffer.slice(at + 9, at + Math.max(9, length - 3));
      if (length > 0) text(literal.replace(/&/g, "&amp;").replace(/</g, "&lt;"));
      return length;
    }
    if (rest.startsWith("<?")) {
      const length = through(at, "?>");
      if (length > 0) declaration(buffer.slice(at, at + length));
      return length;
    }
    if (rest.startsWith("<!")) {
      if (rest.length < 9 && ("<![CDATA[".startsWith(rest) || "<!--".startsWith(rest))) return 0;
      throw new XmlStreamError("DOCTYPE and markup declarations are not allowed");
    }
    const length = tagLength(buffer, at);
    if (length === 0) return 0;
    const tag = parseTag(buffer.slice(at, at + length));
    if (!tag.closing) {
      open(tag);
    } else if (stack.at(-1) === tag.name) {
      close(stack.pop() ?? "");
    } else {
      throw new XmlStreamError(`</${tag.name}> does not close <${stack.at(-1) ?? ""}>`);
    }
    return length;
  };

  const through = (at: number, terminator: string): number => {
    const end = buffer.indexOf(terminator, at);
    return end === -1 ? 0 : end + terminator.length - at;
  };

  const declaration = (pi: string): void => {
    if (started || !/^<\?xml\s/.test(pi)) {
      throw new XmlStreamError("processing instructions are not allowed here");
    }
    const encoding = /encoding\s*=\s*["']([^"']*)["']/.exec(pi)?.[1];
    if (encoding !== undefined && encoding.toLowerCase() !== "utf-8") {
      throw new XmlStreamError(`the stream must be UTF-8, it declares ${encoding}`);
    }
  };

  const drain = (): void => {
    let at = 0;
    for (;;) {
      const lt = buffer.indexOf("<", at);
      if (lt === -1) break;
      if (lt > at) text(buffer.slice(at, lt));
      at = lt;
      const length = markup(at);
      if (length === 0) break;
      started = true;
      at += length;
    }
    buffer = buffer.slice(at);
  };

  return {
    push(chunk) {
      let decoded: string;
      try {
        decoded = decoder.decode(chunk, { stream: true });
      } catch {
        throw new XmlStreamError("stdout is not valid UTF-8");
      }
      buffer += started || buffer !== "" ? decoded : decoded.replace(/^\uFEFF/, "");
      drain();
    },
    end() {
      let tail: boolean;
      try {
        tail = decoder.decode() !== "";
      } catch {
        tail = true;
      }
      const rest = buffer.trim();
      const keys = new Set(pending.keys());
      let truncated = 0;
      if (event?.unbroken === true) keys.add(event.stanza ?? "");
      else if (event) truncated += 1;
      // A cut-off `<event` start tag is an event the process had begun to write.
      const cutTag = "<event".startsWith(rest) || rest.startsWith("<event");
      if (!event && rest !== "" && cutTag) truncated += 1;
      return {
        opened,
        closed,
        truncatedEvents: truncated + keys.size,
        leftover: tail || rest !== "",
      };
    },
  };
}
