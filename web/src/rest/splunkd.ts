// The page's only way to the server: splunkd REST through Splunk Web's proxy
// (`/<locale>/splunkd/__raw/servicesNS/nobody/<app>/...`), in the user's Splunk Web session, with
// the CSRF form key from the `splunkweb_csrf_token_<port>` cookie on every call.
import { app as urlApp, getCSRFToken, splunkdPath } from "@splunk/splunk-utils/config";

export const APP = (urlApp as string | undefined) ?? "TA-defender-mssp";

/** A refusal from splunkd, with splunkd's own text (shown to the admin as it is). */
export class SplunkdError extends Error {
  constructor(readonly status: number, message: string, readonly body?: unknown) {
    super(message);
    this.name = "SplunkdError";
  }
}

export interface Splunkd {
  /** GET an endpoint under the app's namespace; JSON out. */
  get<T>(endpoint: string, query?: Record<string, string | string[]>): Promise<T>;
  /** POST a form (conf, passwords, inputs). */
  postForm<T>(endpoint: string, form: Record<string, string>, expect?: number[], query?: Record<string, string | string[]>): Promise<{ status: number; json: T }>;
  /** POST a JSON body (KV store, REST handlers). */
  postJson<T>(endpoint: string, body: unknown, expect?: number[]): Promise<{ status: number; json: T }>;
  delete(endpoint: string, expect?: number[]): Promise<number>;
}

const base = (): string => `${String(splunkdPath ?? "/en-US/splunkd/__raw")}/servicesNS/nobody/${encodeURIComponent(APP)}`;

function urlOf(endpoint: string, query: Record<string, string | string[]> = {}): string {
  const params = new URLSearchParams({ output_mode: "json" });
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, item);
  }
  return `${base()}/${endpoint}?${params.toString()}`;
}

/** splunkd's message text from an error body: `{"messages":[{"type":"ERROR","text":…}]}`. */
export function splunkdMessage(body: unknown, status: number): string {
  const messages = (body as { messages?: Array<{ type?: string; text?: string }> } | null)?.messages;
  const found = messages?.find((m) => m.type === "ERROR" || m.type === "FATAL" || m.type === "WARN") ?? messages?.[0];
  return found?.text ?? `splunkd answered HTTP ${status}`;
}

async function call<T>(method: string, endpoint: string, init: { body?: string; type?: string; query?: Record<string, string | string[]> }, expect: number[]): Promise<{ status: number; json: T }> {
  const headers: Record<string, string> = {
    "X-Splunk-Form-Key": getCSRFToken() ?? "",
    "X-Requested-With": "XMLHttpRequest",
  };
  if (init.type !== undefined) headers["Content-Type"] = init.type;
  let res: Response;
  try {
    res = await fetch(urlOf(endpoint, init.query), {
      method, credentials: "include", headers, ...(init.body === undefined ? {} : { body: init.body }),
    });
  } catch (error) {
    throw new SplunkdError(0, `Splunk Web could not be reached: ${String(error)}`);
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (res.ok || expect.includes(res.status)) return { status: res.status, json: json as T };
  throw new SplunkdError(res.status, splunkdMessage(json, res.status), json);
}

export function createSplunkd(): Splunkd {
  return {
    async get(endpoint, query) {
      return (await call<never>("GET", endpoint, { query: { count: "0", ...query } }, [])).json;
    },
    postForm: (endpoint, form, expect = [], query = {}) =>
      call("POST", endpoint, { body: new URLSearchParams(form).toString(), type: "application/x-www-form-urlencoded", query }, expect),
    postJson: (endpoint, body, expect = []) =>
      call("POST", endpoint, { body: JSON.stringify(body), type: "application/json" }, expect),
    async delete(endpoint, expect = []) {
      return (await call("DELETE", endpoint, {}, expect)).status;
    },
  };
}

/** The entries of a splunkd collection answer. */
export interface Entry<C> {
  name: string;
  content: C;
}

export function entriesOf<C>(envelope: unknown): Entry<C>[] {
  return ((envelope as { entry?: Entry<C>[] } | undefined)?.entry ?? []);
}

/** A conf value as text: splunkd's JSON gives strings, numbers or booleans; anything else is "". */
export function confText(value: unknown): string {
  if (typeof value === "string") return value;
  return typeof value === "number" || typeof value === "boolean" ? String(value) : "";
}
