import { parseInstant } from "../checkpoint/index.ts";
import type { AlertRecord } from "./types.ts";

/**
 * Reads the id and update time of one alert's JSON text. The text itself is kept as it came; an
 * alert whose fields are missing, of another type or unparsable still becomes a record (its id
 * or time undefined), so it is written, never dropped.
 */
export function readRecord(raw: string, idField: string, timeField: string): AlertRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { raw, id: undefined, updated: undefined };
  }
  const fields = parsed as Record<string, unknown>;
  const id = fields[idField];
  const time = fields[timeField];
  return {
    raw,
    id: typeof id === "string" && id !== "" ? id : typeof id === "number" ? String(id) : undefined,
    updated: typeof time === "string" ? parseInstant(time) : undefined,
  };
}
