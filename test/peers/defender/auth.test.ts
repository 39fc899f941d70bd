import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { decodeJwt } from "jose";
import { createTestTls } from "../../support/tls.ts";
import { MDE_RESOURCE, type TokenClaims } from "./auth.ts";
import { generateAlerts } from "./generate.ts";
import { alertsUrl, createPeerClient, createTokenSigner, errorOf, type Reply } from
  "./peer-kit.ts";
import { createDefenderPeer, type DefenderPeer } from "./peer.ts";

const tls = createTestTls();
const signer = createTokenSigner();
const client = createPeerClient(tls);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const tenantA = generateAlerts({ count: 4, tenantId: "tenant-a", startMs: Date.UTC(2024, 0, 1) });
const tenantB = generateAlerts({ count: 3, tenantId: "tenant-b", startMs: Date.UTC(2024, 0, 1) });
let peer: DefenderPeer;

before(async () => {
  peer = await createDefenderPeer({ tls, verifyToken: signer.verify, rateLimits: false });
  peer.seed("tenant-a", tenantA);
  peer.seed("tenant-b", tenantB);
});
after(async () => {
  await peer.close();
  await client.close();
});

function assertError(reply: Reply, status: number, code: string, message?: RegExp): void {
  assert.equal(reply.status, status, reply.text);
  const error = errorOf(reply);
  assert.equal(error.code, code);
  assert.match(error.target, GUID);
  if (message) assert.match(error.message, message);
}

describe("bearer token checks", () => {
  it("answers 401 Unauthorized without a bearer token", async () => {
    const missing = await client.get(alertsUrl(peer.url));
    assertError(missing, 401, "Unauthorized");
    assert.equal(missing.headers["www-authenticate"], "Bearer");
    // "Bearer" with no token at all.
    assertError(await client.get(alertsUrl(peer.url), " "), 401, "Unauthorized");
  });

  it("answers 401 for a malformed, foreign-signed or expired token", async () => {
    assertError(await client.get(alertsUrl(peer.url), "not-a-jwt"), 401, "Unauthorized",
      /invalid/);
    const foreign = await createTokenSigner().sign({ tid: "tenant-a" });
    assertError(await client.get(alertsUrl(peer.url), foreign), 401, "Unauthorized", /invalid/);
    const expired = await signer.sign({ tid: "tenant-a", expiresInSeconds: -5 });
    assertError(await client.get(alertsUrl(peer.url), expired), 401, "Unauthorized");
  });

  it("checks expiry on its own clock too", async () => {
    const late = await createDefenderPeer({ tls, verifyToken: signer.verify,
      now: () => Date.now() + 2 * 3600_000 });
    try {
      const token = await signer.sign({ tid: "tenant-a" });
      assertError(await client.get(alertsUrl(late.url), token), 401, "Unauthorized", /expired/);
    } finally {
      await late.close();
    }
  });

  it("answers 403 naming both audiences for a token of another API", async () => {
    const token = await signer.sign({ tid: "tenant-a", aud: "https://graph.microsoft.com" });
    const reply = await client.get(alertsUrl(peer.url), token);
    assertError(reply, 403, "Forbidden", /'https:\/\/graph\.microsoft\.com'/);
    assert.match(errorOf(reply).message, /'https:\/\/api\.securitycenter\.microsoft\.com'/);
  });

  it("answers 403 without Alert.Read.All or Alert.ReadWrite.All", async () => {
    for (const roles of [[], ["Machine.Read.All"], ["Alert.Read"]]) {
      const token = await signer.sign({ tid: "tenant-a", roles });
      assertError(await client.get(alertsUrl(peer.url), token), 403, "Forbidden",
        /Alert\.Read\.All/);
    }
    const readWrite = await signer.sign({ tid: "tenant-a", roles: ["Alert.ReadWrite.All"] });
    assert.equal((await client.get(alertsUrl(peer.url), readWrite)).status, 200);
  });

  it("serves only the alerts of the token's tenant", async () => {
    const a = await client.page(alertsUrl(peer.url), await signer.sign({ tid: "tenant-a" }));
    assert.deepEqual(a.value.map((x) => x.id).sort(), tenantA.map((x) => x.id).sort());
    const b = await client.page(alertsUrl(peer.url), await signer.sign({ tid: "tenant-b" }));
    assert.deepEqual(b.value.map((x) => x.id).sort(), tenantB.map((x) => x.id).sort());
    const none = await client.page(alertsUrl(peer.url), await signer.sign({ tid: "tenant-z" }));
    assert.deepEqual(none.value, []);
  });

  it("accepts a configured audience and a synchronous verifier", async () => {
    const gov = "https://api-gov.securitycenter.microsoft.us";
    const syncVerify = (token: string): TokenClaims => decodeJwt(token) as unknown as TokenClaims;
    const govPeer = await createDefenderPeer({ tls, verifyToken: syncVerify, audience: gov });
    try {
      govPeer.seed("tenant-a", tenantA.slice(0, 1));
      const ok = await client.get(alertsUrl(govPeer.url),
        await signer.sign({ tid: "tenant-a", aud: gov }));
      assert.equal(ok.status, 200);
      const commercial = await client.get(alertsUrl(govPeer.url),
        await signer.sign({ tid: "tenant-a", aud: MDE_RESOURCE }));
      assertError(commercial, 403, "Forbidden", /api-gov\.securitycenter/);
    } finally {
      await govPeer.close();
    }
  });

  it("logs requests with tenant and status but never the token", async () => {
    const token = await signer.sign({ tid: "tenant-b" });
    await client.get(alertsUrl(peer.url, { $top: "2" }), token);
    await client.get(`${alertsUrl(peer.url)}?access_token=${token}`, token);
    const last = peer.requests.at(-2);
    assert.deepEqual(last, { method: "GET", path: "/api/alerts", query: { $top: "2" },
      tenant: "tenant-b", status: 200 });
    assert.equal(peer.requests.at(-1)?.status, 400);
    assert.ok(!JSON.stringify(peer.requests).includes(token.split(".")[2] ?? "?"));
    assert.ok(peer.requests.some((r) => r.status === 401 && r.tenant === null));
  });
});
