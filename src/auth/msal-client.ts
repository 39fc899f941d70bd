// Everything of the add-on that touches @azure/msal-node. It is loaded on the first token a run
// asks Entra ID for (app-only-token-provider.ts), not at start: a run that has a stored token
// (stored-token.ts) never evaluates MSAL, which is about a tenth of a run's start-up CPU.
import { AuthError, ConfidentialClientApplication, LogLevel } from "@azure/msal-node";

import { AddonError } from "../errors.ts";
import type { HttpClient } from "../http/index.ts";
import { Secret } from "../log/secret.ts";
import type { AppCredential } from "./credentials.ts";
import { refusalError, transportError, type EntraRefusal } from "./entra-errors.ts";
import { authorityUrl } from "./entra-urls.ts";
import { createMsalNetworkClient } from "./network-client.ts";
import type { IssuedToken } from "./stored-token.ts";

/**
 * Client credentials against the customer tenant's own authority (`<login host>/<tenant id>`).
 * A certificate credential is a PS256 client assertion with `x5t#S256`, which MSAL builds from
 * `thumbprintSha256`. Returns the function that asks for a token.
 */
export function createClientCredentialsClient(deps: {
  credential: AppCredential;
  tenantId: string;
  loginUrl: URL;
  scope: string;
  http: HttpClient;
  nowMs: () => number;
}): () => Promise<IssuedToken> {
  const { credential, tenantId, loginUrl, scope } = deps;
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

  return async () => {
    try {
      // The token provider keeps tokens (token-provider.ts) and asks for one only when it needs a
      // new one, a refused one included: MSAL's own cache would hand that one back.
      const result = await app.acquireTokenByClientCredential({ scopes: [scope], skipCache: true });
      if (result === null || result.accessToken === "") {
        throw new AddonError("AUTH_FAILED", `Entra ID returned no token for tenant ${tenantId}`, {
          tenant_id: tenantId,
        });
      }
      // MSAL dates the expiry by the system clock; the lifetime is what counts. MSAL always sets
      // it for a token it returns; an hour is Entra's usual lifetime.
      const lifetimeMs = result.expiresOn === null ? 3_600_000 : result.expiresOn.getTime() - Date.now();
      const expiresAtMs = deps.nowMs() + lifetimeMs;
      return { accessToken: new Secret(result.accessToken), expiresAtMs };
    } catch (error) {
      throw mapAuthError(error, tenantId, scope, network.lastTransportError(), network.lastRefusal());
    }
  };
}

/** Maps an MSAL failure (client credentials) to an AddonError; exported for the table test. */
export function mapAuthError(
  error: unknown,
  tenantId: string,
  scope: string,
  transport: AddonError | undefined,
  refusal?: EntraRefusal,
): AddonError {
  if (error instanceof AddonError) return error;
  if (transport !== undefined) return transportError(transport, tenantId, error);
  if (!(error instanceof AuthError)) {
    const text = error instanceof Error ? error.message : String(error);
    return new AddonError("AUTH_FAILED", `Token request for tenant ${tenantId} failed: ${text}`, {
      tenant_id: tenantId,
    }, error);
  }
  // MSAL keeps the AADSTS number on server errors; for some client-side errors (its own
  // throttling cache) it drops the body, so the refusal the network client saw is used instead.
  const own = aadstsNumber(error);
  const aadsts = own ?? refusal?.aadsts;
  const status = (error as { status?: unknown }).status ?? refusal?.status;
  const summary =
    own === undefined && refusal !== undefined && refusal.description !== ""
      ? refusal.description
      : (error.errorMessage.split(/\r?\n/)[0] ?? error.errorCode);
  return refusalError(
    {
      status: typeof status === "number" ? status : 0,
      error: refusal?.error ?? error.errorCode,
      aadsts,
      description: summary,
      ...(error.correlationId ? { correlationId: error.correlationId } : {}),
      ...(refusal?.traceId !== undefined ? { traceId: refusal.traceId } : {}),
      ...(refusal?.retryAfterSeconds !== undefined ? { retryAfterSeconds: refusal.retryAfterSeconds } : {}),
    },
    { tenantId, audience: `scope ${scope}`, grant: "client_credentials" },
    error,
  );
}

function aadstsNumber(error: AuthError): string | undefined {
  const errorNo = (error as { errorNo?: unknown }).errorNo;
  if (typeof errorNo === "string" || typeof errorNo === "number") return String(errorNo);
  return /AADSTS(\d+)/.exec(error.errorMessage)?.[1];
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
