import { AuthError, ConfidentialClientApplication, LogLevel } from "@azure/msal-node";

import { AddonError, type ErrorCode } from "../errors.ts";
import type { HttpClient } from "../http/index.ts";
import { Secret } from "../log/secret.ts";
import { createMsalNetworkClient, type EntraRefusal } from "./network-client.ts";

/** Gets access tokens for one customer tenant and one API. */
export interface TokenProvider {
  /** A valid access token; cached until shortly before expiry by MSAL. */
  getToken(): Promise<Secret>;
  /** The scope tokens are requested for, for error messages (not a secret). */
  readonly scope: string;
}

/** How the add-on authenticates for a tenant. Certificates and refresh tokens come with #3. */
export type Credential = { kind: "client_secret"; clientId: string; secret: Secret };

/**
 * App-only tokens with the client credentials grant, against the customer tenant's own
 * authority (`<login host>/<tenant id>`), with @azure/msal-node.
 *
 * @throws AddonError AUTH_INVALID_SECRET, AUTH_SECRET_EXPIRED, AUTH_TENANT_NOT_FOUND,
 * AUTH_APP_NOT_IN_TENANT, AUTH_INVALID_SCOPE, AUTH_THROTTLED, AUTH_UNREACHABLE, TLS_UNTRUSTED,
 * AUTH_FAILED
 */
export function createTokenProvider(deps: {
  credential: Credential;
  tenantId: string;
  loginUrl: URL;
  resource: string;
  http: HttpClient;
}): TokenProvider {
  const { credential, tenantId, loginUrl } = deps;
  const scope = `${deps.resource}/.default`;
  const network = createMsalNetworkClient(deps.http);
  const authorityBase = loginUrl.href.replace(/\/+$/, "");

  const app = new ConfidentialClientApplication({
    auth: {
      clientId: credential.clientId,
      authority: `${authorityBase}/${tenantId}`,
      clientSecret: credential.secret.reveal(),
      // Known Microsoft login hosts are in MSAL's own metadata; any other host (a sovereign
      // cloud's proxy, the stand-in) must be declared so MSAL skips instance discovery.
      knownAuthorities: [loginUrl.host],
      // Entra's endpoints follow one documented template, so the metadata document is not
      // fetched on every run (one call fewer per tenant per interval).
      authorityMetadata: JSON.stringify(authorityMetadata(authorityBase, tenantId)),
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

// AADSTS numbers from reference-error-codes (microsoft-apis.md §4), mapped to permanent codes.
const AADSTS_CODES: Record<string, ErrorCode> = {
  "7000215": "AUTH_INVALID_SECRET",
  "7000222": "AUTH_SECRET_EXPIRED",
  "7000218": "AUTH_INVALID_SECRET",
  "90002": "AUTH_TENANT_NOT_FOUND",
  "90038": "AUTH_TENANT_NOT_FOUND",
  "700016": "AUTH_APP_NOT_IN_TENANT",
  "7000112": "AUTH_APP_NOT_IN_TENANT",
  "500011": "AUTH_INVALID_SCOPE",
  "70011": "AUTH_INVALID_SCOPE",
  "700022": "AUTH_INVALID_SCOPE",
  "1002012": "AUTH_INVALID_SCOPE",
  "90055": "AUTH_THROTTLED",
  "50196": "AUTH_THROTTLED",
};

/** Maps an MSAL failure to an AddonError; exported for the table-driven test. */
export function mapAuthError(
  error: unknown,
  tenantId: string,
  scope: string,
  transport: AddonError | undefined,
  refusal?: EntraRefusal,
): AddonError {
  if (error instanceof AddonError) return error;
  if (transport !== undefined) {
    const code = transport.code === "TLS_UNTRUSTED" ? "TLS_UNTRUSTED" : "AUTH_UNREACHABLE";
    return new AddonError(code, `Token request for tenant ${tenantId} failed: ${transport.message}`,
      { ...transport.details, tenant_id: tenantId }, error);
  }
  if (!(error instanceof AuthError)) {
    const text = error instanceof Error ? error.message : String(error);
    return new AddonError("AUTH_FAILED", `Token request for tenant ${tenantId} failed: ${text}`, {
      tenant_id: tenantId,
    }, error);
  }
  // MSAL keeps the AADSTS number on server errors; for some client-side errors it drops the
  // body, so the refusal the network client saw is used instead.
  const aadsts = aadstsNumber(error) ?? refusal?.aadsts;
  const status = (error as { status?: unknown }).status ?? refusal?.status;
  const code =
    (aadsts === undefined ? undefined : AADSTS_CODES[aadsts]) ??
    (status === 429 ? "AUTH_THROTTLED" : "AUTH_FAILED");
  const summary =
    aadstsNumber(error) === undefined && refusal !== undefined && refusal.description !== ""
      ? refusal.description
      : (error.errorMessage.split(/\r?\n/)[0] ?? error.errorCode);
  return new AddonError(
    code,
    `Entra ID refused a token for tenant ${tenantId} (scope ${scope}): ${summary}`,
    {
      tenant_id: tenantId,
      aadsts: aadsts === undefined ? undefined : `AADSTS${aadsts}`,
      oauth_error: refusal?.error ?? error.errorCode,
      correlation_id: error.correlationId || undefined,
    },
    error,
  );
}

function aadstsNumber(error: AuthError): string | undefined {
  const errorNo = (error as { errorNo?: unknown }).errorNo;
  if (typeof errorNo === "string" || typeof errorNo === "number") return String(errorNo);
  return /AADSTS(\d+)/.exec(error.errorMessage)?.[1];
}

/** The OpenID metadata MSAL needs, from Entra's documented endpoint template. */
function authorityMetadata(base: string, tenantId: string): Record<string, string> {
  const root = `${base}/${tenantId}`;
  return {
    token_endpoint: `${root}/oauth2/v2.0/token`,
    authorization_endpoint: `${root}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${root}/oauth2/v2.0/logout`,
    issuer: `${root}/v2.0`,
    jwks_uri: `${root}/discovery/v2.0/keys`,
  };
}
