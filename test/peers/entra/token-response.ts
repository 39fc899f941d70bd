// Success bodies of the two token endpoints (microsoft-apis.md §4): v2 answers numbers as
// numbers and names a `scope`; v1 answers them as strings and adds `expires_on`, `not_before`
// and `resource`. ID tokens and `client_info` follow the v2 (or v1) shape.
import { createHash, randomBytes } from "node:crypto";

import { ACCESS_TOKEN_LIFETIME_S, type AccessTokenClaims, type TokenSigner } from "./access-token.ts";
import type { User } from "./directory.ts";
import type { Protocol } from "./user-grants.ts";

/** Seconds the response advertises: one less than the token's lifetime, as Entra answers. */
export const EXPIRES_IN_S = ACCESS_TOKEN_LIFETIME_S - 1;

export interface TokenParts {
  protocol: Protocol;
  claims: AccessTokenClaims;
  /** v2 `scope` text (granted scopes, resource-qualified, plus OIDC scopes). */
  scope?: string;
  refreshToken?: string;
  idToken?: string;
  clientInfo?: string;
}

export function tokenResponseBody(signer: TokenSigner, parts: TokenParts): Record<string, unknown> {
  const accessToken = signer.sign(parts.claims);
  const extra = {
    ...(parts.refreshToken !== undefined ? { refresh_token: parts.refreshToken } : {}),
    ...(parts.idToken !== undefined ? { id_token: parts.idToken } : {}),
    ...(parts.clientInfo !== undefined ? { client_info: parts.clientInfo } : {}),
  };
  if (parts.protocol === "v2") {
    return {
      token_type: "Bearer",
      ...(parts.scope !== undefined ? { scope: parts.scope } : {}),
      expires_in: EXPIRES_IN_S,
      ext_expires_in: EXPIRES_IN_S,
      access_token: accessToken,
      ...extra,
    };
  }
  // v1 historically sends the numbers as strings (microsoft-apis.md §1 "Auth", §4).
  const issued = parts.claims.iat;
  return {
    token_type: "Bearer",
    ...(parts.claims.scp !== undefined ? { scope: parts.claims.scp } : {}),
    expires_in: String(EXPIRES_IN_S),
    ext_expires_in: String(EXPIRES_IN_S),
    expires_on: String(issued + EXPIRES_IN_S),
    not_before: String(issued),
    resource: parts.claims.aud,
    access_token: accessToken,
    ...extra,
  };
}

/** An ID token for `user` and the client, v2 (`iss` on the peer) or v1 (`sts.windows.net`). */
export function idToken(signer: TokenSigner, input: {
  protocol: Protocol;
  origin: string;
  tenantId: string;
  clientId: string;
  user: User;
  nowMs: number;
}): string {
  const iat = Math.floor(input.nowMs / 1000);
  const sub = createHash("sha256").update(`${input.user.oid}|${input.clientId}|id`)
    .digest("base64url");
  const common = {
    aud: input.clientId, iat, nbf: iat, exp: iat + ACCESS_TOKEN_LIFETIME_S,
    name: input.user.displayName, oid: input.user.oid, sub, tid: input.tenantId,
  };
  if (input.protocol === "v2") {
    return signer.signJwt({
      ...common, iss: `${input.origin}/${input.tenantId}/v2.0`,
      preferred_username: input.user.upn, uti: randomBytes(16).toString("base64url"), ver: "2.0",
    });
  }
  return signer.signJwt({
    ...common, iss: `https://sts.windows.net/${input.tenantId}/`, amr: ["pwd", "mfa"],
    unique_name: input.user.upn, upn: input.user.upn, ver: "1.0",
  });
}

/** `client_info`: base64url JSON `{"uid":"<oid>","utid":"<tid>"}` (MSAL asks with client_info=1). */
export function clientInfo(user: User): string {
  return Buffer.from(JSON.stringify({ uid: user.oid, utid: user.tenantId })).toString("base64url");
}
