import { createSecureContext, type SecureContext } from "node:tls";

import type { Dispatcher } from "undici";

import { Agent, errors as undiciErrors, ProxyAgent, request } from "./undici.ts";

import { AddonError, type ErrorCode } from "../errors.ts";
import {
  describeProxy,
  proxyAuthorization,
  proxyFor,
  proxyOrigin,
  type ProxyEndpoint,
  type ProxyPlan,
} from "./proxy.ts";

export interface HttpRequest {
  method: "GET" | "POST" | "DELETE";
  url: URL;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A response whose body is read as it arrives, for pages too large to hold twice. */
export interface StreamingResponse {
  status: number;
  headers: Record<string, string>;
  /** The body decoded as UTF-8 (invalid bytes become U+FFFD), chunk by chunk. */
  chunks(): AsyncIterable<string>;
  /** The whole body, for error answers; capped at `maxChars`. */
  text(maxChars?: number): Promise<string>;
}

export interface HttpClient {
  send(req: HttpRequest): Promise<HttpResponse>;
  /**
   * Sends a request and returns once the headers are in. The caller must read the body with
   * `chunks()` or `text()`. A transport failure while reading throws like `send`.
   */
  open(req: HttpRequest & { signal?: AbortSignal }): Promise<StreamingResponse>;
  close(): Promise<void>;
}

export interface HttpClientOptions {
  /** PEM certificate authorities, replacing the default store (see trust.ts). */
  ca?: string[] | undefined;
  /** Accept a certificate for any name when the host is a loopback address (splunkd's default). */
  relaxLoopbackNames?: boolean;
  timeoutMs?: number;
  userAgent: string;
  /** The code a connection failure maps to: which peer could not be reached. */
  unreachableCode: ErrorCode;
  dispatcher?: Dispatcher;
  /** Which proxy requests go through (see proxy.ts); every request is direct when absent. */
  proxy?: ProxyPlan | undefined;
}

/**
 * A small HTTP client on undici: TLS verification always on, bounded timeouts, and transport
 * failures turned into AddonErrors that name the host, never the query or headers.
 *
 * A request goes through the plan's proxy unless NO_PROXY exempts its host: undici's ProxyAgent
 * opens the CONNECT tunnel (TLS to the proxy first for an `https:` proxy) and sends the
 * credentials as `Proxy-Authorization`; the same trusted CAs check the proxy and the server.
 *
 * @throws AddonError `unreachableCode` for connection failures and timeouts; TLS_UNTRUSTED for
 * certificate errors; through a proxy PROXY_UNREACHABLE, PROXY_AUTH_REFUSED (407),
 * PROXY_DENIED (403) and PROXY_TLS_UNTRUSTED instead.
 */
export function createHttpClient(opts: HttpClientOptions): HttpClient {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const connectTimeoutMs = Math.min(timeoutMs, 30_000);
  // Given a CA list, Node would build a TLS context for every connection, parsing every
  // certificate again (about 13 ms for Node's 118 roots): one context serves them all.
  const tls = opts.ca === undefined ? {} : { secureContext: createSecureContext({ ca: opts.ca }) };
  const direct =
    opts.dispatcher ??
    new Agent({
      connect: {
        ...tls,
        ...(opts.relaxLoopbackNames === true ? { checkServerIdentity: loopbackIdentity } : {}),
      },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      connectTimeout: connectTimeoutMs,
    });
  // One tunnelling agent per client: a plan names one proxy.
  let tunnel: ProxyAgent | undefined;
  let closed: Promise<void> | undefined;
  const route = (url: URL): { dispatcher: Dispatcher; fail: (error: unknown) => AddonError } => {
    const proxy = opts.proxy === undefined ? undefined : proxyFor(opts.proxy, url);
    if (proxy === undefined) {
      return { dispatcher: direct, fail: (error) => transportError(error, url, opts.unreachableCode) };
    }
    tunnel ??= createTunnel(proxy, tls, timeoutMs, connectTimeoutMs);
    return { dispatcher: tunnel, fail: (error) => proxyError(error, url, proxy, opts.unreachableCode) };
  };

  return {
    async send(req) {
      const { dispatcher, fail } = route(req.url);
      try {
        const res = await request(req.url, {
          method: req.method,
          headers: { "user-agent": opts.userAgent, ...req.headers },
          body: req.body,
          dispatcher,
        });
        const body = await res.body.text();
        return { status: res.statusCode, headers: flattenHeaders(res.headers), body };
      } catch (error) {
        throw fail(error);
      }
    },
    async open(req) {
      const { dispatcher, fail } = route(req.url);
      let res: Dispatcher.ResponseData;
      try {
        res = await request(req.url, {
          method: req.method,
          headers: { "user-agent": opts.userAgent, ...req.headers },
          body: req.body,
          dispatcher,
          ...(req.signal === undefined ? {} : { signal: req.signal }),
        });
      } catch (error) {
        throw fail(error);
      }
      const body = res.body;
      return {
        status: res.statusCode,
        headers: flattenHeaders(res.headers),
        async *chunks() {
          const decoder = new TextDecoder("utf-8");
          try {
            for await (const chunk of body) {
              const text = decoder.decode(chunk as Uint8Array, { stream: true });
              if (text !== "") yield text;
            }
          } catch (error) {
            throw fail(error);
          }
          const rest = decoder.decode();
          if (rest !== "") yield rest;
        },
        async text(maxChars = 1024 * 1024) {
          let text = "";
          try {
            for await (const chunk of body) {
              if (text.length < maxChars) text += Buffer.from(chunk as Uint8Array).toString("utf8");
            }
          } catch (error) {
            throw fail(error);
          }
          return text.slice(0, maxChars);
        },
      };
    },
    close() {
      closed ??= Promise.all([direct.close(), tunnel?.close()]).then(() => undefined);
      return closed;
    },
  };
}

/**
 * undici's ProxyAgent for one proxy. The proxy URL carries no credentials: they go only into
 * the `Proxy-Authorization` header, so no URL, log line or error can show them.
 */
function createTunnel(
  proxy: ProxyEndpoint,
  tls: { secureContext?: SecureContext },
  timeoutMs: number,
  connectTimeoutMs: number,
): ProxyAgent {
  const token = proxyAuthorization(proxy);
  return new ProxyAgent({
    uri: proxyOrigin(proxy),
    ...(token === undefined ? {} : { token }),
    proxyTls: { ...tls, timeout: connectTimeoutMs },
    requestTls: { ...tls, timeout: connectTimeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
}

function loopbackIdentity(host: string, cert: { subject?: unknown }): Error | undefined {
  // splunkd's default certificate names "SplunkServerDefaultCert", not 127.0.0.1; the chain is
  // still verified, only the name check is skipped, and only for a loopback address.
  if (host === "127.0.0.1" || host === "::1" || host === "localhost") return undefined;
  return new Error(`certificate name check refused for ${host} (${String(cert.subject)})`);
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[key.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|HOSTNAME|ALTNAME|ERR_SSL|PRX_TLS/;

// Failures to open a connection. Through a proxy the only connection the add-on opens is the
// one to the proxy: the proxy reports its own failures to reach a server as an HTTP status.
const CONNECT_CODES = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT)$/;

/** Maps a failure of a request that went through `proxy`; the message names the proxy, never its credentials. */
function proxyError(error: unknown, url: URL, proxy: ProxyEndpoint, unreachable: ErrorCode): AddonError {
  if (error instanceof AddonError) return error;
  const host = url.host;
  const via = describeProxy(proxy);
  const details = { host, proxy: via };
  // undici reports a refused CONNECT only in its message: "Proxy response (407) !== 200 …".
  const message = error instanceof Error ? error.message : "";
  const status = Number(/Proxy response \((\d{3})\)/.exec(message)?.[1] ?? 0);
  if (status === 407) {
    const why = proxy.username === undefined ? "asked for credentials and none are configured" :
      `refused the credentials of ${proxy.username}`;
    return new AddonError("PROXY_AUTH_REFUSED",
      `The proxy ${via} ${why} (HTTP 407) for a connection to ${host}`, { ...details, status }, error);
  }
  if (status === 403) {
    return new AddonError("PROXY_DENIED",
      `The proxy ${via} does not allow connections to ${host} (HTTP 403)`, { ...details, status }, error);
  }
  if (status !== 0) {
    return new AddonError(unreachable,
      `Could not reach ${host} through the proxy ${via} (the proxy answered HTTP ${status})`,
      { ...details, status, reason: `proxy HTTP ${status}` }, error);
  }

  const code = errorCode(error);
  if (TLS_CODES.test(code)) {
    return new AddonError("PROXY_TLS_UNTRUSTED",
      `A certificate on the way to ${host} through the proxy ${via} was not trusted (${code}): ` +
        (proxy.protocol === "https:" ? "the proxy's own, or " : "") +
        "the one a TLS-inspecting proxy presents for the host",
      { ...details, reason: code }, error);
  }
  const timedOut = code === "UND_ERR_CONNECT_TIMEOUT" || error instanceof undiciErrors.ConnectTimeoutError;
  if (CONNECT_CODES.test(code) || timedOut) {
    return new AddonError("PROXY_UNREACHABLE",
      `Could not reach the proxy ${via} (${timedOut ? "timeout" : code})`,
      { ...details, reason: timedOut ? "timeout" : code }, error);
  }
  const failure = transportError(error, url, unreachable);
  return new AddonError(failure.code, `${failure.message} through the proxy ${via}`,
    { ...failure.details, proxy: via }, error);
}

function transportError(error: unknown, url: URL, unreachable: ErrorCode): AddonError {
  if (error instanceof AddonError) return error;
  const code = errorCode(error);
  const host = url.host;
  if (TLS_CODES.test(code)) {
    return new AddonError(
      "TLS_UNTRUSTED",
      `The certificate of ${host} was not trusted (${code})`,
      { host, reason: code },
      error,
    );
  }
  const timedOut =
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    error instanceof undiciErrors.ConnectTimeoutError;
  const reason = timedOut ? "timeout" : code || "connection failed";
  return new AddonError(unreachable, `Could not reach ${host} (${reason})`, { host, reason }, error);
}

function errorCode(error: unknown): string {
  if (typeof error !== "object" || error === null) return "";
  const own = (error as { code?: unknown }).code;
  if (typeof own === "string" && own !== "UND_ERR_SOCKET" && own !== "UND_ERR") return own;
  const ownText = typeof own === "string" || typeof own === "number" ? String(own) : "";
  const cause = (error as { cause?: unknown }).cause;
  return cause === undefined ? (typeof own === "string" ? own : "") : errorCode(cause) || ownText;
}
