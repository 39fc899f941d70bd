import { Agent, type Dispatcher, errors as undiciErrors, request } from "undici";

import { AddonError, type ErrorCode } from "../errors.ts";

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
}

/**
 * A small HTTP client on undici: TLS verification always on, bounded timeouts, and transport
 * failures turned into AddonErrors that name the host, never the query or headers.
 *
 * @throws AddonError `unreachableCode` for connection failures and timeouts; TLS_UNTRUSTED for
 * certificate errors.
 */
export function createHttpClient(opts: HttpClientOptions): HttpClient {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const dispatcher =
    opts.dispatcher ??
    new Agent({
      connect: {
        ...(opts.ca === undefined ? {} : { ca: opts.ca }),
        ...(opts.relaxLoopbackNames === true ? { checkServerIdentity: loopbackIdentity } : {}),
      },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      connectTimeout: Math.min(timeoutMs, 30_000),
    });

  return {
    async send(req) {
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
        throw transportError(error, req.url, opts.unreachableCode);
      }
    },
    async open(req) {
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
        throw transportError(error, req.url, opts.unreachableCode);
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
            throw transportError(error, req.url, opts.unreachableCode);
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
            throw transportError(error, req.url, opts.unreachableCode);
          }
          return text.slice(0, maxChars);
        },
      };
    },
    async close() {
      await dispatcher.close();
    },
  };
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

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|HOSTNAME|ALTNAME/;

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
  const cause = (error as { cause?: unknown }).cause;
  return cause === undefined ? (typeof own === "string" ? own : "") : errorCode(cause) || String(own ?? "");
}
