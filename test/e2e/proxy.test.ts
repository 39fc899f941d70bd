import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { generateAlerts } from "../peers/defender/index.ts";
import { createInputRunner, type InputRunner } from "../peers/splunkd/index.ts";
import type { RunResult } from "../peers/splunkd/input-run.ts";
import { skipWithoutSquid, startSquid, type AccessEntry, type Squid } from "../support/proxy.ts";
import { createTestCa, createWorldTls } from "../support/proxy-tls.ts";
import { makeTempDir } from "../support/temp.ts";
import { createWorld, EXECUTABLE, type World } from "../support/world.ts";

const SECRET = "mssp-secret-~Q8.proxy-run-3d1e";
const PROXY_USER = "svc-splunk";
const PROXY_PASSWORD = "proxy-pw-~Z4.known-value-81ac";
const WRONG_PASSWORD = "proxy-pw-~Z4.wrong-value-0000";
// Names that only squid resolves (its own hosts file): the input cannot reach a stand-in by
// them without going through the proxy, so a successful run proves nothing went direct.
const LOGIN_HOST = "login.proxy-only.test";
const API_HOST = "api.proxy-only.test";
const NO_PROXY_ENV = { HTTPS_PROXY: "", https_proxy: "", HTTP_PROXY: "", http_proxy: "", NO_PROXY: "", no_proxy: "" };

// The built input, run the way splunkd runs it, through Debian's squid on loopback.
describe("collecting through a real proxy (squid)", { skip: skipWithoutSquid() }, () => {
  let world: World;
  let open: Squid;
  let authed: Squid;
  let proxyCaPem: string;
  const outputs: string[] = [];
  const runners: InputRunner[] = [];

  before(async () => {
    world = await createWorld({ tls: createWorldTls([LOGIN_HOST, API_HOST]) });
    await world.addAccount("mssp", SECRET);
    const proxyCa = createTestCa("test proxy CA");
    proxyCaPem = proxyCa.ca;
    const proxyCert = proxyCa.issue("proxy", ["localhost", "127.0.0.1"]);
    const hosts = { [LOGIN_HOST]: "127.0.0.1", [API_HOST]: "127.0.0.1" };
    [open, authed] = await Promise.all([
      startSquid({ hosts }),
      startSquid({ hosts, auth: { username: PROXY_USER, password: PROXY_PASSWORD }, tls: proxyCert }),
    ]);
    await storeProxyPassword(PROXY_PASSWORD);
  });
  after(async () => {
    await Promise.all([open?.close(), authed?.close()]);
    await world?.close();
  });

  const port = (origin: string): string => new URL(origin).port;
  const runnerWith = (env: NodeJS.ProcessEnv): InputRunner => {
    const runner = createInputRunner({
      splunkd: world.splunkd,
      executable: EXECUTABLE,
      scheme: "defender_alerts",
      checkpointDir: makeTempDir("ta-dm-modinputs-"),
      env: { NODE_EXTRA_CA_CERTS: world.tls.caPath, ...NO_PROXY_ENV, ...env },
    });
    runners.push(runner);
    return runner;
  };
  const configure = async (proxy: Record<string, string>, tls: Record<string, string> = { ca_bundle_path: "" }) => {
    const base = { proxy_enabled: "1", proxy_type: "http", proxy_url: "127.0.0.1", proxy_port: "", proxy_username: "" };
    const a = await world.rest("POST", "configs/conf-ta_defender_mssp_settings/proxy", { ...base, ...proxy });
    const b = await world.rest("POST", "configs/conf-ta_defender_mssp_settings/tls", tls);
    assert.deepEqual([a.status, b.status], [200, 200]);
  };
  async function storeProxyPassword(password: string): Promise<void> {
    const entry = "storage/passwords/TA-defender-mssp%3Asettings%2Fproxy%2Fpassword%3A";
    const updated = await world.rest("POST", entry, { password });
    if (updated.status === 200) return;
    const created = await world.rest("POST", "storage/passwords", {
      name: "settings/proxy/password",
      realm: "TA-defender-mssp",
      password,
    });
    assert.equal(created.status, 201);
  }
  const tenant = (count = 20): string =>
    world.addTenant(generateAlerts({ count, tenantId: "x", seed: count, startMs: Date.parse("2025-02-01T00:00:00Z") }));
  // Login and API by names only squid resolves.
  const proxyOnly = (tenantId: string): Record<string, string> =>
    world.params(tenantId, {
      login_url: `https://${LOGIN_HOST}:${port(world.entra.url)}`,
      api_url: `https://${API_HOST}:${port(world.defender.url)}`,
    });
  const run = async (runner: InputRunner, name: string, params: Record<string, string>): Promise<RunResult> => {
    const result = await runner.run(name, params);
    outputs.push(...result.stderr);
    return result;
  };
  const ok = (result: RunResult, events: number): void => {
    assert.equal(result.exitCode, 0, result.stderr.join("\n"));
    assert.equal(result.events, events, result.stderr.join("\n"));
  };
  const failedWith = (result: RunResult, code: string, message: RegExp): string => {
    assert.equal(result.exitCode, 1, result.stderr.join("\n"));
    const line = result.stderr.find((l) => l.startsWith("ERROR ")) ?? "";
    assert.match(line, new RegExp(`code=${code} `), result.stderr.join("\n"));
    assert.match(line, message);
    assert.match(line, / action=/);
    return line;
  };
  /** The tunnels squid logged after `from`, once both calls' tunnels are closed and logged. */
  const tunnels = async (squid: Squid, from: number, targets: string[]): Promise<AccessEntry[]> => {
    const log = await squid.waitForLog((l) => targets.every((t) => l.slice(from).some((e) => e.target === t)));
    return log.slice(from);
  };

  it("sends the token and API calls through the proxy of the add-on's settings, and only those", async () => {
    await configure({ proxy_port: String(open.port) });
    const from = open.accessLog().length;
    const result = await run(runnerWith({}), "via-settings", proxyOnly(tenant()));
    ok(result, 20);

    const login = `${LOGIN_HOST}:${port(world.entra.url)}`;
    const api = `${API_HOST}:${port(world.defender.url)}`;
    const log = await tunnels(open, from, [login, api]);
    for (const target of [login, api]) {
      assert.ok(log.some((e) => e.method === "CONNECT" && e.target === target && e.result === "TCP_TUNNEL" && e.status === 200),
        `${target} in ${JSON.stringify(log)}`);
    }
    assert.ok(!log.some((e) => e.target.endsWith(`:${port(world.splunkd.url)}`)), "splunkd never goes through the proxy");
    assert.ok(result.stderr.some((l) => /^INFO network configured .*proxy=127\.0\.0\.1:\d+ proxy_source=settings proxy_type=http proxy_auth=none/.test(l)),
      result.stderr.join("\n"));
  });

  it("authenticates to the proxy with the password from storage/passwords", async () => {
    await configure({ proxy_port: String(authed.port), proxy_username: PROXY_USER });
    const from = authed.accessLog().length;
    ok(await run(runnerWith({}), "via-settings-auth", proxyOnly(tenant(7))), 7);
    const log = await tunnels(authed, from, [`${API_HOST}:${port(world.defender.url)}`]);
    assert.ok(log.every((e) => e.user === PROXY_USER && e.status === 200), JSON.stringify(log));
  });

  it("a refused proxy password ends the run with PROXY_AUTH_REFUSED and the admin's next step", async () => {
    await configure({ proxy_port: String(authed.port), proxy_username: PROXY_USER });
    await storeProxyPassword(WRONG_PASSWORD);
    try {
      const result = await run(runnerWith({}), "wrong-proxy-password", proxyOnly(tenant(3)));
      const line = failedWith(result, "PROXY_AUTH_REFUSED", /refused the credentials of svc-splunk \(HTTP 407\)/);
      assert.match(line, /storage\/passwords/);
      assert.equal(result.events, 0);
      assert.ok(authed.accessLog().some((e) => e.result === "TCP_DENIED" && e.status === 407));
    } finally {
      await storeProxyPassword(PROXY_PASSWORD);
    }
  });

  it("uses HTTPS_PROXY from splunkd's environment when the settings have no proxy", async () => {
    await configure({ proxy_enabled: "0" });
    const from = authed.accessLog().length;
    const env = { HTTPS_PROXY: `http://${PROXY_USER}:${encodeURIComponent(PROXY_PASSWORD)}@127.0.0.1:${authed.port}` };
    const result = await run(runnerWith(env), "via-env", proxyOnly(tenant(5)));
    ok(result, 5);
    const log = await tunnels(authed, from, [`${LOGIN_HOST}:${port(world.entra.url)}`, `${API_HOST}:${port(world.defender.url)}`]);
    assert.ok(log.every((e) => e.user === PROXY_USER), JSON.stringify(log));
    assert.ok(result.stderr.some((l) => / proxy_source=HTTPS_PROXY .*proxy_auth=basic/.test(l)), result.stderr.join("\n"));
  });

  it("sends the hosts NO_PROXY lists direct", async () => {
    await configure({ proxy_enabled: "0" });
    const from = open.accessLog().length;
    const login = `127.0.0.1:${port(world.entra.url)}`;
    const env = { https_proxy: open.url, no_proxy: `localhost,${login}` };
    ok(await run(runnerWith(env), "no-proxy", world.params(tenant(4))), 4);
    const log = await tunnels(open, from, [`127.0.0.1:${port(world.defender.url)}`]);
    assert.ok(!log.some((e) => e.target === login), JSON.stringify(log));
  });

  it("an HTTPS proxy (TLS to the proxy) needs its CA, given as PEM text in ca_bundle_path", async () => {
    const https = { proxy_type: "https", proxy_url: "localhost", proxy_port: String(authed.httpsPort), proxy_username: PROXY_USER };
    await configure(https);
    failedWith(await run(runnerWith({}), "https-proxy-untrusted", proxyOnly(tenant(2))),
      "PROXY_TLS_UNTRUSTED", /through the proxy localhost:\d+ was not trusted .*the proxy's own/);

    await configure(https, { ca_bundle_path: proxyCaPem });
    const result = await run(runnerWith({}), "https-proxy", proxyOnly(tenant(6)));
    ok(result, 6);
    assert.ok(result.stderr.some((l) => / proxy_type=https proxy_auth=basic ca_bundle_certs=1/.test(l)), result.stderr.join("\n"));
  });

  it("a TLS-inspecting proxy's CA is trusted from the ca_bundle_path file, for Microsoft's hosts only", async () => {
    // Without NODE_EXTRA_CA_CERTS the stand-ins' certificates are as unknown as an inspecting
    // proxy's; splunkd stays trusted through $SPLUNK_HOME/etc/auth/cacert.pem, as in Splunk.
    const splunkHome = makeTempDir("ta-dm-splunk-home-");
    mkdirSync(join(splunkHome, "etc", "auth"), { recursive: true });
    writeFileSync(join(splunkHome, "etc", "auth", "cacert.pem"), world.tls.ca);
    const runner = runnerWith({ NODE_EXTRA_CA_CERTS: "", SPLUNK_HOME: splunkHome });
    await configure({ proxy_port: String(open.port) });
    failedWith(await run(runner, "inspected-untrusted", proxyOnly(tenant(2))),
      "PROXY_TLS_UNTRUSTED", /the one a TLS-inspecting proxy presents/);

    await configure({ proxy_port: String(open.port) }, { ca_bundle_path: world.tls.caPath });
    ok(await run(runner, "inspected", proxyOnly(tenant(8))), 8);
  });

  it("an unreachable proxy is PROXY_UNREACHABLE, named by host and port", async () => {
    await configure({ proxy_port: "1" });
    failedWith(await run(runnerWith({}), "proxy-down", proxyOnly(tenant(2))),
      "PROXY_UNREACHABLE", /Could not reach the proxy 127\.0\.0\.1:1 \(ECONNREFUSED\)/);
  });

  it("a wrong setting is SETTINGS_INVALID, naming the setting", async () => {
    await configure({ proxy_port: "31x8" });
    failedWith(await run(runnerWith({}), "bad-setting", proxyOnly(tenant(2))),
      "SETTINGS_INVALID", /proxy_port = 31x8 is not a port number/);
  });

  it("never writes the proxy password anywhere", async () => {
    const everything = [
      ...outputs,
      ...runners.flatMap((r) => r.splunkdLog),
      JSON.stringify(world.splunkd.conf("ta_defender_mssp_settings")),
    ].join("\n");
    for (const secret of [PROXY_PASSWORD, encodeURIComponent(PROXY_PASSWORD), WRONG_PASSWORD, SECRET]) {
      assert.ok(!everything.includes(secret), `found ${secret}`);
    }
    assert.doesNotMatch(everything, /Basic [A-Za-z0-9+/=]{8,}/, "no Proxy-Authorization value");
  });
});
