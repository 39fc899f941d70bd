// What the delegated grants share: reading a v2 `scope` into one resource and its delegated
// permissions, and minting the user's token set (access, refresh, ID token, client_info).
import { userTokenClaims } from "../access-token.ts";
import { aadsts } from "../aadsts.ts";
import type { AuthenticatedClient } from "../client-auth.ts";
import type { User } from "../directory.ts";
import {
  OIDC_SCOPES, defaultScopeResource, findResource, scopeResource, splitScope,
  type NamedResource,
} from "../resources.ts";
import { clientInfo, idToken, tokenResponseBody } from "../token-response.ts";
import type { GrantContext, TokenSuccess } from "./grant.ts";

/** A v2 scope parameter, read: the one resource it names (if any) and the OIDC scopes. */
export interface DelegatedScope {
  resource?: NamedResource;
  /** Permission names asked for (`Alert.Read`), or "default" for `<resource>/.default`. */
  permissions: string[] | "default";
  oidc: Set<string>;
}

/**
 * Reads a v2 `scope` for a user flow. Throws AADSTS700022 (several resources) or 500011
 * (unknown resource, as `directory` words it).
 */
export function readDelegatedScope(scope: string, directory: string): DelegatedScope {
  const oidc = new Set<string>();
  const items: string[] = [];
  for (const item of splitScope(scope)) {
    if (OIDC_SCOPES.has(item.toLowerCase())) oidc.add(item.toLowerCase());
    else items.push(item);
  }
  if (items.length === 0) return { permissions: [], oidc };
  if (new Set(items.map((i) => scopeResource(i))).size > 1) throw aadsts.severalResources(scope);

  const first = items[0] ?? "";
  const resourceText = defaultScopeResource(first) ?? scopeResource(first);
  const resource = findResource(resourceText);
  if (resource === undefined) throw aadsts.resourceNotFound(resourceText, directory);
  if (items.some((i) => defaultScopeResource(i) !== undefined)) {
    return { resource, permissions: "default", oidc };
  }
  const permissions = items.map((i) => i.slice(i.lastIndexOf("/") + 1));
  return { resource, permissions, oidc };
}

/** The v2 `scope` text of a response: the granted permissions, resource-qualified. */
function scopeText(resource: NamedResource, scopes: readonly string[], oidc: Set<string>): string {
  const granted = scopes.map((s) => `${resource.identifier}/${s}`);
  const extra = ["openid", "profile", "email", "offline_access"].filter((s) => oidc.has(s));
  return [...granted, ...extra].join(" ");
}

/** Issues the user's tokens for `resource`; a refresh token on v1, or with `offline_access`. */
export function issueUserTokens(ctx: GrantContext, input: {
  tenantId: string;
  client: AuthenticatedClient;
  user: User;
  resource: NamedResource;
  scopes: readonly string[];
  oidc: Set<string>;
  authTime: number;
  clientInfoRequested: boolean;
}): TokenSuccess {
  const { tenantId, client, user, resource } = input;
  const claims = userTokenClaims({
    tenantId, clientId: client.app.clientId, user, audience: resource.identifier,
    scopes: input.scopes, appidacr: client.appidacr, nowMs: ctx.nowMs,
  });
  const wantsRefresh = ctx.protocol === "v1" || input.oidc.has("offline_access");
  const refreshToken = wantsRefresh
    ? ctx.codes.issueRefreshToken({
      protocol: ctx.protocol, clientId: client.app.clientId, tenantId, userOid: user.oid,
      resource: resource.identifier, authTime: input.authTime, issuedAt: ctx.nowMs,
    })
    : undefined;
  const wantsIdToken = input.oidc.has("openid");
  return {
    tenantId,
    body: tokenResponseBody(ctx.signer, {
      protocol: ctx.protocol,
      claims,
      scope: scopeText(resource, input.scopes, input.oidc),
      ...(refreshToken !== undefined ? { refreshToken } : {}),
      ...(wantsIdToken ? {
        idToken: idToken(ctx.signer, {
          protocol: ctx.protocol, origin: ctx.origin, tenantId, clientId: client.app.clientId,
          user, nowMs: ctx.nowMs,
        }),
      } : {}),
      ...(input.clientInfoRequested ? { clientInfo: clientInfo(user) } : {}),
    }),
  };
}

/** The delegated permissions granted on `resource` in the tenant, or AADSTS65001. */
export function grantedScopes(
  client: AuthenticatedClient,
  resource: NamedResource,
): readonly string[] {
  const granted = client.principal.scopes.get(resource.app.appId) ?? [];
  if (granted.length === 0) throw aadsts.consentMissing(client.app.clientId, client.app.displayName);
  return granted;
}
