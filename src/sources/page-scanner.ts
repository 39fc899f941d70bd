import { AddonError } from "../errors.ts";

/**
 * Where a page keeps its alerts: `odata` pages are `{"value":[ … ], "@odata.nextLink": …}`,
 * `array` pages (the legacy SIEM API) are a bare `[ … ]`.
 */
export type PageShape = "odata" | "array";

export interface PageScanner {
  /** Feeds the next piece of the body; calls `onElement` for each element completed in it. */
  write(text: string): void;
  /**
   * Ends the body and returns the page's other top-level fields (`@odata.nextLink`,
   * `@odata.count`…), parsed.
   *
   * @throws AddonError API_RESPONSE_INVALID when the body was cut short or is not such a page.
   */
  end(): Record<string, unknown>;
}

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const COLON = 58;
const COMMA = 44;

/** A span of text collected across chunks by slicing, never character by character. */
class Capture {
  active = false;
  private parts = "";
  private start = 0;

  begin(at: number): void {
    this.active = true;
    this.parts = "";
    this.start = at;
  }

  /** Ends the capture with the character at `end` excluded. */
  finish(text: string, end: number): string {
    this.active = false;
    const value = this.parts + text.slice(this.start, end);
    this.parts = "";
    return value;
  }

  /** Keeps the rest of a chunk; the next chunk continues from its start. */
  carry(text: string): number {
    if (this.active) this.parts += text.slice(this.start);
    this.start = 0;
    return this.parts.length;
  }
}

/**
 * Finds the elements of a page's alert array in a streamed body without building the page as one
 * string or one object tree: each element's own JSON text is handed to `onElement` as soon as it
 * is complete, so memory holds one alert at a time whatever the page size. Elements keep their
 * exact text; they are not parsed here.
 */
export function createPageScanner(
  shape: PageShape,
  onElement: (raw: string) => void,
  maxElementChars = 64 * 1024 * 1024,
  /** Called instead of `onElement` for an element over the limit, with its first characters. */
  onOversize: (head: string, chars: number) => void = () => {},
): PageScanner {
  const elementDepth = shape === "odata" ? 2 : 1;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let sawRoot = false;
  let inAlerts = shape === "array";

  // Top-level keys and values of an odata page other than "value".
  let expectKey = false;
  let currentKey = "";
  const key = new Capture();
  const field = new Capture();
  const fields: Record<string, string> = {};
  const element = new Capture();
  // An element over the limit is skipped rather than held: only its head is kept, to name it.
  let oversize: { head: string; chars: number } | undefined;

  const invalid = (why: string): AddonError =>
    new AddonError("API_RESPONSE_INVALID", `The API returned a page that is not valid JSON: ${why}`);

  const endField = (text: string, at: number): void => {
    if (field.active) fields[currentKey] = field.finish(text, at);
  };

  const write = (text: string): void => {
    const skip = createStringSkipper(text);
    for (let i = 0; i < text.length; i += 1) {
      const code = text.charCodeAt(i);

      if (inString) {
        if (escaped) {
          escaped = false;
        } else if (code === BACKSLASH) {
          escaped = true;
        } else if (code === QUOTE) {
          inString = false;
          if (key.active) currentKey = JSON.parse(key.finish(text, i + 1)) as string;
        } else {
          i = skip(i + 1) - 1;
        }
        continue;
      }

      // Inside an alert only strings and brackets matter: the fast path for most of a page.
      if (depth > elementDepth) {
        if (code === QUOTE) {
          inString = true;
          continue;
        }
        if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
          depth += 1;
          continue;
        }
        if (code !== CLOSE_OBJECT && code !== CLOSE_ARRAY) continue;
      }

      switch (code) {
        case QUOTE:
          inString = true;
          if (depth === 1 && expectKey) {
            expectKey = false;
            key.begin(i);
          }
          break;
        case OPEN_OBJECT:
        case OPEN_ARRAY:
          if (depth === 0) {
            if (sawRoot) throw invalid("more than one top-level value");
            sawRoot = true;
            if ((shape === "odata") !== (code === OPEN_OBJECT)) {
              throw invalid(shape === "odata" ? "the body is not an object" : "the body is not an array");
            }
            expectKey = shape === "odata";
          } else if (depth === 1 && shape === "odata" && currentKey === "value") {
            if (code !== OPEN_ARRAY) throw invalid('"value" is not an array');
            inAlerts = true;
          } else if (depth === elementDepth && inAlerts && oversize === undefined) {
            if (code !== OPEN_OBJECT) throw invalid("an alert entry is not an object");
            element.begin(i);
          }
          depth += 1;
          break;
        case CLOSE_OBJECT:
        case CLOSE_ARRAY:
          depth -= 1;
          if (depth < 0) throw invalid("unbalanced brackets");
          if (oversize !== undefined && depth === elementDepth) {
            onOversize(oversize.head, oversize.chars + i + 1);
            oversize = undefined;
          } else if (element.active && depth === elementDepth) {
            onElement(element.finish(text, i + 1));
          } else if (depth === 1 && inAlerts && shape === "odata") {
            inAlerts = false;
          } else if (depth === 0) {
            endField(text, i);
          }
          break;
        case COLON:
          if (depth === 1 && shape === "odata" && currentKey !== "value") field.begin(i + 1);
          break;
        case COMMA:
          if (depth === 1 && shape === "odata") {
            endField(text, i);
            expectKey = true;
          }
          break;
        default:
          if (code <= 32) break;
          if (depth === 0) throw invalid("unexpected text outside the page");
          if (depth === elementDepth && inAlerts && !element.active && oversize === undefined) {
            throw invalid("an alert entry is not an object");
          }
      }
    }
    key.carry(text);
    field.carry(text);
    if (oversize !== undefined) {
      oversize.chars += text.length;
    } else if (element.carry(text) > maxElementChars) {
      const held = element.finish("", 0);
      oversize = { head: held.slice(0, 4096), chars: held.length };
    }
  };

  return {
    write,
    end() {
      if (!sawRoot) throw invalid("the body is empty");
      if (inString || depth !== 0) throw invalid("the body ended early");
      const parsed: Record<string, unknown> = {};
      for (const [name, raw] of Object.entries(fields)) {
        try {
          parsed[name] = JSON.parse(raw) as unknown;
        } catch {
          throw invalid(`the field ${name} is malformed`);
        }
      }
      return parsed;
    },
  };
}

/**
 * Finds, inside a string, the next quote or backslash at or after a position, remembering the
 * last positions found so that scanning a chunk stays linear.
 */
function createStringSkipper(text: string): (from: number) => number {
  let quote = -1;
  let slash = -1;
  return (from) => {
    if (quote < from) {
      quote = text.indexOf('"', from);
      if (quote === -1) quote = text.length;
    }
    if (slash < from) {
      slash = text.indexOf("\\", from);
      if (slash === -1) slash = text.length;
    }
    return Math.min(quote, slash);
  };
}
