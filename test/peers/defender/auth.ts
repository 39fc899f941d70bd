// Bearer token checks, in the order the service applies them: a valid, unexpired token
// (401), for the MDE resource (403), carrying an alert-read application role (403). The checks
// themselves are shared (../shared/bearer.ts); this file words MDE's answers.

import { checkBearer, rolesOf, type TokenClaims, type VerifyToken } from "../shared/bearer.ts";
import { errorResponse, type PeerResponse } from "./errors.ts";

export type { TokenClaims, VerifyToken };

export const MDE_RESOURCE = "https://api.securitycenter.microsoft.com";
const ALERT_ROLES = ["Alert.Read.All", "Alert.ReadWrite.All"];
// Delegated permissions of the same API (microsoft-apis.md §2 "Permissions").
const DELEGATED_SCOPES = ["Alert.Read", "Alert.ReadWrite"];

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
  const check = await checkBearer(header, { ...deps, roles: ALERT_ROLES, scopes: DELEGATED_SCOPES });
  if (check.ok) return { ok: true, tenantId: check.tenantId, appId: check.appId };

  switch (check.failure) {
    case "missing":
      return unauthorized("Authorization header with a Bearer access token is required.");
    case "invalid":
      return unauthorized("The access token is invalid: its signature, issuer or format was " +
        "rejected.");
    case "expired":
      return unauthorized("The access token has expired. Request a new token.");
    case "audience":
      return forbidden(`The access token was issued for audience ` +
        `'${String(check.claims?.aud)}', but this API requires audience '${deps.audience}' ` +
        `(scope '${deps.audience}/.default').`);
    case "roles":
      return forbidden(`Missing application roles. API required roles: ` +
        `${ALERT_ROLES.join(", ")}. Application roles: ` +
        `${rolesOf(check.claims).join(", ") || "none"}.`);
    case "tenant":
      return unauthorized("The access token has no tenant (tid) claim.");
  }
}
