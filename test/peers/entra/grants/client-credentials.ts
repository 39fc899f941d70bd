// grant_type=client_credentials (microsoft-apis.md §4 "Client credentials"): a confidential
// client, its own tenant in the URL, and exactly one `<resource>/.default` scope (v2) or one
// `resource` (v1).
import { appTokenClaims } from "../access-token.ts";
import { aadsts } from "../aadsts.ts";
import { authenticateClient } from "../client-auth.ts";
import {
  OIDC_SCOPES, defaultScopeResource, findResource, scopeResource, splitScope,
  type NamedResource,
} from "../resources.ts";
import { tokenResponseBody } from "../token-response.ts";
import type { GrantHandler } from "./grant.ts";

/** The one resource app a scope item names, or its raw resource part when unknown. */
function resourceKey(item: string): string {
  const resource = scopeResource(item);
  return findResource(resource)?.app.appId ?? resource;
}

/**
 * Checks a client-credentials `scope`. Throws AADSTS900144 (missing), 700022 (several
 * resources), 70011 (not a resource scope, or several scopes), 1002012 (not `.default`) or
 * 500011 (unknown resource, as `directory` words it).
 */
function readDefaultScope(scope: string | undefined, directory: string): NamedResource {
  const items = splitScope(scope ?? "");
  if (scope === undefined || items.length === 0) throw aadsts.missingParameter("scope");
  if (items.length > 1) {
    const resources = new Set(items.map(resourceKey));
    throw resources.size > 1 ? aadsts.severalResources(scope) : aadsts.invalidScope(scope);
  }

  const item = items[0] ?? "";
  const resource = defaultScopeResource(item);
  if (resource === undefined) {
    const looksLikeResourceScope = !OIDC_SCOPES.has(item.toLowerCase()) && item.includes("/");
    throw looksLikeResourceScope ? aadsts.scopeNotDefault(scope) : aadsts.invalidScope(scope);
  }
  const named = findResource(resource);
  if (named === undefined) throw aadsts.resourceNotFound(resource, directory);
  return named;
}

/** The v1 `resource` parameter: required, and a known resource. */
export function readV1Resource(value: string | undefined, directory: string): NamedResource {
  if (value === undefined || value === "") throw aadsts.missingParameter("resource");
  const named = findResource(value);
  if (named === undefined) throw aadsts.resourceNotFound(value, directory);
  return named;
}

/**
 * Issues an app-only access token for the consented app. The token's `aud` is the identifier
 * URI the scope (or v1 resource) named and `roles` are the roles granted on that resource.
 */
export const clientCredentialsGrant: GrantHandler = (ctx) => {
  if (ctx.authority.kind === "alias") throw aadsts.noTenantInformation();
  const authority = ctx.authority;

  const { app, principal, appidacr } = authenticateClient(
    ctx.directory, authority, ctx.client, ctx.nowMs, ctx.endpointUrl);
  const resource = ctx.protocol === "v2"
    ? readDefaultScope(ctx.form.get("scope"), authority.name)
    : readV1Resource(ctx.form.get("resource"), authority.name);

  const claims = appTokenClaims({
    tenantId: authority.tenantId,
    clientId: app.clientId,
    objectId: principal.objectId,
    audience: resource.identifier,
    roles: principal.roles.get(resource.app.appId) ?? [],
    nowMs: ctx.nowMs,
    appidacr,
  });
  // Client credentials never return a refresh token (microsoft-apis.md §4 "Refresh token").
  return {
    tenantId: authority.tenantId,
    body: tokenResponseBody(ctx.signer, { protocol: ctx.protocol, claims }),
  };
};
