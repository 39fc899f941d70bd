/** A violation of XML 1.0 or of splunkd's event stream format in a process's stdout. */
export class XmlStreamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "XmlStreamError";
  }
}

const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

// Characters XML 1.0 forbids (§2.2): C0 controls other than tab, LF and CR, U+FFFE, U+FFFF.
// eslint-disable-next-line no-control-regex -- the characters XML 1.0 forbids
const ILLEGAL_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** Decodes character data: line ends normalized, entity and character references resolved. */
export function decodeText(raw: string): string {
  const illegal = ILLEGAL_CHAR.exec(raw);
  if (illegal) {
    const code = illegal[0].charCodeAt(0).toString(16).padStart(4, "0");
    throw new XmlStreamError(`character U+${code.toUpperCase()} is not allowed in XML 1.0`);
  }
  return raw
    .replace(/\r\n?/g, "\n")
    .replace(
      /&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z][\w.-]*)?(;)?/g,
      (_match, ref?: string, end?: string) => {
        if (ref === undefined || end === undefined) {
          throw new XmlStreamError("a bare '&' must be written &amp;");
        }
        if (!ref.startsWith("#")) {
          const value = PREDEFINED[ref];
          if (value === undefined) throw new XmlStreamError(`unknown entity &${ref};`);
          return value;
        }
        const code = ref.startsWith("#x") ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
        if (!isXmlCodePoint(code)) {
          throw new XmlStreamError(`character reference &${ref}; is not allowed in XML 1.0`);
        }
        return String.fromCodePoint(code);
      },
    );
}

/** Whether a string is only XML white space (space, tab, CR, LF). */
export function isXmlSpace(text: string): boolean {
  return /^[ \t\r\n]*$/.test(text);
}

/** A parsed start or end tag. */
export interface Tag {
  name: string;
  attributes: Map<string, string>;
  closing: boolean;
  selfClosing: boolean;
}

const NAME = "[A-Za-z_:][\\w.:-]*";
const TAG = new RegExp(`^<(/)?(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/)?>$`);
const ATTRIBUTE = new RegExp(`(${NAME})\\s*=\\s*(?:"([^"<]*)"|'([^'<]*)')`, "g");

/** Parses one complete tag, `<name a="b">`, `<name/>` or `</name>`. */
export function parseTag(markup: string): Tag {
  const match = TAG.exec(markup);
  if (!match) throw new XmlStreamError(`malformed tag ${JSON.stringify(markup.slice(0, 80))}`);
  const closing = match[1] === "/";
  const selfClosing = match[4] === "/";
  const attributeText = match[3] ?? "";
  if (closing && (selfClosing || attributeText !== "")) {
    throw new XmlStreamError(`malformed end tag ${JSON.stringify(markup.slice(0, 80))}`);
  }
  const attributes = new Map<string, string>();
  for (const [, name = "", double, single] of attributeText.matchAll(ATTRIBUTE)) {
    if (attributes.has(name)) throw new XmlStreamError(`attribute ${name} appears twice`);
    attributes.set(name, decodeText(double ?? single ?? ""));
  }
  return { name: match[2] ?? "", attributes, closing, selfClosing };
}

/**
 * Length of the tag starting at `start` (which holds `<`), or 0 if its `>` has not arrived
 * yet; a `>` inside a quoted attribute value does not end the tag.
 */
export function tagLength(buffer: string, start: number): number {
  let quote: string | undefined;
  for (let i = start + 1; i < buffer.length; i++) {
    const char = buffer[i];
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === ">") {
      return i - start + 1;
    }
  }
  return 0;
}

function isXmlCodePoint(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}
