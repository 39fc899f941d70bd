import type { HttpClient } from "../http/index.ts";
import type { AppCredential } from "./credentials.ts";
import type { IssuedToken } from "./stored-token.ts";
import type { TokenIssuer } from "./token-provider.ts";

/**
 * App-only tokens with the client credentials grant, against the customer tenant's own
 * authority, with @azure/msal-node (msal-client.ts), which is loaded on the first request.
 *
 * @throws AddonError AUTH_INVALID_SECRET, AUTH_SECRET_EXPIRED, AUTH_CERTIFICATE_REJECTED,
 * AUTH_TENANT_NOT_FOUND, AUTH_TENANT_OTHER_CLOUD, AUTH_APP_NOT_IN_TENANT, AUTH_CONSENT_REQUIRED,
 * AUTH_INVALID_SCOPE, AUTH_THROTTLED, AUTH_UNREACHABLE, TLS_UNTRUSTED, AUTH_FAILED
 */
export function createAppOnlyTokenIssuer(deps: {
  credential: AppCredential;
  tenantId: string;
  loginUrl: URL;
  resource: string;
  http: HttpClient;
  nowMs?: () => number;
}): TokenIssuer {
  const scope = `${deps.resource.replace(/\/+$/, "")}/.default`;
  let client: Promise<() => Promise<IssuedToken>> | undefined;
  return {
    scope,
    async issue() {
      client ??= import("./msal-client.ts").then((msal) =>
        msal.createClientCredentialsClient({ ...deps, scope, nowMs: deps.nowMs ?? Date.now }));
      return (await client)();
    },
  };
}
