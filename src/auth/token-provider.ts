import type { TokenProtocol } from "../config/index.ts";
import type { HttpClient } from "../http/index.ts";
import type { Logger } from "../log/index.ts";
import type { Secret } from "../log/secret.ts";
import { createAppOnlyTokenProvider } from "./app-only-token-provider.ts";
import type { Credential } from "./credentials.ts";
import { createDelegatedTokenProvider } from "./delegated-token-provider.ts";
import type { LeaseStore } from "./lease.ts";
import type { SecretStore } from "./secret-store.ts";

/** Gets access tokens for one customer tenant and one API. */
export interface TokenProvider {
  /** A valid access token, renewed shortly before expiry. */
  getToken(): Promise<Secret>;
  /** The scope (or v1 resource) tokens are requested for, for error messages (not a secret). */
  readonly scope: string;
}

/**
 * The token provider of a credential: client credentials (secret or certificate, MSAL) for
 * app-only inputs, the rotating refresh token for delegated ones. Delegated providers need the
 * secret store and leases; `protocol` picks their token endpoint version.
 *
 * @throws AddonError as createAppOnlyTokenProvider / createDelegatedTokenProvider
 */
export function createTokenProvider(deps: {
  credential: Credential;
  tenantId: string;
  loginUrl: URL;
  resource: string;
  http: HttpClient;
  protocol?: TokenProtocol;
  delegated?: { secrets: SecretStore; leases: LeaseStore; nowMs: () => number; logger?: Logger };
}): TokenProvider {
  const { credential } = deps;
  if (credential.kind !== "refresh_token") return createAppOnlyTokenProvider({ ...deps, credential });
  if (deps.delegated === undefined) {
    throw new Error("createTokenProvider: a delegated credential needs the secret store and leases");
  }
  return createDelegatedTokenProvider({
    credential, tenantId: deps.tenantId, loginUrl: deps.loginUrl, resource: deps.resource,
    protocol: deps.protocol ?? "v2", http: deps.http, ...deps.delegated,
  });
}
