import assert from "node:assert/strict";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";

import { AddonError, type ErrorCode } from "../../src/errors.ts";
import { createHttpClient, type HttpClient, planProxy, type ProxyEndpoint, trustedCas } from "../../src/http/index.ts";
import { Secret } from "../../src/log/secret.ts";
import { skipWithoutSquid, startSquid, type Squid } from "../support/proxy.ts";
import { createTestCa, type TestCa } from "../support/proxy-tls.ts";
import { createTestTls, type TestTls } from "../support/tls.ts";

const USER = "svc-splunk";
const PASSWORD = "proxy-pw-~7Qx.known";

// The HTTP client against a real squid on loopback: the CONNECT tunnel, credentials, an HTTPS
// proxy, and each way the path through a proxy fails, with its permanent code.
describe("the HTTP client through a real proxy", { skip: skipWithoutSquid() }, () => {
  let squid: Squid;
  let serverTls: TestTls;
  let proxyCa: TestCa;
  let server: Server;
  let target: string;
  let deniedPort: number;
  const clients: HttpClient[] = [];

  before(async () => {
    serverTls = createTestTls();
    proxyCa = createTestCa("test proxy CA");
    const proxyCert = proxyCa.issue("proxy", ["localhost", "127.0.0.1"]);
    server = createServer({ cert: serverTls.cert, key: serverTls.key }, (req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ path: req.url, proxyAuthorization: req.headers["proxy-authorization"] ?? null }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    target = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    deniedPort = 1; // squid refuses CONNECT to it by policy before trying it
    squid = await startSquid({
      auth: { username: USER, password: PASSWORD },
      tls: { certPath: proxyCert.certPath, keyPath: proxyCert.keyPath },
      denyPorts: [deniedPort],
    });
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await squid?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  const proxy = (over: Partial<ProxyEndpoint> = {}): ProxyEndpoint => ({
    protocol: "http:",
    hostname: "127.0.0.1",
    port: squid.port,
    username: USER,
    password: new Secret(PASSWORD),
    ...over,
  });
  const client = (p: ProxyEndpoint, cas: string[] = [serverTls.ca], env = {}): HttpClient => {
    const made = createHttpClient({
      ca: trustedCas([], cas),
      userAgent: "test",
      timeoutMs: 5_000,
      unreachableCode: "API_UNREACHABLE",
      proxy: planProxy(p, env),
    });
    clients.push(made);
    return made;
  };
  const failure = async (http: HttpClient, url: string): Promise<AddonError> => {
    try {
      await http.send({ method: "GET", url: new URL(url) });
    } catch (error) {
      assert.ok(error instanceof AddonError, String(error));
      assert.doesNotMatch(`${error.message} ${JSON.stringify(error.details)}`, new RegExp(PASSWORD.replace(/[.~]/g, "\\$&")));
      return error;
    }
    assert.fail("the request succeeded");
  };
  const expectCode = (error: AddonError, code: ErrorCode, message: RegExp): void => {
    assert.equal(error.code, code, error.message);
    assert.match(error.message, message);
  };

  it("tunnels with Basic credentials, which never reach the server", async () => {
    const http = client(proxy());
    const res = await http.send({ method: "GET", url: new URL(`${target}/one`) });
    // squid writes a tunnel's line when it closes.
    await http.close();
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), { path: "/one", proxyAuthorization: null });
    const port = target.split(":").at(-1);
    const log = await squid.waitForLog((l) => l.some((e) => e.target === `127.0.0.1:${port}` && e.status === 200));
    assert.ok(log.some((e) => e.method === "CONNECT" && e.result === "TCP_TUNNEL" && e.user === USER), JSON.stringify(log));
  });

  it("streams a response through the tunnel too", async () => {
    const res = await client(proxy()).open({ method: "GET", url: new URL(`${target}/stream`) });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /"path":"\/stream"/);
  });

  it("tunnels through an HTTPS proxy (TLS to the proxy) whose CA is added", async () => {
    const https = proxy({ protocol: "https:", hostname: "localhost", port: squid.httpsPort ?? 0 });
    const res = await client(https, [serverTls.ca, proxyCa.ca]).send({ method: "GET", url: new URL(`${target}/tls`) });
    assert.equal(res.status, 200);
  });

  it("PROXY_AUTH_REFUSED when the proxy refuses the password (407)", async () => {
    const error = await failure(client(proxy({ password: new Secret("wrong-password") })), target);
    expectCode(error, "PROXY_AUTH_REFUSED", /proxy 127\.0\.0\.1:\d+ refused the credentials of svc-splunk \(HTTP 407\)/);
    assert.equal(error.disposition, "fatal");
    assert.equal(error.details["status"], 407);
  });

  it("PROXY_AUTH_REFUSED when the proxy wants credentials and none are set", async () => {
    const error = await failure(client(proxy({ username: undefined, password: undefined })), target);
    expectCode(error, "PROXY_AUTH_REFUSED", /asked for credentials and none are configured/);
  });

  it("PROXY_DENIED when the proxy's policy refuses the destination (403)", async () => {
    const error = await failure(client(proxy()), `https://127.0.0.1:${deniedPort}/`);
    expectCode(error, "PROXY_DENIED", /does not allow connections to 127\.0\.0\.1:1 \(HTTP 403\)/);
  });

  it("the API's unreachable code, retried, when the proxy cannot reach the server", async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const port = (probe.address() as AddressInfo).port;
        probe.close(() => resolve(port));
      });
    });
    const error = await failure(client(proxy()), `https://127.0.0.1:${closed}/`);
    expectCode(error, "API_UNREACHABLE", /through the proxy 127\.0\.0\.1:\d+ \(the proxy answered HTTP 50\d\)/);
    assert.equal(error.disposition, "retry");
  });

  it("PROXY_UNREACHABLE when nothing listens at the proxy's address", async () => {
    const error = await failure(client(proxy({ port: deniedPort })), target);
    expectCode(error, "PROXY_UNREACHABLE", /Could not reach the proxy 127\.0\.0\.1:1 \(ECONNREFUSED\)/);
  });

  it("PROXY_TLS_UNTRUSTED when the HTTPS proxy's own certificate is not trusted", async () => {
    const https = proxy({ protocol: "https:", hostname: "localhost", port: squid.httpsPort ?? 0 });
    const error = await failure(client(https, [serverTls.ca]), target);
    expectCode(error, "PROXY_TLS_UNTRUSTED", /was not trusted .*the proxy's own/);
  });

  it("PROXY_TLS_UNTRUSTED when the server's certificate seen through the proxy is not trusted", async () => {
    // What a TLS-inspecting proxy looks like before its CA is added: an unknown issuer.
    const error = await failure(client(proxy(), [proxyCa.ca]), target);
    expectCode(error, "PROXY_TLS_UNTRUSTED", /through the proxy .* not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED/);
  });

  it("goes direct for a NO_PROXY host, and the proxy never sees it", async () => {
    const port = target.split(":").at(-1);
    // The proxy named here listens nowhere (port 1), so an answer proves the call went direct.
    // (Counting squid's log lines instead was flaky: earlier tests' tunnels are logged when they
    // close, which can be after this test starts.)
    const res = await client(proxy({ port: deniedPort }), [serverTls.ca], { NO_PROXY: `127.0.0.1:${port}` })
      .send({ method: "GET", url: new URL(`${target}/direct`) });
    assert.equal(res.status, 200);
    assert.equal((JSON.parse(res.body) as { proxyAuthorization: unknown }).proxyAuthorization, null);
  });
});
