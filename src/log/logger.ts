import { AddonError } from "../errors.ts";

export type Level = "DEBUG" | "INFO" | "WARN" | "ERROR" | "FATAL";
export type Fields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: Fields): void;
  info(message: string, fields?: Fields): void;
  warn(message: string, fields?: Fields): void;
  error(message: string, fields?: Fields): void;
  /** A logger whose every record carries `bindings` too. */
  child(bindings: Fields): Logger;
}

const ORDER: Record<Level, number> = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, FATAL: 50 };

// Keys whose values are never written, whatever they hold.
const DENYLIST = /(secret|password|passwd|token|session_?key|authorization|assertion|cookie|private_?key)/i;

/**
 * A logger for splunkd: one line per record on stderr, `LEVEL message key=value …`, because
 * splunkd's ExecProcessor reads the leading level word and turns each line into a splunkd.log
 * record (lines without a level are logged as ERROR).
 */
export function createLogger(opts: {
  write?: (line: string) => void;
  level?: Level;
  bindings?: Fields;
} = {}): Logger {
  const write = opts.write ?? ((line: string) => process.stderr.write(line));
  const threshold = ORDER[opts.level ?? "INFO"];
  const bindings = opts.bindings ?? {};

  const emit = (level: Level, message: string, fields: Fields = {}): void => {
    if (ORDER[level] < threshold) return;
    write(formatRecord(level, message, { ...bindings, ...fields }));
  };

  return {
    debug: (message, fields) => emit("DEBUG", message, fields),
    info: (message, fields) => emit("INFO", message, fields),
    warn: (message, fields) => emit("WARN", message, fields),
    error: (message, fields) => emit("ERROR", message, fields),
    child: (more) => createLogger({ ...opts, bindings: { ...bindings, ...more } }),
  };
}

export function formatRecord(level: Level, message: string, fields: Fields): string {
  const parts = [level, oneLine(message)];
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    parts.push(`${key}=${formatValue(key, value)}`);
  }
  return `${parts.join(" ")}\n`;
}

function formatValue(key: string, value: unknown): string {
  if (DENYLIST.test(key)) return "[redacted]";
  if (value instanceof AddonError) return quote(`${value.code}: ${value.message}`);
  if (value instanceof Error) return quote(value.message);
  const text = typeof value === "string" ? value : String(JSON.stringify(value) ?? value);
  return quote(text);
}

function quote(text: string): string {
  const flat = oneLine(text);
  if (flat !== "" && !/[\s"=\\]/.test(flat)) return flat;
  return `"${flat.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

// splunkd splits records on newlines, so a record must stay on one line.
function oneLine(text: string): string {
  return text.replace(/\r\n|\r|\n/g, " ");
}
