import { tokenProtocolFor, type Api, type AuthMode } from "../config/index.ts";
import type { HttpClient } from "../http/index.ts";
import type { Logger } from "../log/index.ts";
import type { SplunkdClient } from "../splunkd/index.ts";
import { credentialFingerprint, loadCredential, SECRET_REALM } from "./credentials.ts";
import { createLeaseStore } from "./lease.ts";
import { createSecretStore } from "./secret-store.ts";
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
 * calls Entra ID; the first `getToken()` does.
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
  },
  guard: (fingerprint: string) => void | Promise<void> = () => undefined,
): Promise<TokenProvider> {
  const secrets = createSecretStore({ splunkd: deps.splunkd, realm: SECRET_REALM, nowMs: deps.nowMs });
  const credential = await loadCredential(deps.splunkd, secrets, input, deps.nowMs());
  await guard(credentialFingerprint(credential));
  return createTokenProvider({
    credential,
    tenantId: input.tenantId,
    loginUrl: input.loginUrl,
    resource: input.apiResource,
    http: deps.http,
    protocol: tokenProtocolFor(input.api),
    delegated: {
      secrets,
      leases: createLeaseStore({ splunkd: deps.splunkd, nowMs: deps.nowMs, sleep: deps.sleep }),
      nowMs: deps.nowMs,
      ...(deps.logger !== undefined ? { logger: deps.logger } : {}),
    },
  });
}
