import type { TokenProtocol } from "../config/index.ts";
import { AddonError } from "../errors.ts";
import type { HttpClient } from "../http/index.ts";
import type { Logger } from "../log/index.ts";
import { secretNames, type DelegatedCredential } from "./credentials.ts";
import type { LeaseStore } from "./lease.ts";
import { createOAuthClient, type DelegatedTokens } from "./oauth-client.ts";
import type { SecretStore } from "./secret-store.ts";
import type { TokenIssuer } from "./token-provider.ts";

/**
 * Access tokens from a customer user's refresh token, which Entra rotates on every use.
 *
 * Under the input's lease (so two runs never redeem and save in a crossed order): read the
 * newest saved refresh token, redeem it, save the rotated one, and only then return the access
 * token. A crash before the save leaves the previous token saved, which Entra keeps valid
 * (microsoft-apis.md §4: old refresh tokens are not revoked on use); a crash during the save
 * leaves the previous or the new token whole (SecretStore). Either way the next run redeems a
 * token that works.
 *
 * @throws AddonError REFRESH_TOKEN_NOT_FOUND, AUTH_LEASE_BUSY, AUTH_TENANT_MISMATCH and the
 * Entra refusals of entra-errors.ts (AUTH_REFRESH_TOKEN_EXPIRED, ..._REVOKED, AUTH_SIGN_IN_
 * REQUIRED, AUTH_CONSENT_REQUIRED, ...)
 */
export function createDelegatedTokenIssuer(deps: {
  credential: DelegatedCredential;
  tenantId: string;
  loginUrl: URL;
  resource: string;
  protocol: TokenProtocol;
  http: HttpClient;
  secrets: SecretStore;
  leases: LeaseStore;
  nowMs: () => number;
  logger?: Logger;
}): TokenIssuer {
  const name = secretNames.refreshToken(deps.credential.input);
  const client = createOAuthClient({
    http: deps.http, loginUrl: deps.loginUrl, tenantId: deps.tenantId, protocol: deps.protocol,
    resource: deps.resource, app: deps.credential.app, nowMs: deps.nowMs,
  });
  // Entra asked to wait: a retry inside the run fails here without calling it again.
  let throttled: { untilMs: number; error: AddonError } | undefined;

  const renew = async (): Promise<DelegatedTokens> => {
    const lease = await deps.leases.acquire(`refresh_token/${deps.credential.input}`);
    try {
      // Read under the lease: the token another run saved a moment ago is the one to use.
      const refreshToken = await deps.secrets.read(name);
      if (refreshToken === undefined) {
        throw new AddonError("REFRESH_TOKEN_NOT_FOUND",
          `Input '${deps.credential.input}' has no refresh token for tenant ${deps.tenantId}`,
          { tenant_id: deps.tenantId });
      }
      const tokens = await client.refresh(refreshToken);
      // Save the rotated token before anything relies on the new access token.
      if (tokens.refreshToken !== undefined) await deps.secrets.write(name, tokens.refreshToken);
      deps.logger?.debug("refresh token rotated", {
        rotated: tokens.refreshToken !== undefined, protocol: deps.protocol,
      });
      if (tokens.tenantId !== undefined && tokens.tenantId.toLowerCase() !== deps.tenantId) {
        throw new AddonError("AUTH_TENANT_MISMATCH",
          `The refresh token of input '${deps.credential.input}' signs in to tenant ` +
          `${tokens.tenantId}, not ${deps.tenantId}`, { tenant_id: deps.tenantId });
      }
      return tokens;
    } finally {
      await lease.release();
    }
  };

  return {
    scope: deps.protocol === "v2" ? `${deps.resource}/.default` : deps.resource,
    async issue() {
      if (throttled !== undefined && deps.nowMs() < throttled.untilMs) throw throttled.error;
      try {
        const tokens = await renew();
        return { accessToken: tokens.accessToken, expiresAtMs: tokens.expiresAtMs };
      } catch (error) {
        if (error instanceof AddonError && error.code === "AUTH_THROTTLED") {
          const seconds = typeof error.details["retry_after"] === "number" ? error.details["retry_after"] : 60;
          throttled = { untilMs: deps.nowMs() + seconds * 1000, error };
        }
        throw error;
      }
    },
  };
}
