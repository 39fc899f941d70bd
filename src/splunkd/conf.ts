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
  const content = firstContent(res.json) ?? {};
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(content)) {
    if (typeof value === "string") values[key] = value;
  }
  return values;
}
