import { ConfidentialClientApplication, LogLevel } from "@azure/msal-node";

import { AddonError } from "../errors.ts";
import type { HttpClient } from "../http/index.ts";
import { Secret } from "../log/secret.ts";
import type { AppCredential } from "./credentials.ts";
import { mapAuthError } from "./entra-errors.ts";
import { authorityUrl } from "./entra-urls.ts";
import { createMsalNetworkClient } from "./network-client.ts";
import type { TokenProvider } from "./token-provider.ts";

/**
 * App-only tokens with the client credentials grant, against the customer tenant's own
 * authority (`<login host>/<tenant id>`), with @azure/msal-node. A certificate credential is a
 * PS256 client assertion with `x5t#S256`, which MSAL builds from `thumbprintSha256`.
 *
 * @throws AddonError AUTH_INVALID_SECRET, AUTH_SECRET_EXPIRED, AUTH_CERTIFICATE_REJECTED,
 * AUTH_TENANT_NOT_FOUND, AUTH_TENANT_OTHER_CLOUD, AUTH_APP_NOT_IN_TENANT, AUTH_CONSENT_REQUIRED,
 * AUTH_INVALID_SCOPE, AUTH_THROTTLED, AUTH_UNREACHABLE, TLS_UNTRUSTED, AUTH_FAILED
 */
export function createAppOnlyTokenProvider(deps: {
  credential: AppCredential;
  tenantId: string;
  loginUrl: URL;
  resource: string;
  http: HttpClient;
}): TokenProvider {
  const { credential, tenantId, loginUrl } = deps;
  const scope = `${deps.resource.replace(/\/+$/, "")}/.default`;
  const network = createMsalNetworkClient(deps.http);
  const authority = authorityUrl(loginUrl, tenantId);

  const app = new ConfidentialClientApplication({
    auth: {
      clientId: credential.clientId,
      authority,
      ...(credential.kind === "client_secret"
        ? { clientSecret: credential.secret.reveal() }
        : {
          clientCertificate: {
            thumbprintSha256: credential.thumbprintSha256,
            privateKey: credential.privateKey.reveal(),
            x5c: credential.certificatePem,
          },
        }),
      // Known Microsoft login hosts are in MSAL's own metadata; any other host (a sovereign
      // cloud's proxy, the stand-in) must be declared so MSAL skips instance discovery.
      knownAuthorities: [loginUrl.host],
      // Entra's endpoints follow one documented template, so the metadata document is not
      // fetched on every run (one call fewer per tenant per interval).
      authorityMetadata: JSON.stringify(authorityMetadata(authority)),
    },
    system: {
      networkClient: network,
      // MSAL's own logging can include personal data; the add-on logs the outcome instead.
      loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => {} },
    },
  });

  return {
    scope,
    async getToken() {
      try {
        const result = await app.acquireTokenByClientCredential({ scopes: [scope] });
        if (result === null || result.accessToken === "") {
          throw new AddonError("AUTH_FAILED", `Entra ID returned no token for tenant ${tenantId}`, {
            tenant_id: tenantId,
          });
        }
        return new Secret(result.accessToken);
      } catch (error) {
        throw mapAuthError(error, tenantId, scope, network.lastTransportError(), network.lastRefusal());
      }
    },
  };
}

/** The OpenID metadata MSAL needs, from Entra's documented endpoint template. */
function authorityMetadata(root: string): Record<string, string> {
  return {
    token_endpoint: `${root}/oauth2/v2.0/token`,
    authorization_endpoint: `${root}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${root}/oauth2/v2.0/logout`,
    issuer: `${root}/v2.0`,
    jwks_uri: `${root}/discovery/v2.0/keys`,
  };
}
