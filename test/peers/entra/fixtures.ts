// Shared setup for the Entra stand-in's own tests: a directory with three customer tenants and
// one MSSP app, and a raw HTTPS client that trusts the test CA.
import { createHash } from "node:crypto";

import { Agent, request } from "undici";

import type { TestTls } from "../../support/tls.ts";
import { createEntraPeer, type EntraPeer } from "./index.ts";

export const TENANT_A = "11111111-aaaa-4aaa-8aaa-111111111111";
export const TENANT_B = "22222222-bbbb-4bbb-8bbb-222222222222";
/** Exists, but the app was never consented there. */
export const TENANT_C = "33333333-cccc-4ccc-8ccc-333333333333";
export const DOMAIN_A = "contoso.onmicrosoft.com";
export const CLIENT_ID = "0a0a0a0a-1111-4222-8333-444444444444";
/** Holds characters that HTTP Basic must form-encode (RFC 6749 §2.3.1). */
export const SECRET = "s3cr3t~value:with+odd/chars=";
export const MDE_SCOPE = "https://api.securitycenter.microsoft.com/.default";
export const MDE_RESOURCE = "https://api.securitycenter.microsoft.com";

/** A peer with tenant A (MDE + Graph roles), B (MDE write role only) and C (no consent). */
export async function createSeededPeer(tls: TestTls, now?: () => number): Promise<EntraPeer> {
  const peer = await createEntraPeer({ tls, ...(now ? { now } : {}) });
  peer.addTenant(TENANT_A, { domain: DOMAIN_A });
  peer.addTenant(TENANT_B);
  peer.addTenant(TENANT_C);
  peer.registerApp({
    clientId: CLIENT_ID, displayName: "MSSP collector", secrets: [{ value: SECRET }],
  });
  peer.consent({
    tenantId: TENANT_A,
    clientId: CLIENT_ID,
    grants: [
      { resource: MDE_RESOURCE, roles: ["Alert.Read.All", "Machine.Read.All"] },
      { resource: "https://graph.microsoft.com", roles: ["SecurityAlert.Read.All"] },
    ],
  });
  peer.consent({
    tenantId: TENANT_B,
    clientId: CLIENT_ID,
    grants: [{ resource: MDE_RESOURCE, roles: ["Alert.ReadWrite.All"] }],
  });
  return peer;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface RawClient {
  /** Sends `form` to `/{tenant}/oauth2/v2.0/token` (form-encoded unless `contentType` says). */
  token(tenant: string, form: Record<string, string>, opts?: {
    headers?: Record<string, string>;
    query?: string;
    method?: "GET" | "POST";
    contentType?: string;
  }): Promise<RawResponse>;
  /** Sends `form` to the v1 endpoint `/{tenant}/oauth2/token`. */
  tokenV1(tenant: string, form: Record<string, string>, headers?: Record<string, string>):
    Promise<RawResponse>;
  /** GET without following redirects; `location` is in `headers`. */
  get(path: string): Promise<RawResponse>;
  close(): Promise<void>;
}

export function createRawClient(peer: EntraPeer, tls: TestTls): RawClient {
  const dispatcher = new Agent({ connect: { ca: tls.ca } });
  const send = async (
    path: string,
    init: { method: "GET" | "POST"; headers?: Record<string, string>; body?: string },
  ): Promise<RawResponse> => {
    const res = await request(`${peer.url}${path}`, { ...init, dispatcher });
    const text = await res.body.text();
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
    }
    const body: unknown = text.length > 0 ? JSON.parse(text) : {};
    return { status: res.statusCode, headers, body: body as Record<string, unknown> };
  };

  return {
    token(tenant, form, opts = {}) {
      const method = opts.method ?? "POST";
      const contentType = opts.contentType ?? "application/x-www-form-urlencoded";
      const path = `/${tenant}/oauth2/v2.0/token${opts.query ? `?${opts.query}` : ""}`;
      return send(path, {
        method,
        headers: { "content-type": contentType, ...opts.headers },
        ...(method === "POST" ? { body: new URLSearchParams(form).toString() } : {}),
      });
    },
    tokenV1: (tenant, form, headers = {}) => send(`/${tenant}/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams(form).toString(),
    }),
    get: (path) => send(path, { method: "GET" }),
    close: () => dispatcher.close(),
  };
}

/** The form of a valid client-credentials request for MDE with the secret in the body. */
export function clientCredentialsForm(extra: Record<string, string> = {}): Record<string, string> {
  return {
    client_id: CLIENT_ID,
    client_secret: SECRET,
    scope: MDE_SCOPE,
    grant_type: "client_credentials",
    ...extra,
  };
}

/** `Authorization: Basic` per RFC 6749 §2.3.1 (form-encode each part, then base64). */
export function basicAuth(clientId: string, secret: string): string {
  const encode = (s: string): string => new URLSearchParams({ v: s }).toString().slice(2);
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString("base64")}`;
}

export const REDIRECT_URI = "https://splunk.mssp.example/en-US/app/TA-defender-mssp/onboarding";
export const USER_ADMIN = "admin@contoso.onmicrosoft.com";
export const USER_PLAIN = "analyst@contoso.onmicrosoft.com";

/**
 * Makes the seeded app a delegated client too: a redirect URI, the permissions it asks for
 * (MDE `Alert.Read` delegated and `Alert.Read.All` application; Azure AD Graph `User.Read` for
 * the legacy SIEM audience), an admin and a plain user in tenant A, the admin signed in.
 */
export function enableDelegated(peer: EntraPeer): void {
  peer.updateApp(CLIENT_ID, {
    redirectUris: [REDIRECT_URI],
    requiredResourceAccess: [
      { resource: MDE_RESOURCE, roles: ["Alert.Read.All"], scopes: ["Alert.Read"] },
      { resource: "https://graph.windows.net", scopes: ["User.Read"] },
    ],
  });
  peer.addUser({ tenantId: TENANT_A, upn: USER_ADMIN, displayName: "Contoso Admin", admin: true });
  peer.addUser({ tenantId: TENANT_A, upn: USER_PLAIN, displayName: "Contoso Analyst" });
  peer.signIn(USER_ADMIN);
}

/** PKCE S256: the challenge of a verifier. */
export function challengeOf(verifier: string): string {
  return createHash("sha256").update(verifier).digest("base64url");
}

/** Follows the authorize page once and returns the redirect's query (or throws). */
export async function authorizeCode(client: RawClient, tenant: string, params: Record<string, string>, version: "v1" | "v2" = "v2"):
  Promise<URLSearchParams> {
  const path = version === "v2" ? `/${tenant}/oauth2/v2.0/authorize` : `/${tenant}/oauth2/authorize`;
  const res = await client.get(`${path}?${new URLSearchParams(params).toString()}`);
  const location = res.headers["location"];
  if (res.status !== 302 || location === undefined) {
    throw new Error(`authorize answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return new URL(location).searchParams;
}
