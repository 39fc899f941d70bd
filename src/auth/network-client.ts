import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from "@azure/msal-node";

import type { AddonError } from "../errors.ts";
import type { HttpClient } from "../http/index.ts";

/**
 * Gives MSAL our HTTP client (trusted CAs, timeouts, later the proxy) instead of global fetch.
 * MSAL replaces a thrown transport error with a bare "network_error", so the last one is kept
 * here for the token provider to report with its host and reason.
 */
export function createMsalNetworkClient(http: HttpClient): INetworkModule & {
  lastTransportError(): AddonError | undefined;
  lastRefusal(): EntraRefusal | undefined;
} {
  let lastError: AddonError | undefined;
  let lastRefusal: EntraRefusal | undefined;

  const send = async <T>(
    method: "GET" | "POST",
    url: string,
    options?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>> => {
    lastError = undefined;
    lastRefusal = undefined;
    try {
      const res = await http.send({
        method,
        url: new URL(url),
        headers: options?.headers ?? {},
        ...(options?.body === undefined ? {} : { body: options.body }),
      });
      const body = parseBody<T>(res.body);
      if (res.status >= 400) lastRefusal = readRefusal(res.status, body);
      return { status: res.status, headers: res.headers, body };
    } catch (error) {
      lastError = error as AddonError;
      throw error;
    }
  };

  return {
    sendGetRequestAsync: (url, options) => send("GET", url, options),
    sendPostRequestAsync: (url, options) => send("POST", url, options),
    lastTransportError: () => lastError,
    lastRefusal: () => lastRefusal,
  };
}

/** What Entra ID said when it refused a request (its error body), without any secret. */
export interface EntraRefusal {
  status: number;
  error: string;
  aadsts: string | undefined;
  description: string;
}

function readRefusal(status: number, body: unknown): EntraRefusal {
  const fields = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const codes = fields["error_codes"];
  const first = Array.isArray(codes) ? codes[0] : undefined;
  const description = typeof fields["error_description"] === "string" ? fields["error_description"] : "";
  return {
    status,
    error: typeof fields["error"] === "string" ? fields["error"] : `HTTP ${status}`,
    aadsts: typeof first === "number" || typeof first === "string" ? String(first) : undefined,
    description: description.split(/\r?\n/)[0] ?? "",
  };
}

// An HTML page from a proxy or a truncated body must not crash MSAL's parser; MSAL then reports
// the HTTP status, which the token provider maps.
function parseBody<T>(text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return {} as T;
  }
}
