import { APP_ID, USER_AGENT } from "../app-info.ts";
import {
  createDeferredHttpClient,
  createHttpClient,
  describeProxy,
  type HttpClient,
  planProxy,
  splunkCaFile,
  trustedCas,
} from "../http/index.ts";
import { createLogger, type Logger } from "../log/index.ts";
import type { InputDefinition } from "../protocol/index.ts";
import {
  createPasswordStore,
  createSplunkdClient,
  type PasswordStore,
  type SplunkdClient,
} from "../splunkd/index.ts";
import { readNetworkSettings } from "../settings/index.ts";

/** Everything a run talks to, built once per process from splunkd's document. */
export interface Environment {
  splunkd: SplunkdClient;
  passwords: PasswordStore;
  /** Microsoft's login and API hosts, through the proxy of the settings or the environment. */
  http: HttpClient;
  /**
   * Reads the network settings and builds `http` now rather than on its first call, so a bad
   * setting fails with its own code before any tenant's work.
   *
   * @throws AddonError SETTINGS_INVALID, SPLUNKD_*
   */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export function createEnvironment(
  definition: InputDefinition,
  nowMs: () => number,
  logger: Logger = createLogger(),
): Environment {
  // splunkd's management port is on this host; its default certificate is signed by splunkd's
  // own CA and names no host, so loopback connections check the chain but not the name.
  const splunkdHttp = createHttpClient({
    ca: trustedCas(splunkCaFile()),
    relaxLoopbackNames: true,
    userAgent: USER_AGENT,
    timeoutMs: 30_000,
    unreachableCode: "SPLUNKD_UNREACHABLE",
  });
  const splunkd = createSplunkdClient({
    http: splunkdHttp,
    serverUri: definition.serverUri,
    sessionKey: definition.sessionKey,
    app: APP_ID,
  });
  const passwords = createPasswordStore(splunkd);
  const microsoftHttp = createDeferredHttpClient(() =>
    createMicrosoftHttp(splunkd, passwords, process.env, logger),
  );
  return {
    splunkd,
    passwords,
    http: microsoftHttp,
    ready: () => microsoftHttp.ready(),
    async close() {
      await Promise.all([splunkdHttp.close(), microsoftHttp.close()]);
    },
  };
}

/**
 * The client for Microsoft's hosts, from the add-on's settings: their proxy when enabled, else
 * the proxy environment variables (NO_PROXY honoured either way), and the custom CA bundle on
 * top of the default roots. splunkd's client above never uses a proxy.
 */
async function createMicrosoftHttp(
  splunkd: SplunkdClient,
  passwords: PasswordStore,
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<HttpClient> {
  const settings = await readNetworkSettings(splunkd, passwords);
  const plan = planProxy(settings.proxy, env);
  logger.info("network configured", {
    proxy: plan.proxy === undefined ? "none" : describeProxy(plan.proxy),
    proxy_source: plan.variable ?? plan.source,
    proxy_type: plan.proxy?.protocol.slice(0, -1),
    proxy_auth: plan.proxy === undefined ? undefined : plan.proxy.username === undefined ? "none" : "basic",
    ca_bundle_certs: settings.extraCas.length,
  });
  return createHttpClient({
    ca: trustedCas([], settings.extraCas),
    userAgent: USER_AGENT,
    timeoutMs: 60_000,
    unreachableCode: "API_UNREACHABLE",
    proxy: plan,
  });
}
