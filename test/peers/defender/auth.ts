// Bearer token checks, in the order the service applies them: a valid, unexpired token
// (401), for the MDE resource (403), carrying an alert-read application role (403).

import { errorResponse, type PeerResponse } from "./errors.ts";

/** The claims the peer needs from a verified access token (seconds for `exp`). */
export interface TokenClaims {
  aud: string;
  tid: string;
  roles?: string[];
  appid?: string;
  azp?: string;
  exp: number;
}

/** Verifies signature and issuer and returns the claims, or throws. May be async. */
export type VerifyToken = (token: string) => TokenClaims | Promise<TokenClaims>;

export const MDE_RESOURCE = "https://api.securitycenter.microsoft.com";
const ALERT_ROLES = ["Alert.Read.All", "Alert.ReadWrite.All"];

export type AuthOutcome =
  | { ok: true; tenantId: string; appId: string }
  | { ok: false; response: PeerResponse };

// Assumption: the message texts below are ours; the real service's wording is undocumented.
// `WWW-Authenticate: Bearer` on 401 follows RFC 6750.
const unauthorized = (message: string): AuthOutcome => ({
  ok: false,
  response: errorResponse(401, message, "Unauthorized", { "www-authenticate": "Bearer" }),
});
const forbidden = (message: string): AuthOutcome => ({
  ok: false,
  response: errorResponse(403, message, "Forbidden"),
});

export async function authenticate(
  header: string | undefined,
  deps: { verifyToken: VerifyToken; audience: string; nowMs: number },
): Promise<AuthOutcome> {
  const match = /^Bearer +(\S+)$/i.exec(header ?? "");
  if (!match?.[1]) {
    return unauthorized("Authorization header with a Bearer access token is required.");
  }

  let claims: TokenClaims;
  try {
    claims = await deps.verifyToken(match[1]);
  } catch {
    return unauthorized("The access token is invalid: its signature, issuer or format was " +
      "rejected.");
  }
  if (typeof claims.exp !== "number" || claims.exp * 1000 <= deps.nowMs) {
    return unauthorized("The access token has expired. Request a new token.");
  }
  // Assumption: the audience must equal the configured resource exactly; the resource's app
  // id (fc780465-...) or a trailing slash is refused.
  if (claims.aud !== deps.audience) {
    return forbidden(`The access token was issued for audience '${String(claims.aud)}', but ` +
      `this API requires audience '${deps.audience}' (scope '${deps.audience}/.default').`);
  }
  const roles = Array.isArray(claims.roles) ? claims.roles : [];
  if (!roles.some((role) => ALERT_ROLES.includes(role))) {
    return forbidden(`Missing application roles. API required roles: ` +
      `${ALERT_ROLES.join(", ")}. Application roles: ${roles.join(", ") || "none"}.`);
  }
  if (typeof claims.tid !== "string" || claims.tid === "") {
    return unauthorized("The access token has no tenant (tid) claim.");
  }

  // Assumption: the quota's "app" is the token's `appid` (v1 tokens), or `azp` (v2 tokens).
  return { ok: true, tenantId: claims.tid, appId: claims.appid ?? claims.azp ?? "unknown" };
}
