import type { TokenProtocol } from "../config/index.ts";
import type { HttpClient } from "../http/index.ts";
import type { Logger } from "../log/index.ts";
import type { Secret } from "../log/secret.ts";
import { createAppOnlyTokenIssuer } from "./app-only-token-provider.ts";
import type { Credential } from "./credentials.ts";
import { createDelegatedTokenIssuer } from "./delegated-token-provider.ts";
import type { LeaseStore } from "./lease.ts";
import type { SecretStore } from "./secret-store.ts";
import type { IssuedToken, StoredToken } from "./stored-token.ts";

/** Gets access tokens for one customer tenant and one API. */
export interface TokenProvider {
  /** A valid access token, renewed shortly before expiry. */
  getToken(): Promise<Secret>;
  /**
   * Forgets the token in use, and its stored copy: the API refused it (HTTP 401), so the next
   * getToken() asks Entra ID for a new one.
   */
  discard(): Promise<void>;
  /** The scope (or v1 resource) tokens are requested for, for error messages (not a secret). */
  readonly scope: string;
}

/** A credential's own way of asking Entra ID for a new token. */
export interface TokenIssuer {
  issue(): Promise<IssuedToken>;
  readonly scope: string;
}

/** A token this close to expiry is renewed before use: a page read with it must not outlive it. */
export const RENEW_BEFORE_MS = 5 * 60_000;

/**
 * The token provider of a credential: client credentials (secret or certificate, MSAL) for
 * app-only inputs, the rotating refresh token for delegated ones. Delegated providers need the
 * secret store and leases; `protocol` picks their token endpoint version.
 *
 * A token is used until five minutes before it expires. With `stored`, the token is also kept
 * between runs (stored-token.ts): a run first tries the one an earlier run stored, and stores
 * each new one.
 *
 * @throws AddonError as createAppOnlyTokenIssuer / createDelegatedTokenIssuer
 */
export function createTokenProvider(deps: {
  credential: Credential;
  tenantId: string;
  loginUrl: URL;
  resource: string;
  http: HttpClient;
  protocol?: TokenProtocol;
  delegated?: { secrets: SecretStore; leases: LeaseStore; nowMs: () => number; logger?: Logger };
  stored?: StoredToken;
  nowMs?: () => number;
}): TokenProvider {
  const { credential } = deps;
  const nowMs = deps.nowMs ?? Date.now;
  let issuer: TokenIssuer;
  if (credential.kind !== "refresh_token") {
    issuer = createAppOnlyTokenIssuer({ ...deps, credential, nowMs });
  } else {
    if (deps.delegated === undefined) {
      throw new Error("createTokenProvider: a delegated credential needs the secret store and leases");
    }
    issuer = createDelegatedTokenIssuer({
      credential, tenantId: deps.tenantId, loginUrl: deps.loginUrl, resource: deps.resource,
      protocol: deps.protocol ?? "v2", http: deps.http, ...deps.delegated,
    });
  }

  let current: IssuedToken | undefined;
  // One renewal at a time: callers that need a token meanwhile wait for the same one.
  let renewing: Promise<IssuedToken> | undefined;
  // The stored token is looked at once per run, before the first request to Entra ID.
  let storedUnread = deps.stored !== undefined;
  const usable = (token: IssuedToken | undefined): token is IssuedToken =>
    token !== undefined && token.expiresAtMs - nowMs() >= RENEW_BEFORE_MS;
  const renew = async (): Promise<IssuedToken> => {
    if (storedUnread) {
      storedUnread = false;
      const stored = await deps.stored?.read();
      if (usable(stored)) return stored;
    }
    const issued = await issuer.issue();
    await deps.stored?.write(issued);
    return issued;
  };

  return {
    scope: issuer.scope,
    async getToken() {
      if (usable(current)) return current.accessToken;
      renewing ??= renew().finally(() => {
        renewing = undefined;
      });
      current = await renewing;
      return current.accessToken;
    },
    async discard() {
      current = undefined;
      storedUnread = false;
      await deps.stored?.clear();
    },
  };
}
