import { defaultScope, type TokenProtocol } from "../config/index.ts";

/** `<login base>/<tenant>`, the authority of one tenant (no trailing slash). */
export function authorityUrl(loginUrl: URL, tenant: string): string {
  return `${loginUrl.href.replace(/\/+$/, "")}/${encodeURIComponent(tenant)}`;
}

/** The token endpoint of a tenant: `/oauth2/v2.0/token` (v2) or `/oauth2/token` (v1). */
export function tokenEndpoint(loginUrl: URL, tenant: string, protocol: TokenProtocol): string {
  return `${authorityUrl(loginUrl, tenant)}/oauth2/${protocol === "v2" ? "v2.0/" : ""}token`;
}

/** The authorize endpoint of a tenant, v2 or v1 (microsoft-apis.md §4 "Endpoints"). */
export function authorizeEndpoint(loginUrl: URL, tenant: string, protocol: TokenProtocol): string {
  return `${authorityUrl(loginUrl, tenant)}/oauth2/${protocol === "v2" ? "v2.0/" : ""}authorize`;
}

/** The admin consent endpoint: `/{tenant}/adminconsent` (v1) or `/{tenant}/v2.0/adminconsent`. */
export function adminConsentEndpoint(loginUrl: URL, tenant: string, protocol: TokenProtocol): string {
  return `${authorityUrl(loginUrl, tenant)}/${protocol === "v2" ? "v2.0/" : ""}adminconsent`;
}

/** The v2 scopes of a delegated request: the resource's `.default` and a refresh token. */
export function delegatedScope(resource: string): string {
  return `${defaultScope(resource)} offline_access openid profile`;
}
