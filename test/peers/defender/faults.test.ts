import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { createTestTls } from "../../support/tls.ts";
import { generateAlerts } from "./generate.ts";
import { alertsUrl, createPeerClient, createTokenSigner, errorOf } from "./peer-kit.ts";
import { createDefenderPeer, type DefenderPeer } from "./peer.ts";

const tls = createTestTls();
const signer = createTokenSigner();
const client = createPeerClient(tls);
let peer: DefenderPeer;
let tokenA: string;
let tokenB: string;

before(async () => {
  peer = await createDefenderPeer({ tls, verifyToken: signer.verify, rateLimits: false });
  peer.seed("tenant-a", generateAlerts({ count: 40, tenantId: "tenant-a", startMs: 0 }));
  peer.seed("tenant-b", generateAlerts({ count: 40, tenantId: "tenant-b", startMs: 0 }));
  tokenA = await signer.sign({ tid: "tenant-a" });
  tokenB = await signer.sign({ tid: "tenant-b" });
});
beforeEach(() => peer.clearFaults());
after(async () => {
  await peer.close();
  await client.close();
});

describe("injected HTTP faults", () => {
  it("answers the next N matching requests, then serves normally", async () => {
    peer.injectFault({ status: 500, times: 2 });
    const url = alertsUrl(peer.url);
    for (let i = 0; i < 2; i += 1) {
      const reply = await client.get(url, tokenA);
      assert.equal(reply.status, 500);
      assert.equal(errorOf(reply).code, "InternalServerError");
    }
    assert.equal((await client.get(url, tokenA)).status, 200);
    assert.deepEqual(peer.requests.slice(-3).map((r) => [r.status, r.fault]),
      [[500, "http"], [500, "http"], [200, undefined]]);
  });

  it("hits only matching requests: one tenant failing does not touch the other", async () => {
    peer.injectFault({ status: 503, times: Infinity,
      match: (r) => r.tenantId === "tenant-a" && r.query.$skip !== undefined });
    assert.equal((await client.get(alertsUrl(peer.url), tokenA)).status, 200);
    assert.equal((await client.get(alertsUrl(peer.url, { $skip: "10" }), tokenA)).status, 503);
    assert.equal((await client.get(alertsUrl(peer.url, { $skip: "10" }), tokenA)).status, 503);
    assert.equal((await client.get(alertsUrl(peer.url, { $skip: "10" }), tokenB)).status, 200);
  });

  it("sends a given body and headers as is", async () => {
    peer.injectFault({ status: 429, headers: { "Retry-After": "7" },
      body: { error: { code: "TooManyRequests", message: "custom", target: "t" } } });
    const reply = await client.get(alertsUrl(peer.url), tokenA);
    assert.equal(reply.status, 429);
    assert.equal(reply.headers["retry-after"], "7");
    assert.deepEqual(JSON.parse(reply.text), { error: { code: "TooManyRequests",
      message: "custom", target: "t" } });
    peer.injectFault({ status: 502, body: "<html>Bad Gateway</html>" });
    const html = await client.get(alertsUrl(peer.url), tokenA);
    assert.equal(html.text, "<html>Bad Gateway</html>");
  });
});

describe("injected connection faults", () => {
  it("resets the connection before any response", async () => {
    peer.injectFault({ connection: "reset" });
    await assert.rejects(client.get(alertsUrl(peer.url), tokenA));
    assert.deepEqual([peer.requests.at(-1)?.status, peer.requests.at(-1)?.fault], [0, "reset"]);
    assert.equal((await client.get(alertsUrl(peer.url), tokenA)).status, 200);
  });

  it("destroys the socket mid-body after a 200 status line", async () => {
    peer.injectFault({ connection: "destroy-mid-body" });
    await assert.rejects(client.get(alertsUrl(peer.url, { $expand: "evidence" }), tokenA));
    assert.equal(peer.requests.at(-1)?.fault, "destroy-mid-body");
    assert.equal(peer.requests.at(-1)?.status, 200);
  });

  it("can send a complete response whose JSON is cut short", async () => {
    peer.injectFault({ connection: "truncated-json" });
    const reply = await client.get(alertsUrl(peer.url), tokenA);
    assert.equal(reply.status, 200);
    assert.ok(reply.text.startsWith('{"@odata.context":'));
    assert.throws(() => JSON.parse(reply.text) as unknown, SyntaxError);
  });
});

describe("routes", () => {
  it("serves only GET on the two documented paths", async () => {
    for (const path of ["/api/alerts/", "//api/alerts", "/api/alerts/api/alerts", "/api/Alerts",
      "/api/v1.0/alerts/x"]) {
      const reply = await client.get(`${peer.url}${path}`, tokenA);
      assert.equal(reply.status, 404, path);
      assert.equal(errorOf(reply).code, "ResourceNotFound");
    }
    assert.equal((await client.get(`${peer.url}/api/v1.0/alerts`, tokenA)).status, 200);
    const post = await client.send("POST", `${peer.url}/api/alerts`, tokenA);
    assert.equal(post.status, 405);
    assert.equal(errorOf(post).code, "MethodNotAllowed");
  });
});
