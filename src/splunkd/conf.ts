import type { SplunkdClient } from "./client.ts";
import { firstContent } from "./passwords.ts";

/** One stanza of one of the app's .conf files, or undefined when it does not exist. */
export async function readConfStanza(
  splunkd: SplunkdClient,
  file: string,
  stanza: string,
): Promise<Record<string, string> | undefined> {
  const res = await splunkd
    .expect([404])
    .get(`configs/conf-${encodeURIComponent(file)}/${encodeURIComponent(stanza)}`);
  if (res.status === 404) return undefined;
  return stringValues(firstContent(res.json) ?? {});
}

/**
 * Every stanza of one of the app's .conf files, by name, in one request (a run reads several
 * stanzas of its settings file, and splunkd starts a run per tenant per interval).
 *
 * @throws AddonError SPLUNKD_* when splunkd cannot be read.
 */
export async function readConfStanzas(
  splunkd: SplunkdClient,
  file: string,
): Promise<Map<string, Record<string, string>>> {
  const res = await splunkd
    .expect([404])
    .get(`configs/conf-${encodeURIComponent(file)}`, { count: "0" });
  if (res.status === 404) return new Map();
  type Listed = { name?: unknown; content?: Record<string, unknown> };
  const entries = (res.json as { entry?: Listed[] }).entry ?? [];
  const stanzas = new Map<string, Record<string, string>>();
  for (const { name, content } of entries) {
    if (typeof name === "string") stanzas.set(name, stringValues(content ?? {}));
  }
  return stanzas;
}

function stringValues(content: Record<string, unknown>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(content)) {
    if (typeof value === "string") values[key] = value;
  }
  return values;
}
