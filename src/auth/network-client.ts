import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from "@azure/msal-node";

import type { AddonError } from "../errors.ts";
import { readRefusal, type EntraRefusal } from "./entra-errors.ts";
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
      if (res.status >= 400) lastRefusal = readRefusal(res.status, body, res.headers);
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

// An HTML page from a proxy or a truncated body must not crash MSAL's parser; MSAL then reports
// the HTTP status, which the token provider maps.
function parseBody<T>(text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return {} as T;
  }
}
