// The v2 OpenID Connect discovery document, field for field as the real one
// (../shared/reference/microsoft-apis.md §4 "OpenID metadata fields"), on the peer's own origin.
import type { Authority } from "./authority.ts";

/** The tenant id of the Microsoft-account directory that `consumers` stands for. */
export const CONSUMERS_TENANT_ID = "9188040d-6c67-4c5b-b112-36a304b66dad";

/** Served with the document, as the real service does. */
export const METADATA_CACHE_CONTROL = "max-age=86400, private";

/** The `{tenant}` that goes into endpoint URLs and the v2 issuer of an authority. */
function names(authority: Authority): { path: string; issuerTenant: string } {
  if (authority.kind === "tenant") {
    return { path: authority.tenantId, issuerTenant: authority.tenantId };
  }
  if (authority.segment === "consumers") {
    return { path: "consumers", issuerTenant: CONSUMERS_TENANT_ID };
  }
  return { path: authority.segment, issuerTenant: "{tenantid}" };
}

/** The v2 issuer, `https://<peer>/{tid}/v2.0` (the real host is login.microsoftonline.com). */
export function v2Issuer(origin: string, tenant: string): string {
  return `${origin}/${tenant}/v2.0`;
}

export function openIdConfiguration(origin: string, authority: Authority): Record<string, unknown> {
  const { path, issuerTenant } = names(authority);
  const base = `${origin}/${path}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: [
      "client_secret_post", "private_key_jwt", "client_secret_basic",
    ],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: v2Issuer(origin, issuerTenant),
    request_uri_parameter_supported: false,
    userinfo_endpoint: "https://graph.microsoft.com/oidc/userinfo",
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: [
      "sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name",
      "msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username",
      "name", "tid", "ver", "at_hash", "c_hash", "email",
    ],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: authority.kind === "tenant" ? "NA" : null,
    cloud_instance_name: "microsoftonline.com",
    cloud_graph_host_name: "graph.windows.net",
    msgraph_host: "graph.microsoft.com",
    rbac_url: "https://pas.windows.net",
  };
}
