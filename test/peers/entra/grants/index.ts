import { clientCredentialsGrant } from "./client-credentials.ts";
import type { GrantHandler } from "./grant.ts";

export type { GrantContext, GrantHandler, TokenSuccess } from "./grant.ts";

/**
 * The grant types the v2 token endpoint accepts, by `grant_type`. Any other value is answered
 * with `unsupported_grant_type` (AADSTS70003).
 */
export const GRANTS: Readonly<Record<string, GrantHandler>> = {
  client_credentials: clientCredentialsGrant,
};
