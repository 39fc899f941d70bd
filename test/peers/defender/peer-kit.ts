// Test-only helpers for this folder: a local token signer/verifier (HS256 with jose, so the
// tests do not depend on the Entra stand-in) and an HTTPS client that trusts the test CA.

import { randomBytes } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";
import { Agent, request } from "undici";
import type { TestTls } from "../../support/tls.ts";
import { MDE_RESOURCE, type TokenClaims } from "./auth.ts";
import type { Alert } from "./types.ts";

export interface TokenRequest {
  tid: string;
  aud?: string;
  roles?: string[];
  appid?: string;
  /** Seconds from the signer clock; negative for an already expired token. */
  expiresInSeconds?: number;
}

export interface TokenSigner {
  sign: (claims: TokenRequest) => Promise<string>;
  verify: (token: string) => Promise<TokenClaims>;
}

/** Signs and verifies access tokens with a fresh random key; `now` is the signer clock (ms). */
export function createTokenSigner(now: () => number = Date.now): TokenSigner {
  const key = randomBytes(32);
  return {
    async sign({ tid, aud = MDE_RESOURCE, roles = ["Alert.Read.All"], appid = "app-1",
      expiresInSeconds = 3600 }) {
      const iat = Math.floor(now() / 1000);
      return new SignJWT({ tid, roles, appid })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setIssuer(`https://sts.windows.net/${tid}/`)
        .setAudience(aud)
        .setIssuedAt(iat)
        .setExpirationTime(iat + expiresInSeconds)
        .sign(key);
    },
    async verify(token) {
      const { payload } = await jwtVerify(token, key, { currentDate: new Date(now()) });
      const { aud, tid, exp, roles, appid } = payload;
      if (typeof aud !== "string" || typeof tid !== "string" || typeof exp !== "number") {
        throw new Error("token lacks aud, tid or exp");
      }
      return { aud, tid, exp, appid: typeof appid === "string" ? appid : undefined,
        roles: Array.isArray(roles) ? roles.filter((r) => typeof r === "string") : undefined };
    },
  };
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface AlertsPage {
  "@odata.context": string;
  value: Alert[];
  "@odata.nextLink"?: string;
}

export interface ErrorBody {
  error: { code: string; message: string; target: string };
}

export interface PeerClient {
  /** `headers` are sent as given, next to `authorization` when a token is passed. */
  send(method: string, url: string, token?: string, headers?: Record<string, string>):
    Promise<Reply>;
  get(url: string, token?: string, headers?: Record<string, string>): Promise<Reply>;
  /** GET that must answer 200; returns the parsed page. */
  page(url: string, token: string): Promise<AlertsPage>;
  /** Follows `@odata.nextLink` from `url` to the end; returns every alert and page count. */
  all(url: string, token: string): Promise<{ alerts: Alert[]; pages: number }>;
  close(): Promise<void>;
}

export function createPeerClient(tls: TestTls): PeerClient {
  const dispatcher = new Agent({ connect: { ca: tls.ca } });
  const send = async (method: string, url: string, token?: string,
    extra: Record<string, string> = {}): Promise<Reply> => {
    const headers: Record<string, string> =
      token ? { ...extra, authorization: `Bearer ${token}` } : extra;
    const res = await request(url, { dispatcher, headers, method });
    return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
  };
  const get = (url: string, token?: string, headers?: Record<string, string>): Promise<Reply> =>
    send("GET", url, token, headers);
  const page = async (url: string, token: string): Promise<AlertsPage> => {
    const reply = await get(url, token);
    if (reply.status !== 200) throw new Error(`GET ${url}: ${reply.status} ${reply.text}`);
    return JSON.parse(reply.text) as AlertsPage;
  };
  return {
    send,
    get,
    page,
    async all(url, token) {
      const alerts: Alert[] = [];
      let pages = 0;
      for (let next: string | undefined = url; next !== undefined; pages += 1) {
        const body = await page(next, token);
        alerts.push(...body.value);
        next = body["@odata.nextLink"];
      }
      return { alerts, pages };
    },
    close: () => dispatcher.close(),
  };
}

/** Parses an error reply's envelope. */
export function errorOf(reply: Reply): ErrorBody["error"] {
  return (JSON.parse(reply.text) as ErrorBody).error;
}

/** `/api/alerts` on `base` with the given query options, encoded the way clients do. */
export function alertsUrl(base: string, options: Record<string, string> = {},
  path = "/api/alerts"): string {
  const query = Object.entries(options)
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join("&");
  return query === "" ? `${base}${path}` : `${base}${path}?${query}`;
}
