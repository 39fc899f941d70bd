import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { AddonError } from "../../src/errors.ts";
import {
  describeProxy,
  parseProxyUrl,
  planProxy,
  proxyFor,
  type ProxyEndpoint,
  type ProxyEnv,
} from "../../src/http/index.ts";
import { Secret } from "../../src/log/secret.ts";

const SETTINGS: ProxyEndpoint = { protocol: "http:", hostname: "proxy.corp.example", port: 3128 };
const LOGIN = "https://login.microsoftonline.com/tenant/oauth2/v2.0/token";
const API = "https://api.securitycenter.microsoft.com/api/alerts";

describe("which way a call to Microsoft goes", () => {
  // settings: the [proxy] stanza when enabled; env: splunkd's environment; want: the proxy
  // (host:port) the URL goes through, or "direct".
  const rows: { name: string; settings?: ProxyEndpoint; env: ProxyEnv; url: string; want: string; source: string }[] = [
    { name: "nothing configured", env: {}, url: API, want: "direct", source: "none" },
    { name: "settings proxy", settings: SETTINGS, env: {}, url: LOGIN, want: "proxy.corp.example:3128", source: "settings" },
    { name: "settings win over HTTPS_PROXY", settings: SETTINGS, env: { HTTPS_PROXY: "http://env:8080" }, url: API, want: "proxy.corp.example:3128", source: "settings" },
    { name: "HTTPS_PROXY", env: { HTTPS_PROXY: "http://env.example:8080" }, url: API, want: "env.example:8080", source: "environment" },
    { name: "https_proxy (lower case)", env: { https_proxy: "http://lower:1" }, url: API, want: "lower:1", source: "environment" },
    { name: "lower case wins over upper case", env: { https_proxy: "http://lower:1", HTTPS_PROXY: "http://upper:2" }, url: API, want: "lower:1", source: "environment" },
    { name: "HTTPS_PROXY wins over HTTP_PROXY", env: { HTTP_PROXY: "http://plain:1", HTTPS_PROXY: "http://secure:2" }, url: API, want: "secure:2", source: "environment" },
    { name: "HTTP_PROXY alone serves HTTPS calls too", env: { HTTP_PROXY: "http://plain:3128" }, url: LOGIN, want: "plain:3128", source: "environment" },
    { name: "http_proxy alone", env: { http_proxy: "plain:3128" }, url: LOGIN, want: "plain:3128", source: "environment" },
    { name: "an empty HTTPS_PROXY is unset", env: { HTTPS_PROXY: " ", HTTP_PROXY: "http://plain:1" }, url: API, want: "plain:1", source: "environment" },
    { name: "NO_PROXY host", env: { HTTPS_PROXY: "http://p:1", NO_PROXY: "api.securitycenter.microsoft.com" }, url: API, want: "direct", source: "environment" },
    { name: "NO_PROXY host leaves other hosts", env: { HTTPS_PROXY: "http://p:1", NO_PROXY: "api.securitycenter.microsoft.com" }, url: LOGIN, want: "p:1", source: "environment" },
    { name: "NO_PROXY domain suffix", env: { HTTPS_PROXY: "http://p:1", NO_PROXY: "microsoft.com" }, url: API, want: "direct", source: "environment" },
    { name: "NO_PROXY leading dot", env: { HTTPS_PROXY: "http://p:1", NO_PROXY: ".microsoftonline.com" }, url: LOGIN, want: "direct", source: "environment" },
    { name: "NO_PROXY *.domain", env: { HTTPS_PROXY: "http://p:1", no_proxy: "*.microsoftonline.com" }, url: LOGIN, want: "direct", source: "environment" },
    { name: "NO_PROXY is not a substring match", env: { HTTPS_PROXY: "http://p:1", NO_PROXY: "soft.com" }, url: API, want: "p:1", source: "environment" },
    { name: "NO_PROXY *", env: { HTTPS_PROXY: "http://p:1", NO_PROXY: "*" }, url: API, want: "direct", source: "environment" },
    { name: "NO_PROXY list with spaces and commas", env: { HTTPS_PROXY: "http://p:1", NO_PROXY: "localhost, 10.0.0.0/8 login.microsoftonline.com" }, url: LOGIN, want: "direct", source: "environment" },
    { name: "NO_PROXY host:port, same port", env: { HTTPS_PROXY: "http://p:1", NO_PROXY: "127.0.0.1:8443" }, url: "https://127.0.0.1:8443/x", want: "direct", source: "environment" },
    { name: "NO_PROXY host:port, other port", env: { HTTPS_PROXY: "http://p:1", NO_PROXY: "127.0.0.1:8443" }, url: "https://127.0.0.1:9443/x", want: "p:1", source: "environment" },
    { name: "NO_PROXY host:443 covers the default port", env: { HTTPS_PROXY: "http://p:1", NO_PROXY: "login.microsoftonline.com:443" }, url: LOGIN, want: "direct", source: "environment" },
    { name: "NO_PROXY CIDR", env: { HTTPS_PROXY: "http://p:1", NO_PROXY: "10.0.0.0/8" }, url: "https://10.1.2.3/api", want: "direct", source: "environment" },
    { name: "NO_PROXY CIDR, outside", env: { HTTPS_PROXY: "http://p:1", NO_PROXY: "10.0.0.0/8" }, url: "https://11.1.2.3/api", want: "p:1", source: "environment" },
    { name: "NO_PROXY IPv6", env: { HTTPS_PROXY: "http://p:1", NO_PROXY: "::1" }, url: "https://[::1]:8089/", want: "direct", source: "environment" },
    { name: "NO_PROXY IPv6 CIDR", env: { HTTPS_PROXY: "http://p:1", NO_PROXY: "fd00::/8" }, url: "https://[fd12::5]/", want: "direct", source: "environment" },
    { name: "NO_PROXY is case-insensitive", env: { HTTPS_PROXY: "http://p:1", NO_PROXY: "API.SecurityCenter.Microsoft.com" }, url: API, want: "direct", source: "environment" },
    { name: "NO_PROXY applies to the settings proxy too", settings: SETTINGS, env: { NO_PROXY: "login.microsoftonline.com" }, url: LOGIN, want: "direct", source: "settings" },
    { name: "no_proxy wins over NO_PROXY", env: { HTTPS_PROXY: "http://p:1", no_proxy: "example.org", NO_PROXY: "microsoft.com" }, url: API, want: "p:1", source: "environment" },
  ];

  for (const row of rows) {
    it(row.name, () => {
      const plan = planProxy(row.settings, row.env);
      const proxy = proxyFor(plan, new URL(row.url));
      assert.equal(proxy === undefined ? "direct" : describeProxy(proxy), row.want);
      assert.equal(plan.source, row.source);
    });
  }
});

describe("proxy URLs from the environment", () => {
  it("takes credentials out of the URL, decoded, into a Secret", () => {
    const proxy = parseProxyUrl("http://svc%40corp:p%3Ass@proxy.example:8080", "HTTPS_PROXY");
    assert.equal(proxy.username, "svc@corp");
    assert.ok(proxy.password instanceof Secret);
    assert.equal(proxy.password.reveal(), "p:ss");
    assert.equal(describeProxy(proxy), "proxy.example:8080");
    assert.doesNotMatch(JSON.stringify(proxy), /p:ss/);
  });

  const cases: [string, Partial<ProxyEndpoint>][] = [
    ["http://proxy:3128", { protocol: "http:", hostname: "proxy", port: 3128 }],
    ["https://proxy.example", { protocol: "https:", hostname: "proxy.example", port: 443 }],
    ["http://proxy.example/", { protocol: "http:", hostname: "proxy.example", port: 80 }],
    ["proxy.example:3128", { protocol: "http:", hostname: "proxy.example", port: 3128 }],
    ["http://[::1]:3128", { protocol: "http:", hostname: "::1", port: 3128 }],
  ];
  for (const [text, want] of cases) {
    it(`reads ${text}`, () => {
      const proxy = parseProxyUrl(text, "HTTPS_PROXY");
      assert.deepEqual({ protocol: proxy.protocol, hostname: proxy.hostname, port: proxy.port }, want);
    });
  }

  for (const bad of ["socks5://user:hunter2@proxy:1080", "http://user:hunter2@proxy:3128/path", "http://user:hunter2@"]) {
    it(`refuses ${bad.replace("hunter2", "…")} without repeating it`, () => {
      assert.throws(
        () => parseProxyUrl(bad, "the HTTPS_PROXY environment variable"),
        (error: unknown) =>
          error instanceof AddonError &&
          error.code === "SETTINGS_INVALID" &&
          error.message.includes("HTTPS_PROXY") &&
          !error.message.includes("hunter2") &&
          !JSON.stringify(error.details).includes("hunter2"),
      );
    });
  }

  it("a bad variable is reported by planProxy, but only when the settings do not name a proxy", () => {
    assert.throws(() => planProxy(undefined, { HTTPS_PROXY: "ftp://x:1" }), /HTTPS_PROXY/);
    assert.equal(planProxy(SETTINGS, { HTTPS_PROXY: "ftp://x:1" }).source, "settings");
  });
});
