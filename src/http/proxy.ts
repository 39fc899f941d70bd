import { BlockList, isIP } from "node:net";

import { AddonError } from "../errors.ts";
import { Secret } from "../log/secret.ts";

/** An HTTP or HTTPS proxy. Its credentials never become part of a URL or a message. */
export interface ProxyEndpoint {
  /** `https:` means TLS to the proxy itself, then a CONNECT tunnel inside it. */
  protocol: "http:" | "https:";
  /** A host name or an IP address; IPv6 without brackets. */
  hostname: string;
  port: number;
  username?: string | undefined;
  password?: Secret | undefined;
}

/** Which proxy the Microsoft calls use, and which hosts skip it. */
export interface ProxyPlan {
  /** `settings`: the add-on's [proxy] stanza; `environment`: HTTPS_PROXY or HTTP_PROXY. */
  source: "settings" | "environment" | "none";
  proxy: ProxyEndpoint | undefined;
  /** The variable the proxy came from, for messages (`https_proxy`, `HTTP_PROXY`, …). */
  variable?: string | undefined;
  noProxy: NoProxyRules;
}

export type ProxyEnv = Readonly<Record<string, string | undefined>>;

/**
 * Decides where Microsoft calls go: the add-on's proxy when its settings enable one, else the
 * proxy named by the environment, else none. HTTPS_PROXY comes before HTTP_PROXY (every call to
 * Microsoft is HTTPS; HTTP_PROXY is the fallback undici and Node also use), and a lower-case
 * variable before its upper-case twin. NO_PROXY applies to either proxy.
 *
 * @throws AddonError SETTINGS_INVALID when a proxy variable is not a usable proxy URL.
 */
export function planProxy(settingsProxy: ProxyEndpoint | undefined, env: ProxyEnv): ProxyPlan {
  const noProxy = parseNoProxy(firstSet(env, ["no_proxy", "NO_PROXY"])?.value ?? "");
  if (settingsProxy !== undefined) return { source: "settings", proxy: settingsProxy, noProxy };

  const found = firstSet(env, ["https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY"]);
  if (found === undefined) return { source: "none", proxy: undefined, noProxy };
  return {
    source: "environment",
    proxy: parseProxyUrl(found.value, `the ${found.name} environment variable`),
    variable: found.name,
    noProxy,
  };
}

/** The proxy a request to `url` goes through, or undefined to connect directly. */
export function proxyFor(plan: ProxyPlan, url: URL): ProxyEndpoint | undefined {
  if (plan.proxy === undefined) return undefined;
  return plan.noProxy.matches(url) ? undefined : plan.proxy;
}

/** `host:port` of a proxy, safe for messages and logs (never its credentials). */
export function describeProxy(proxy: ProxyEndpoint): string {
  const host = proxy.hostname.includes(":") ? `[${proxy.hostname}]` : proxy.hostname;
  return `${host}:${proxy.port}`;
}

/** The proxy's origin for undici, without credentials (they travel as a header only). */
export function proxyOrigin(proxy: ProxyEndpoint): string {
  return `${proxy.protocol}//${describeProxy(proxy)}`;
}

/** The `Proxy-Authorization` value, or undefined when the proxy has no credentials. */
export function proxyAuthorization(proxy: ProxyEndpoint): string | undefined {
  if (proxy.username === undefined || proxy.username === "") return undefined;
  const pair = `${proxy.username}:${proxy.password?.reveal() ?? ""}`;
  return `Basic ${Buffer.from(pair, "utf8").toString("base64")}`;
}

/**
 * Parses a proxy URL as the environment variables carry it: `http://[user:password@]host:port`,
 * `https://…`, or a bare `host:port` (taken as http, like curl does). `where` names the source
 * in messages; the value itself is never repeated, as it may hold a password.
 *
 * @throws AddonError SETTINGS_INVALID
 */
export function parseProxyUrl(text: string, where: string): ProxyEndpoint {
  const trimmed = text.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw invalid(`${where} is not a proxy URL (expected http://host:port)`, where);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw invalid(`${where} names a ${url.protocol.slice(0, -1)} proxy; only http and https ` +
      "proxies are supported", where);
  }
  if (url.hostname === "") throw invalid(`${where} has no proxy host`, where);
  if ((url.pathname !== "/" && url.pathname !== "") || url.search !== "" || url.hash !== "") {
    throw invalid(`${where} must be only scheme, host and port, without a path`, where);
  }
  return {
    protocol: url.protocol,
    hostname: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port),
    ...(url.username === "" ? {} : { username: decodeURIComponent(url.username) }),
    ...(url.password === "" ? {} : { password: new Secret(decodeURIComponent(url.password)) }),
  };
}

export interface NoProxyRules {
  /** True when a request to `url` must not use the proxy. */
  matches(url: URL): boolean;
}

/**
 * NO_PROXY as curl, Go and undici read it: entries separated by commas or spaces; `*` alone
 * means every host; `host` also covers its subdomains (a leading `.` or `*.` is the same);
 * `host:port` only that port; an IP address or a CIDR range (`10.0.0.0/8`, `fd00::/8`)
 * covers the addresses in it. Only the entry's form is checked, never DNS.
 */
export function parseNoProxy(value: string): NoProxyRules {
  const entries = value.split(/[\s,]+/).filter((entry) => entry !== "");
  if (entries.includes("*")) return { matches: () => true };

  const ranges = new BlockList();
  const names: { host: string; port: number | undefined }[] = [];
  for (const entry of entries) {
    const cidr = /^\[?([0-9a-f.:]+)\]?\/(\d{1,3})$/i.exec(entry);
    const family = cidr?.[1] === undefined ? 0 : isIP(cidr[1]);
    if (cidr?.[1] !== undefined && family !== 0) {
      const prefix = Number(cidr[2]);
      if (prefix <= (family === 4 ? 32 : 128)) {
        ranges.addSubnet(cidr[1], prefix, family === 4 ? "ipv4" : "ipv6");
      }
      continue;
    }
    names.push(splitHostPort(entry));
  }

  return {
    matches(url) {
      const host = normaliseHost(url.hostname);
      const port = url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port);
      const family = isIP(host);
      if (family !== 0 && ranges.check(host, family === 4 ? "ipv4" : "ipv6")) return true;
      return names.some(
        (rule) =>
          (rule.port === undefined || rule.port === port) &&
          (host === rule.host || (family === 0 && host.endsWith(`.${rule.host}`))),
      );
    },
  };
}

function splitHostPort(entry: string): { host: string; port: number | undefined } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed?.[1] !== undefined) {
    return { host: normaliseHost(bracketed[1]), port: toPort(bracketed[2]) };
  }
  // More than one colon and no brackets: a bare IPv6 address, never host:port.
  const withPort = /^([^:]+):(\d+)$/.exec(entry);
  if (withPort?.[1] !== undefined) return { host: normaliseHost(withPort[1]), port: toPort(withPort[2]) };
  return { host: normaliseHost(entry), port: undefined };
}

function normaliseHost(host: string): string {
  return host
    .replace(/^\[(.*)\]$/, "$1")
    .replace(/^\*?\./, "")
    .replace(/\.$/, "")
    .toLowerCase();
}

function toPort(text: string | undefined): number | undefined {
  return text === undefined ? undefined : Number(text);
}

function firstSet(env: ProxyEnv, names: string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value !== undefined && value !== "") return { name, value };
  }
  return undefined;
}

function invalid(message: string, where: string): AddonError {
  return new AddonError("SETTINGS_INVALID", message, { setting: where });
}
