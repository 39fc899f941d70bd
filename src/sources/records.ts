import { parseInstant } from "../checkpoint/index.ts";
import type { AlertRecord } from "./types.ts";

/**
 * Reads the id and update time of one alert's JSON text. The text itself is kept as it came; an
 * alert whose fields are missing, of another type or unparsable still becomes a record (its id
 * or time undefined), so it is written, never dropped.
 *
 * Only the object's top-level members are walked, and only until both fields are found: the
 * APIs put them before `evidence`, so a 150 KB alert costs a few hundred characters, not a parse
 * of every evidence entry (which made most of the input's CPU and garbage on large pages). Text
 * that does not read as an object on the way falls back to a whole JSON.parse. Two differences
 * with a whole JSON.parse: the text after both fields is not checked, and a field given twice
 * counts the first time, not the last.
 */
export function readRecord(raw: string, idField: string, timeField: string): AlertRecord {
  const found = readTopLevelFields(raw, idField, timeField) ?? parseFields(raw, idField, timeField);
  if (found === undefined) return { raw, id: undefined, updated: undefined };
  const [id, time] = found;
  return {
    raw,
    id: typeof id === "string" && id !== "" ? id : typeof id === "number" ? String(id) : undefined,
    updated: typeof time === "string" ? parseInstant(time) : undefined,
  };
}

type Fields = [id: unknown, time: unknown];

function parseFields(raw: string, idField: string, timeField: string): Fields | undefined {
  try {
    const fields = JSON.parse(raw) as Record<string, unknown>;
    return [fields[idField], fields[timeField]];
  } catch {
    return undefined;
  }
}

const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;
const COMMA = 44;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;

/**
 * The values of two top-level members of a JSON object text, stopping once both are read.
 * Returns undefined when the text stops reading as an object before then.
 */
function readTopLevelFields(raw: string, idField: string, timeField: string): Fields | undefined {
  let id: unknown;
  let time: unknown;
  let at = skipSpace(raw, 0);
  if (raw.charCodeAt(at) !== OPEN_OBJECT) return undefined;
  at = skipSpace(raw, at + 1);
  if (raw.charCodeAt(at) === CLOSE_OBJECT) return [id, time];

  for (;;) {
    if (raw.charCodeAt(at) !== QUOTE) return undefined;
    const keyEnd = stringEnd(raw, at);
    if (keyEnd < 0) return undefined;
    const key = memberName(raw, at, keyEnd);
    at = skipSpace(raw, keyEnd);
    if (raw.charCodeAt(at) !== COLON) return undefined;
    const valueAt = skipSpace(raw, at + 1);
    const valueEnd = valueEndAt(raw, valueAt);
    if (valueEnd < 0) return undefined;

    const wanted = (key === idField && id === undefined) || (key === timeField && time === undefined);
    if (wanted) {
      const value = parseValue(raw.slice(valueAt, valueEnd));
      if (value === INVALID) return undefined;
      if (key === idField) id = value;
      else time = value;
      if (id !== undefined && time !== undefined) return [id, time];
    }

    at = skipSpace(raw, valueEnd);
    const next = raw.charCodeAt(at);
    if (next === CLOSE_OBJECT) return [id, time];
    if (next !== COMMA) return undefined;
    at = skipSpace(raw, at + 1);
  }
}

const INVALID = Symbol("invalid");

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return INVALID;
  }
}

/** A member name; escaped names (`"i\u0064"`) are decoded. */
function memberName(raw: string, start: number, end: number): string | undefined {
  const name = raw.slice(start + 1, end - 1);
  if (!name.includes("\\")) return name;
  const value = parseValue(raw.slice(start, end));
  return typeof value === "string" ? value : undefined;
}

function skipSpace(raw: string, from: number): number {
  let at = from;
  for (;;) {
    const code = raw.charCodeAt(at);
    if (code !== 32 && code !== 10 && code !== 13 && code !== 9) return at;
    at += 1;
  }
}

/** The index after the string opening at `start`, or -1 if it never closes. */
function stringEnd(raw: string, start: number): number {
  let at = start + 1;
  for (;;) {
    const quote = raw.indexOf('"', at);
    if (quote < 0) return -1;
    // A quote preceded by an odd number of backslashes is escaped.
    let slashes = 0;
    while (raw.charCodeAt(quote - 1 - slashes) === BACKSLASH) slashes += 1;
    if (slashes % 2 === 0) return quote + 1;
    at = quote + 1;
  }
}

/** The index after the value starting at `start`, or -1 if the text ends first. */
function valueEndAt(raw: string, start: number): number {
  const first = raw.charCodeAt(start);
  if (first === QUOTE) return stringEnd(raw, start);
  if (first === OPEN_OBJECT || first === OPEN_ARRAY) {
    let depth = 0;
    for (let at = start; at < raw.length; at += 1) {
      const code = raw.charCodeAt(at);
      if (code === QUOTE) {
        at = stringEnd(raw, at) - 1;
        if (at < 0) return -1;
      } else if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
        depth += 1;
      } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
        depth -= 1;
        if (depth === 0) return at + 1;
      }
    }
    return -1;
  }
  // A number, true, false or null: up to the next delimiter.
  let at = start;
  for (;;) {
    const code = raw.charCodeAt(at);
    const delimiter = code === COMMA || code === CLOSE_OBJECT || code === 32 || code === 10 || code === 13 || code === 9;
    if (delimiter || Number.isNaN(code)) return at === start ? -1 : at;
    at += 1;
  }
}
