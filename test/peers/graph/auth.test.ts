import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestTls } from "../../support/tls.ts";
import { MDE_RESOURCE } from "../defender/auth.ts";
import { createTokenSigner, type Reply } from "../defender/peer-kit.ts";
import { generateGraphAlerts } from "./generate.ts";
import { createGraphClient, graphErrorOf, graphToken, graphUrl } from "./graph-kit.ts";
import { createGraphPeer, type GraphPeer } from "./peer.ts";

const tls = createTestTls();
const signer = createTokenSigner();
const client = createGraphClient(tls);
const START = Date.UTC(2024, 0, 1);
const tenantA = generateGraphAlerts({ count: 4, tenantId: "tenant-a", startMs: START });
const tenantB = generateGraphAlerts({ count: 3, tenantId: "tenant-b", startMs: START });
let peer: GraphPeer;

before(async () => {
  peer = await createGraphPeer({ tls, verifyToken: signer.verify, rateLimits: false });
  peer.seed("tenant-a", tenantA);
  peer.seed("tenant-b", tenantB);
});
after(async () => {
  await peer.close();
  await client.close();
});

function assertError(reply: Reply, status: number, code: string, message?: RegExp): void {
  assert.equal(reply.status, status, reply.text);
  const error = graphErrorOf(reply);
  assert.equal(error.code, code);
  assert.equal(error.innerError["request-id"], reply.headers["request-id"]);
  if (message) assert.match(error.message, message);
}

describe("bearer token checks", () => {
  it("answers 401 InvalidAuthenticationToken without, or with a bad or expired token",
    async () => {
      const missing = await client.get(graphUrl(peer.url));
      assertError(missing, 401, "InvalidAuthenticationToken", /empty/);
      assert.match(String(missing.headers["www-authenticate"]), /^Bearer realm=""/);
      assertError(await client.get(graphUrl(peer.url), "not-a-jwt"), 401,
        "InvalidAuthenticationToken", /validation failure/);
      const foreign = await graphToken(createTokenSigner(), { tid: "tenant-a" });
      assertError(await client.get(graphUrl(peer.url), foreign), 401,
        "InvalidAuthenticationToken");
      const expired = await graphToken(signer, { tid: "tenant-a", expiresInSeconds: -5 });
      assertError(await client.get(graphUrl(peer.url), expired), 401,
        "InvalidAuthenticationToken");
    });

  it("answers 401 naming both audiences for a token of another API", async () => {
    const mde = await graphToken(signer, { tid: "tenant-a", aud: MDE_RESOURCE });
    const reply = await client.get(graphUrl(peer.url), mde);
    assertError(reply, 401, "InvalidAuthenticationToken", /Invalid audience/);
    assert.match(graphErrorOf(reply).message, /api\.securitycenter.*graph\.microsoft\.com/);
    const slash = await graphToken(signer, { tid: "tenant-a",
      aud: "https://graph.microsoft.com/" });
    assertError(await client.get(graphUrl(peer.url), slash), 401, "InvalidAuthenticationToken");
  });

  it("answers 403 without SecurityAlert.Read.All or SecurityAlert.ReadWrite.All", async () => {
    for (const roles of [[], ["Alert.Read.All"], ["SecurityEvents.Read.All"]]) {
      const reply = await client.get(graphUrl(peer.url),
        await graphToken(signer, { tid: "tenant-a", roles }));
      assertError(reply, 403, "Forbidden", /SecurityAlert\.Read\.All/);
    }
    const readWrite = await graphToken(signer, { tid: "tenant-a",
      roles: ["SecurityAlert.ReadWrite.All"] });
    assert.equal((await client.get(graphUrl(peer.url), readWrite)).status, 200);
  });

  it("serves only the alerts of the token's tenant", async () => {
    const ids = async (tid: string) => (await client.page(graphUrl(peer.url),
      await graphToken(signer, { tid }))).value.map((a) => a.id).sort();
    assert.deepEqual(await ids("tenant-a"), tenantA.map((a) => a.id).sort());
    assert.deepEqual(await ids("tenant-b"), tenantB.map((a) => a.id).sort());
    assert.deepEqual(await ids("tenant-z"), []);
  });

  it("stamps request-id and echoes client-request-id, in headers and innerError", async () => {
    const reply = await client.get(graphUrl(peer.url, { $top: "x" }),
      await graphToken(signer, { tid: "tenant-a" }), { "client-request-id": "my-id-1" });
    assert.equal(reply.headers["client-request-id"], "my-id-1");
    assert.equal(graphErrorOf(reply).innerError["client-request-id"], "my-id-1");
    assert.match(String(reply.headers["content-type"]), /^application\/json;odata\.metadata/);
  });

  it("logs requests with tenant and status but never the token", async () => {
    const token = await graphToken(signer, { tid: "tenant-b" });
    await client.get(graphUrl(peer.url, { $top: "2" }), token);
    assert.deepEqual(peer.requests.at(-1), { method: "GET", path: "/v1.0/security/alerts_v2",
      query: { $top: "2" }, tenant: "tenant-b", status: 200 });
    assert.ok(!JSON.stringify(peer.requests).includes(token.split(".")[2] ?? "?"));
  });
});

describe("throttling: 150 requests per minute per app per tenant", () => {
  it("answers the 151st call in a minute with 429, Retry-After and 'try again in N seconds'",
    async () => {
      let clockMs = Date.now();
      const limited = await createGraphPeer({ tls, verifyToken: signer.verify,
        now: () => clockMs });
      try {
        const token = await graphToken(signer, { tid: "tenant-a" });
        const url = graphUrl(limited.url, { $top: "1" });
        for (let i = 0; i < 150; i += 1) {
          assert.equal((await client.get(url, token)).status, 200, `call ${i + 1}`);
        }
        const refused = await client.get(url, token);
        assertError(refused, 429, "TooManyRequests", /Please try again in 1 seconds\.$/);
        assert.equal(refused.headers["retry-after"], "1");

        // Another app in the same tenant and another tenant have their own quota.
        const otherApp = await graphToken(signer, { tid: "tenant-a", appid: "app-2" });
        assert.equal((await client.get(url, otherApp)).status, 200);
        assert.equal((await client.get(url, await graphToken(signer, { tid: "tenant-x" })))
          .status, 200);

        clockMs += 1000;
        assert.equal((await client.get(url, token)).status, 200, "allowed after Retry-After");
      } finally {
        await limited.close();
      }
    });

  it("says how long to wait when the caller keeps going", async () => {
    const clockMs = Date.now();
    const limited = await createGraphPeer({ tls, verifyToken: signer.verify,
      now: () => clockMs, rateLimits: { perMinute: 6 } });
    try {
      const token = await graphToken(signer, { tid: "tenant-b" });
      for (let i = 0; i < 6; i += 1) await client.get(graphUrl(limited.url), token);
      const refused = await client.get(graphUrl(limited.url), token);
      // 60 s / 6 calls: one call comes back every 10 s.
      assert.equal(refused.headers["retry-after"], "10");
      assert.match(graphErrorOf(refused).message, /again in 10 seconds/);
    } finally {
      await limited.close();
    }
  });
});
