// grant_type=refresh_token (microsoft-apis.md §4 "Refresh token grant"): every use returns a
// new refresh token; the old one keeps working unless the tenant's policy says otherwise; 90
// days without use expire it (700082); revocation (50173), Conditional Access sign-in frequency
// (70043) and withdrawn consent (65001) refuse it.
import { aadsts } from "../aadsts.ts";
import { authenticateClient } from "../client-auth.ts";
import { findResource, type NamedResource } from "../resources.ts";
import { grantedScopes, issueUserTokens, readDelegatedScope } from "./delegated.ts";
import type { GrantHandler } from "./grant.ts";

/** MaxInactiveTime, the one fixed refresh token lifetime rule left (microsoft-apis.md §4). */
export const REFRESH_TOKEN_INACTIVITY_MS = 90 * 86_400_000;

/** `d.hh:mm:ss`, the way ESTS writes durations in its messages. */
function duration(ms: number): string {
  const total = Math.floor(ms / 1000);
  const pad = (n: number): string => String(n).padStart(2, "0");
  const days = Math.floor(total / 86_400);
  return `${days}.${pad(Math.floor(total / 3600) % 24)}:${pad(Math.floor(total / 60) % 60)}:` +
    pad(total % 60);
}

export const refreshTokenGrant: GrantHandler = (ctx) => {
  if (ctx.authority.kind === "alias") throw aadsts.noTenantInformation();
  const authority = ctx.authority;
  const client = authenticateClient(ctx.directory, authority, ctx.client, ctx.nowMs,
    ctx.endpointUrl);

  const value = ctx.form.get("refresh_token");
  if (!value) throw aadsts.missingParameter("refresh_token");
  const rt = ctx.codes.findRefreshToken(value);
  if (rt === undefined) throw aadsts.refreshTokenMalformed();
  if (rt.clientId.toLowerCase() !== client.app.clientId.toLowerCase() ||
    rt.tenantId !== authority.tenantId) {
    throw aadsts.grantInvalid("The refresh token was issued to another client or tenant.");
  }
  const issued = new Date(rt.issuedAt).toISOString();
  if (rt.revoked) throw aadsts.refreshTokenRevoked();
  if (rt.invalidated) throw aadsts.refreshTokenUsed(issued);
  const inactive = ctx.nowMs - rt.lastActivityAt;
  if (inactive >= REFRESH_TOKEN_INACTIVITY_MS) {
    throw aadsts.refreshTokenInactive(issued, duration(inactive));
  }
  const tenant = ctx.directory.findTenant(authority.tenantId);
  const frequency = tenant?.policy.signInFrequencyMs;
  if (frequency !== undefined && ctx.nowMs - rt.authTime >= frequency) {
    throw aadsts.signInFrequency(new Date(rt.authTime).toISOString(), duration(frequency));
  }

  // RTs are bound to user and client, not to a resource: any consented resource may be asked.
  let resource: NamedResource | undefined;
  let oidc = new Set<string>(["offline_access"]);
  if (ctx.protocol === "v2") {
    const scope = ctx.form.get("scope");
    if (scope !== undefined) {
      const asked = readDelegatedScope(scope, authority.name);
      resource = asked.resource;
      oidc = asked.oidc;
    }
  } else {
    const asked = ctx.form.get("resource");
    if (asked !== undefined) {
      resource = findResource(asked);
      if (resource === undefined) throw aadsts.resourceNotFound(asked, authority.name);
    }
  }
  resource ??= findResource(rt.resource);
  if (resource === undefined) throw aadsts.resourceNotFound(rt.resource, authority.name);

  const user = ctx.directory.findUser(rt.userOid);
  if (user === undefined) throw aadsts.refreshTokenRevoked();
  const scopes = grantedScopes(client, resource);

  rt.redeemed += 1;
  rt.lastActivityAt = ctx.nowMs;
  if (tenant?.policy.invalidateUsedRefreshTokens === true) rt.invalidated = true;
  // Rotation: the response always carries a new refresh token.
  oidc.add("offline_access");
  return issueUserTokens(ctx, {
    tenantId: authority.tenantId, client, user, resource, scopes, oidc,
    authTime: rt.authTime, clientInfoRequested: ctx.form.get("client_info") === "1",
  });
};
