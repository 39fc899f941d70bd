// An MSAL `INetworkModule` over undici, so MSAL 7 (which uses global fetch and has no CA
// option) trusts the test CA (microsoft-apis.md §5 "Pointing MSAL at a local emulator").
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from "@azure/msal-node";
import { Agent, request } from "undici";

export interface UndiciNetworkClient extends INetworkModule {
  close(): Promise<void>;
}

/** A network client trusting `ca`; each call returns lower-case headers and parsed JSON. */
export function createUndiciNetworkClient(ca: string): UndiciNetworkClient {
  const dispatcher = new Agent({ connect: { ca } });

  const send = async <T>(
    method: "GET" | "POST",
    url: string,
    options: NetworkRequestOptions = {},
  ): Promise<NetworkResponse<T>> => {
    const res = await request(url, {
      method,
      dispatcher,
      ...(options.headers ? { headers: options.headers } : {}),
      ...(method === "POST" ? { body: options.body ?? "" } : {}),
    });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
    }
    const text = await res.body.text();
    return { headers, status: res.statusCode, body: (text ? JSON.parse(text) : {}) as T };
  };

  return {
    sendGetRequestAsync: (url, options) => send("GET", url, options),
    sendPostRequestAsync: (url, options) => send("POST", url, options),
    close: () => dispatcher.close(),
  };
}
