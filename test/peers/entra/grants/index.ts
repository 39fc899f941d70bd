import { authorizationCodeGrant } from "./authorization-code.ts";
import { clientCredentialsGrant } from "./client-credentials.ts";
import type { GrantHandler } from "./grant.ts";
import { refreshTokenGrant } from "./refresh-token.ts";

export type { GrantContext, GrantHandler, TokenSuccess } from "./grant.ts";
export { CODE_LIFETIME_MS } from "./authorization-code.ts";
export { REFRESH_TOKEN_INACTIVITY_MS } from "./refresh-token.ts";

/**
 * The grant types both token endpoints accept, by `grant_type`. Any other value is answered
 * with `unsupported_grant_type` (AADSTS70003).
 */
export const GRANTS: Readonly<Record<string, GrantHandler>> = {
  client_credentials: clientCredentialsGrant,
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
};
