import { tokenProtocolFor, type Api, type AuthMode } from "../config/index.ts";
import type { HttpClient } from "../http/index.ts";
import type { Logger } from "../log/index.ts";
import type { SplunkdClient } from "../splunkd/index.ts";
import {
  appCredentialOf, credentialFingerprint, loadCredential, SECRET_REALM, secretNames,
} from "./credentials.ts";
import { createLeaseStore } from "./lease.ts";
import { createSecretStore } from "./secret-store.ts";
import { createStoredToken, tokenBinding } from "./stored-token.ts";
import { createTokenProvider, type TokenProvider } from "./token-provider.ts";

/** What a run knows about its tenant, from the input's stanza. */
export interface TenantAccess {
  inputName: string;
  tenantId: string;
  account: string;
  authMode: AuthMode;
  api: Api;
  loginUrl: URL;
  apiResource: string;
}

/**
 * A run's token provider: loads the input's credential (app-only: the account's secret or
 * certificate; delegated: also the input's refresh token), lets `guard` refuse it (a tenant
 * backed off after a dead credential, see src/health), then builds the provider. Nothing here
 * calls Entra ID; the first `getToken()` does. With `keepToken`, tokens are kept between runs
 * under `input/<input>/access_token` (stored-token.ts); a connection test leaves it off, so it
 * always proves the credential with Entra ID.
 *
 * @throws AddonError from loadCredential, or whatever `guard` throws
 */
export async function openTokenProvider(
  input: TenantAccess,
  deps: {
    splunkd: SplunkdClient;
    http: HttpClient;
    nowMs: () => number;
    sleep: (ms: number) => Promise<void>;
    logger?: Logger;
    keepToken?: boolean;
  },
  guard: (fingerprint: string) => void | Promise<void> = () => undefined,
): Promise<TokenProvider> {
  const secrets = createSecretStore({ splunkd: deps.splunkd, realm: SECRET_REALM, nowMs: deps.nowMs });
  const credential = await loadCredential(deps.splunkd, secrets, input, deps.nowMs());
  await guard(credentialFingerprint(credential));
  const protocol = tokenProtocolFor(input.api);
  const stored = deps.keepToken === true
    ? createStoredToken({
      secrets,
      name: secretNames.accessToken(input.inputName),
      binding: tokenBinding({
        tenantId: input.tenantId,
        loginUrl: input.loginUrl,
        scope: `${input.authMode} ${protocol} ${input.apiResource}`,
        // The app's credential only: a delegated input's refresh token changes on every renewal.
        credential: credentialFingerprint(appCredentialOf(credential)),
      }),
      ...(deps.logger !== undefined ? { logger: deps.logger } : {}),
    })
    : undefined;
  return createTokenProvider({
    credential,
    tenantId: input.tenantId,
    loginUrl: input.loginUrl,
    resource: input.apiResource,
    http: deps.http,
    protocol,
    nowMs: deps.nowMs,
    ...(stored !== undefined ? { stored } : {}),
    delegated: {
      secrets,
      leases: createLeaseStore({ splunkd: deps.splunkd, nowMs: deps.nowMs, sleep: deps.sleep }),
      nowMs: deps.nowMs,
      ...(deps.logger !== undefined ? { logger: deps.logger } : {}),
    },
  });
}
