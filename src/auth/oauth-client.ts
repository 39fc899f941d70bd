import { randomUUID } from "node:crypto";

import type { TokenProtocol } from "../config/index.ts";
import { AddonError } from "../errors.ts";
import type { HttpClient } from "../http/index.ts";
import { Secret } from "../log/secret.ts";
import { createClientAssertion } from "./client-assertion.ts";
import type { AppCredential } from "./credentials.ts";
import { readRefusal, refusalError, transportError, type GrantKind } from "./entra-errors.ts";
import { delegatedScope, tokenEndpoint } from "./entra-urls.ts";

/** What a delegated token call yields; the tokens stay wrapped in Secret. */
export interface DelegatedTokens {
  accessToken: Secret;
  /** The rotated refresh token (Entra sends one with every answer; absent means keep the old). */
  refreshToken: Secret | undefined;
  expiresAtMs: number;
  /** From the ID token, when Entra sent one: who signed in, in which tenant. */
  tenantId: string | undefined;
  userName: string | undefined;
}

/** The authorization code and refresh token grants for one tenant, one resource. */
export interface OAuthClient {
  readonly tokenEndpoint: string;
  redeemCode(input: { code: Secret; redirectUri: string; codeVerifier: Secret }): Promise<DelegatedTokens>;
  refresh(refreshToken: Secret): Promise<DelegatedTokens>;
}

const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/**
 * Speaks the token endpoint itself for the delegated flows, v2 or v1. MSAL is not used here:
 * it speaks v2 only (the legacy SIEM audience follows Microsoft's MSSP guide on v1 with
 * `resource=`), and it exposes a rotated refresh token only through its cache. Each endpoint
 * gets only the parameters it accepts: v2 `scope`, v1 `resource` (v2 refuses `resource` with
 * AADSTS901002).
 *
 * @throws AddonError mapped from the AADSTS number (entra-errors.ts), AUTH_UNREACHABLE,
 * TLS_UNTRUSTED, AUTH_FAILED (an answer that is not a token).
 */
export function createOAuthClient(deps: {
  http: HttpClient;
  loginUrl: URL;
  tenantId: string;
  protocol: TokenProtocol;
  resource: string;
  app: AppCredential;
  nowMs: () => number;
}): OAuthClient {
  const endpoint = tokenEndpoint(deps.loginUrl, deps.tenantId, deps.protocol);
  const audience = deps.protocol === "v2" ? `scope ${deps.resource}/.default` : `resource ${deps.resource}`;

  const clientAuth = (): Record<string, string> => {
    if (deps.app.kind === "client_secret") return { client_secret: deps.app.secret.reveal() };
    return {
      client_assertion_type: JWT_BEARER,
      client_assertion: createClientAssertion({
        clientId: deps.app.clientId, tokenEndpoint: endpoint, privateKey: deps.app.privateKey,
        thumbprintSha256: deps.app.thumbprintSha256, nowMs: deps.nowMs(),
      }),
    };
  };
  const audienceParam = (): Record<string, string> =>
    deps.protocol === "v2" ? { scope: delegatedScope(deps.resource) } : { resource: deps.resource };

  const post = async (grant: GrantKind, form: Record<string, string>): Promise<DelegatedTokens> => {
    const requestId = randomUUID();
    let res;
    try {
      res = await deps.http.send({
        method: "POST",
        url: new URL(endpoint),
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
          "client-request-id": requestId,
          "return-client-request-id": "true",
        },
        body: new URLSearchParams({ client_id: deps.app.clientId, ...form, ...clientAuth() }).toString(),
      });
    } catch (error) {
      if (error instanceof AddonError) throw transportError(error, deps.tenantId);
      throw error;
    }
    const body = parseJson(res.body);
    if (res.status !== 200) {
      throw refusalError(readRefusal(res.status, body, res.headers),
        { tenantId: deps.tenantId, audience, grant });
    }
    return readTokens(body, deps.tenantId, deps.nowMs());
  };

  return {
    tokenEndpoint: endpoint,
    redeemCode: ({ code, redirectUri, codeVerifier }) =>
      post("authorization_code", {
        grant_type: "authorization_code",
        code: code.reveal(),
        redirect_uri: redirectUri,
        code_verifier: codeVerifier.reveal(),
        ...audienceParam(),
      }),
    refresh: (refreshToken) =>
      post("refresh_token", {
        grant_type: "refresh_token",
        refresh_token: refreshToken.reveal(),
        ...audienceParam(),
      }),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function readTokens(body: unknown, tenantId: string, nowMs: number): DelegatedTokens {
  const fields = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const accessToken = fields["access_token"];
  if (typeof accessToken !== "string" || accessToken === "") {
    throw new AddonError("AUTH_FAILED",
      `Entra ID answered the token request for tenant ${tenantId} without an access token`,
      { tenant_id: tenantId });
  }
  const refresh = fields["refresh_token"];
  // v1 sends the numbers as strings (microsoft-apis.md §4).
  const expiresIn = Number(fields["expires_in"]);
  const claims = idTokenClaims(fields["id_token"]);
  return {
    accessToken: new Secret(accessToken),
    refreshToken: typeof refresh === "string" && refresh !== "" ? new Secret(refresh) : undefined,
    expiresAtMs: nowMs + (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3599) * 1000,
    tenantId: typeof claims["tid"] === "string" ? claims["tid"] : undefined,
    userName: [claims["preferred_username"], claims["upn"], claims["unique_name"]]
      .find((v): v is string => typeof v === "string"),
  };
}

// The ID token is meant for the client: its claims say who signed in and where. It came from
// the tenant's token endpoint over TLS, so its payload is read without checking the signature.
function idTokenClaims(token: unknown): Record<string, unknown> {
  if (typeof token !== "string") return {};
  const payload = token.split(".")[1];
  if (payload === undefined) return {};
  const value = parseJson(Buffer.from(payload, "base64url").toString("utf8"));
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}
