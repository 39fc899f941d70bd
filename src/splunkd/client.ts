import { AddonError } from "../errors.ts";
import type { HttpClient, HttpResponse } from "../http/index.ts";
import type { Secret } from "../log/secret.ts";

export interface SplunkdClient {
  /** GET or DELETE a path under `/servicesNS/nobody/<app>/`, JSON out. */
  get(path: string, query?: Record<string, string>): Promise<SplunkdResponse>;
  delete(path: string): Promise<SplunkdResponse>;
  /** POST a form (`application/x-www-form-urlencoded`). */
  postForm(path: string, form: Record<string, string>): Promise<SplunkdResponse>;
  /** POST a JSON body (KV store). */
  postJson(path: string, body: unknown): Promise<SplunkdResponse>;
  /** The same client, treating these statuses as answers rather than errors. */
  expect(statuses: number[]): SplunkdClient;
}

export interface SplunkdResponse {
  status: number;
  json: unknown;
}

/**
 * The only code that holds splunkd's session key. Every call goes to the app's namespace with
 * `output_mode=json`; errors carry splunkd's own message text.
 *
 * @throws AddonError SPLUNKD_UNREACHABLE, SPLUNKD_AUTH_FAILED (401), SPLUNKD_ERROR (other
 * non-2xx statuses except those the caller accepts through `expect`).
 */
export function createSplunkdClient(deps: {
  http: HttpClient;
  serverUri: string;
  sessionKey: Secret;
  app: string;
}): SplunkdClient {
  const base = new URL(deps.serverUri);

  const call = async (
    accept: number[],
    method: "GET" | "POST" | "DELETE",
    path: string,
    opts: { query?: Record<string, string>; body?: string; type?: string } = {},
  ): Promise<SplunkdResponse> => {
    const url = new URL(`/servicesNS/nobody/${encodeURIComponent(deps.app)}/${path}`, base);
    url.searchParams.set("output_mode", "json");
    for (const [key, value] of Object.entries(opts.query ?? {})) url.searchParams.set(key, value);

    const res = await deps.http.send({
      method,
      url,
      headers: {
        authorization: `Splunk ${deps.sessionKey.reveal()}`,
        accept: "application/json",
        ...(opts.type === undefined ? {} : { "content-type": opts.type }),
      },
      ...(opts.body === undefined ? {} : { body: opts.body }),
    });
    const json = parseJson(res);
    if ((res.status >= 200 && res.status < 300) || accept.includes(res.status)) {
      return { status: res.status, json };
    }
    throw splunkdError(res.status, method, path, json);
  };

  const make = (accept: number[]): SplunkdClient => ({
    get: (path, query) => call(accept, "GET", path, query === undefined ? {} : { query }),
    delete: (path) => call(accept, "DELETE", path),
    postForm: (path, form) =>
      call(accept, "POST", path, {
        body: new URLSearchParams(form).toString(),
        type: "application/x-www-form-urlencoded",
      }),
    postJson: (path, body) =>
      call(accept, "POST", path, { body: JSON.stringify(body), type: "application/json" }),
    expect: (statuses) => make([...accept, ...statuses]),
  });

  return make([]);
}

function parseJson(res: HttpResponse): unknown {
  if (res.body === "") return undefined;
  try {
    return JSON.parse(res.body) as unknown;
  } catch {
    return undefined;
  }
}

/** splunkd's error text: `{"messages":[{"type":"ERROR","text":"…"}]}`. */
export function splunkdMessage(json: unknown): string {
  const messages = (json as { messages?: unknown } | undefined)?.messages;
  if (!Array.isArray(messages)) return "";
  return messages
    .map((m) => (typeof m === "object" && m !== null ? (m as { text?: unknown }).text : undefined))
    .filter((text): text is string => typeof text === "string")
    .join("; ");
}

function splunkdError(status: number, method: string, path: string, json: unknown): AddonError {
  const text = splunkdMessage(json) || `HTTP ${status}`;
  const endpoint = path.split("/").slice(0, 3).join("/");
  if (status === 401) {
    return new AddonError("SPLUNKD_AUTH_FAILED", `splunkd refused the session key: ${text}`, {
      status,
      endpoint,
    });
  }
  return new AddonError("SPLUNKD_ERROR", `splunkd ${method} ${endpoint} failed: ${text}`, {
    status,
    endpoint,
  });
}
