import { readFileSync } from "node:fs";
import { isAbsolute } from "node:path";
import { X509Certificate } from "node:crypto";
import { isIP } from "node:net";

import { APP_ID } from "../app-info.ts";
import { AddonError } from "../errors.ts";
import type { ProxyEndpoint } from "../http/index.ts";
import type { Secret } from "../log/secret.ts";
import { type PasswordStore, readConfStanzas, type SplunkdClient } from "../splunkd/index.ts";

/** The add-on's settings file (`default/` and `local/`), one stanza per tab of the setup page. */
export const SETTINGS_CONF = "ta_defender_mssp_settings";
/** Where the proxy password lives: storage/passwords, never a conf file. */
export const PROXY_PASSWORD_REALM = APP_ID;
export const PROXY_PASSWORD_USER = "settings/proxy/password";

/** What the add-on's settings say about the network path to Microsoft. */
export interface NetworkSettings {
  /** The proxy of the [proxy] stanza when `proxy_enabled` is true, else undefined. */
  proxy: ProxyEndpoint | undefined;
  /** PEM certificates of [tls] `ca_bundle_path`, trusted in addition to the default roots. */
  extraCas: string[];
}

/**
 * Reads [proxy] and [tls] of ta_defender_mssp_settings.conf through splunkd, and the proxy
 * password from storage/passwords when a proxy user is set.
 *
 * @throws AddonError SETTINGS_INVALID; SPLUNKD_* when splunkd cannot be read.
 */
export async function readNetworkSettings(
  splunkd: SplunkdClient,
  passwords: PasswordStore,
): Promise<NetworkSettings> {
  const stanzas = await readConfStanzas(splunkd, SETTINGS_CONF);
  const proxyStanza = stanzas.get("proxy") ?? {};
  const tlsStanza = stanzas.get("tls") ?? {};
  const wantsPassword =
    parseBoolean(proxyStanza["proxy_enabled"], "proxy_enabled") &&
    (proxyStanza["proxy_username"] ?? "").trim() !== "";
  const password = wantsPassword
    ? await passwords.read(PROXY_PASSWORD_REALM, PROXY_PASSWORD_USER)
    : undefined;
  return {
    proxy: parseProxySettings(proxyStanza, password),
    extraCas: parseCaBundle(tlsStanza["ca_bundle_path"] ?? ""),
  };
}

/**
 * The [proxy] stanza as UCC's proxy tab writes it: `proxy_enabled`, `proxy_type` (http or
 * https), `proxy_url` (a host; a pasted `http://host:port` is accepted), `proxy_port`,
 * `proxy_username`. Undefined when the proxy is not enabled.
 *
 * @throws AddonError SETTINGS_INVALID, naming the setting; never with a password in it.
 */
export function parseProxySettings(
  stanza: Record<string, string>,
  password: Secret | undefined,
): ProxyEndpoint | undefined {
  if (!parseBoolean(stanza["proxy_enabled"], "proxy_enabled")) return undefined;

  const type = (stanza["proxy_type"] ?? "").trim().toLowerCase() || "http";
  if (type !== "http" && type !== "https") {
    throw invalid("proxy_type", `proxy_type = ${type} is not supported: use http or https`);
  }
  const { hostname, port: urlPort, protocol } = parseProxyHost(stanza["proxy_url"] ?? "");
  if (protocol !== undefined && protocol !== `${type}:`) {
    throw invalid("proxy_url", `proxy_url starts with ${protocol}// but proxy_type is ${type}`);
  }
  const port = parsePort(stanza["proxy_port"] ?? "", urlPort);
  const username = (stanza["proxy_username"] ?? "").trim();
  if (username !== "" && password === undefined) {
    throw invalid(
      "proxy_username",
      `proxy_username is set but no proxy password is stored in storage/passwords ` +
        `(realm ${PROXY_PASSWORD_REALM}, user ${PROXY_PASSWORD_USER})`,
    );
  }
  return {
    protocol: `${type}:`,
    hostname,
    port,
    ...(username === "" ? {} : { username, password }),
  };
}

/**
 * The custom CA bundle: `ca_bundle_path` names an absolute PEM file or holds the PEM text
 * itself. Each certificate in it is checked here, so a broken bundle fails with its own
 * message rather than as an untrusted server later.
 *
 * @throws AddonError SETTINGS_INVALID
 */
export function parseCaBundle(
  value: string,
  readFile: (path: string) => string = (path) => readFileSync(path, "utf8"),
): string[] {
  const trimmed = value.trim();
  if (trimmed === "") return [];
  const inline = trimmed.includes("-----BEGIN");
  let pem: string;
  if (inline) {
    // A conf value cannot hold line breaks, so a pasted bundle may carry literal "\n".
    pem = trimmed.replace(/\\n/g, "\n");
  } else {
    if (!isAbsolute(trimmed)) {
      throw invalid("ca_bundle_path", `ca_bundle_path = ${trimmed} is not an absolute path`);
    }
    try {
      pem = readFile(trimmed);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      throw invalid("ca_bundle_path", `ca_bundle_path = ${trimmed} cannot be read (${String(code ?? error)})`);
    }
  }

  const where = inline ? "the PEM text in ca_bundle_path" : `ca_bundle_path = ${trimmed}`;
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw invalid("ca_bundle_path", `${where} holds no PEM certificate`);
  return blocks.map((block, index) => {
    try {
      new X509Certificate(block);
      return `${block}\n`;
    } catch {
      throw invalid("ca_bundle_path", `certificate ${index + 1} of ${where} is not a valid certificate`);
    }
  });
}

/** Splunk's booleans: 1/0, true/false, yes/no, t/f, y/n, on/off; empty is false. */
function parseBoolean(value: string | undefined, setting: string): boolean {
  const text = (value ?? "").trim().toLowerCase();
  if (["1", "true", "t", "yes", "y", "on"].includes(text)) return true;
  if (["", "0", "false", "f", "no", "n", "off"].includes(text)) return false;
  throw invalid(setting, `${setting} = ${text} is not a boolean (use 1 or 0)`);
}

function parseProxyHost(raw: string): { hostname: string; port?: number; protocol?: string } {
  const text = raw.trim();
  if (text === "") throw invalid("proxy_url", "proxy_enabled is set but proxy_url is empty");
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  // A bare IPv6 address needs brackets before it can be read as a URL's host.
  const host = !hasScheme && isIP(text) === 6 ? `[${text}]` : text;
  let url: URL;
  try {
    url = new URL(hasScheme ? host : `http://${host}`);
  } catch {
    throw invalid("proxy_url", `proxy_url = ${safeText(text)} is not a host name or address`);
  }
  if (url.username !== "" || url.password !== "") {
    // Never echoed: the value holds a password.
    throw invalid("proxy_url", "proxy_url must not hold credentials: use proxy_username and store " +
      `the password in storage/passwords (user ${PROXY_PASSWORD_USER})`);
  }
  if ((url.pathname !== "/" && url.pathname !== "") || url.search !== "" || url.hash !== "") {
    throw invalid("proxy_url", `proxy_url = ${safeText(text)} must be a host, without a path`);
  }
  if (hasScheme && url.protocol !== "http:" && url.protocol !== "https:") {
    throw invalid("proxy_url", `proxy_url = ${safeText(text)}: only http and https proxies are supported`);
  }
  return {
    hostname: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    ...(url.port === "" ? {} : { port: Number(url.port) }),
    ...(hasScheme ? { protocol: url.protocol } : {}),
  };
}

function parsePort(raw: string, fromUrl: number | undefined): number {
  const text = raw.trim();
  if (text === "") {
    if (fromUrl !== undefined) return fromUrl;
    throw invalid("proxy_port", "proxy_port is required when the proxy is enabled");
  }
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65_535)) {
    throw invalid("proxy_port", `proxy_port = ${text} is not a port number (1-65535)`);
  }
  if (fromUrl !== undefined && fromUrl !== port) {
    throw invalid("proxy_port", `proxy_port = ${port} differs from the port in proxy_url (${fromUrl})`);
  }
  return port;
}

// A value that failed to parse may be anything: show its shape, not a possible secret in it.
function safeText(text: string): string {
  return text.includes("@") ? "(a value with @ in it)" : text;
}

function invalid(setting: string, message: string): AddonError {
  return new AddonError("SETTINGS_INVALID", `Invalid add-on setting: ${message}`, {
    setting: setting === "ca_bundle_path" ? `[tls] ${setting}` : `[proxy] ${setting}`,
  });
}
