// The add-on's conf files through `configs/conf-<file>`: accounts (the MSSP's app
// registrations), network settings, and app.conf's `[install] is_configured`.
import { confText, entriesOf, type Splunkd } from "./splunkd.ts";

export const ACCOUNT_CONF = "ta_defender_mssp_account";
export const SETTINGS_CONF = "ta_defender_mssp_settings";

export interface Account {
  name: string;
  clientId: string;
  credentialType: "client_secret" | "certificate";
  /** The cloud of the app registration: the default of its tenants. */
  cloud: string;
  loginUrl: string;
}

export interface ProxySettings {
  enabled: boolean;
  type: "http" | "https";
  url: string;
  port: string;
  username: string;
}

export async function readAccounts(splunkd: Splunkd): Promise<Account[]> {
  const envelope = await splunkd.get(`configs/conf-${ACCOUNT_CONF}`);
  return entriesOf<Record<string, unknown>>(envelope).map((entry) => ({
    name: entry.name,
    clientId: confText(entry.content["client_id"]),
    credentialType: entry.content["credential_type"] === "certificate" ? "certificate" : "client_secret",
    cloud: confText(entry.content["cloud"]) || "commercial",
    loginUrl: confText(entry.content["login_url"]),
  }));
}

/** Writes keys of a stanza, creating it when it does not exist yet. */
export async function writeStanza(splunkd: Splunkd, file: string, stanza: string, keys: Record<string, string>): Promise<void> {
  const created = await splunkd.postForm(`configs/conf-${file}`, { name: stanza, ...keys }, [409]);
  if (created.status === 409) await splunkd.postForm(`configs/conf-${file}/${encodeURIComponent(stanza)}`, keys);
}

export async function readProxy(splunkd: Splunkd): Promise<ProxySettings> {
  const envelope = await splunkd.get(`configs/conf-${SETTINGS_CONF}/proxy`);
  const content = entriesOf<Record<string, unknown>>(envelope)[0]?.content ?? {};
  const text = (key: string) => confText(content[key]);
  return {
    enabled: ["1", "true", "yes"].includes(text("proxy_enabled").toLowerCase()),
    type: text("proxy_type") === "https" ? "https" : "http",
    url: text("proxy_url"),
    port: text("proxy_port"),
    username: text("proxy_username"),
  };
}

export async function writeProxy(splunkd: Splunkd, proxy: ProxySettings): Promise<void> {
  await writeStanza(splunkd, SETTINGS_CONF, "proxy", {
    proxy_enabled: proxy.enabled ? "1" : "0",
    proxy_type: proxy.type,
    proxy_url: proxy.url.trim(),
    proxy_port: proxy.port.trim(),
    proxy_username: proxy.username.trim(),
  });
}

export async function isConfigured(splunkd: Splunkd): Promise<boolean> {
  const envelope = await splunkd.get("configs/conf-app/install");
  const value = confText(entriesOf<Record<string, unknown>>(envelope)[0]?.content["is_configured"]);
  return ["1", "true"].includes(value.toLowerCase());
}

/**
 * Marks the app set up, so Splunk Web opens its home view instead of this page, and has splunkd
 * re-read the app's configuration (as Splunk's setup page examples do).
 */
export async function markConfigured(splunkd: Splunkd, app: string): Promise<void> {
  await splunkd.postForm("configs/conf-app/install", { is_configured: "true" });
  await splunkd.postForm(`apps/local/${encodeURIComponent(app)}/_reload`, {});
}
