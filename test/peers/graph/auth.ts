// Bearer token checks for Graph: a valid, unexpired token for the Graph resource (401
// InvalidAuthenticationToken), carrying a security-alert application role (403). The checks
// are shared (../shared/bearer.ts); this file words Graph's answers.

import { checkBearer, rolesOf, type VerifyToken } from "../shared/bearer.ts";
import type { PeerResponse } from "../shared/peer-server.ts";
import { graphError, type GraphRequestIds } from "./errors.ts";

export const GRAPH_RESOURCE = "https://graph.microsoft.com";
/** security-list-alerts_v2-permissions.md: least privileged first. */
export const ALERT_ROLES = ["SecurityAlert.Read.All", "SecurityAlert.ReadWrite.All"];
// Delegated permissions of the same API (microsoft-apis.md §3 "Permissions").
const DELEGATED_SCOPES = ["SecurityAlert.Read.All", "SecurityAlert.ReadWrite.All"];

// Assumption: Graph's 401 challenge names the common authority and Graph's own app id.
const CHALLENGE = 'Bearer realm="", authorization_uri=' +
  '"https://login.microsoftonline.com/common/oauth2/authorize", ' +
  'client_id="00000003-0000-0000-c000-000000000000"';

export type GraphAuthOutcome =
  | { ok: true; tenantId: string; appId: string }
  | { ok: false; response: PeerResponse };

export interface GraphAuthDeps {
  verifyToken: VerifyToken;
  audience: string;
  nowMs: number;
  ids: GraphRequestIds;
}

/**
 * Checks the `Authorization` header. Assumption: the messages below are Graph's usual wording;
 * a token for another audience is refused with 401 (Graph validates the audience as part of
 * the token), a missing role with 403 `Forbidden`.
 */
export async function authenticateGraph(header: string | undefined, deps: GraphAuthDeps):
  Promise<GraphAuthOutcome> {
  const check = await checkBearer(header, { verifyToken: deps.verifyToken,
    audience: deps.audience, roles: ALERT_ROLES, scopes: DELEGATED_SCOPES, nowMs: deps.nowMs });
  if (check.ok) return { ok: true, tenantId: check.tenantId, appId: check.appId };

  const unauthorized = (message: string): GraphAuthOutcome => ({ ok: false,
    response: graphError(401, message, deps.ids, "InvalidAuthenticationToken",
      { "www-authenticate": CHALLENGE }) });
  switch (check.failure) {
    case "missing":
      return unauthorized("Access token is empty.");
    case "invalid":
      return unauthorized("Access token validation failure. Invalid signature or format.");
    case "expired":
      return unauthorized("Access token has expired or is not yet valid.");
    case "audience":
      return unauthorized(`Access token validation failure. Invalid audience: the token is ` +
        `for '${String(check.claims?.aud)}'; this API requires '${deps.audience}' (scope ` +
        `'${deps.audience}/.default').`);
    case "tenant":
      return unauthorized("Access token validation failure. The token has no tenant (tid).");
    case "roles":
      return { ok: false, response: graphError(403, `Missing application roles. API required ` +
        `roles: ${ALERT_ROLES.join(", ")}. Application roles: ` +
        `${rolesOf(check.claims).join(", ") || "none"}.`, deps.ids, "Forbidden") };
  }
}
