import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { createTestTls } from "../../support/tls.ts";
import { createTokenSigner } from "../defender/peer-kit.ts";
import { generateSiemDetections } from "./generate.ts";
import { createSiemPeer, SIEM_RESOURCE, type SiemPeer } from "./peer.ts";
import { SUCCESSOR_URL } from "./responses.ts";
import { createPeerClient, fetchDetections, messageOf, siemToken, siemUrl } from "./siem-kit.ts";

const tls = createTestTls();
const signer = createTokenSigner();
const client = createPeerClient(tls);
const START = Date.now() - 3600_000;
const tenantA = generateSiemDetections({ count: 5, tenantId: "tenant-a", startMs: START });
const tenantB = generateSiemDetections({ count: 4, tenantId: "tenant-b", startMs: START });
let peer: SiemPeer;

before(async () => {
  peer = await createSiemPeer({ tls, verifyToken: signer.verify,
    deletedTenants: ["tenant-gone"] });
  peer.seed("tenant-a", tenantA);
  peer.seed("tenant-b", tenantB);
});
beforeEach(() => peer.clearFaults());
after(async () => {
  await peer.close();
  await client.close();
});

describe("errors as documented: 401, 403, 500", () => {
  it("answers 401 without, or with an invalid, expired or foreign-audience token", async () => {
    const tokens = [undefined, "not-a-jwt",
      await siemToken(createTokenSigner(), { tid: "tenant-a" }),
      await siemToken(signer, { tid: "tenant-a", expiresInSeconds: -5 }),
      await siemToken(signer, { tid: "tenant-a", aud: "https://graph.microsoft.com" }),
      await siemToken(signer, { tid: "tenant-a", aud: "https://graph.windows.net/" })];
    for (const token of tokens) {
      const reply = await client.get(siemUrl(peer.url), token);
      assert.equal(reply.status, 401, token);
      assert.match(messageOf(reply), /^Authorization has been denied for this request\./);
      assert.equal(reply.headers["www-authenticate"], "Bearer");
    }
  });

  it("accepts a v1 token for Azure AD Graph without any application role", async () => {
    const token = await siemToken(signer, { tid: "tenant-a" });
    assert.equal(SIEM_RESOURCE, "https://graph.windows.net");
    const served = await fetchDetections(client, siemUrl(peer.url, { ago: "P1D" }), token);
    assert.deepEqual(served.map((d) => d.FullId).sort(), tenantA.map((d) => d.FullId).sort());
    const other = await fetchDetections(client, siemUrl(peer.url, { ago: "P1D" }),
      await siemToken(signer, { tid: "tenant-b" }));
    assert.deepEqual(other.map((d) => d.FullId).sort(), tenantB.map((d) => d.FullId).sort());
  });

  it("answers 403 for a tenant whose state is deleted", async () => {
    const reply = await client.get(siemUrl(peer.url),
      await siemToken(signer, { tid: "tenant-gone" }));
    assert.equal(reply.status, 403);
    assert.match(messageOf(reply), /tenant state is deleted/);
  });

  it("answers injected 500s with the service's generic message, then serves again", async () => {
    const token = await siemToken(signer, { tid: "tenant-a" });
    peer.injectFault({ status: 500, times: 2 });
    for (let i = 0; i < 2; i += 1) {
      const reply = await client.get(siemUrl(peer.url), token);
      assert.deepEqual([reply.status, messageOf(reply)], [500, "An error has occurred."]);
    }
    assert.equal((await client.get(siemUrl(peer.url), token)).status, 200);
    peer.injectFault({ connection: "destroy-mid-body" });
    await assert.rejects(client.get(siemUrl(peer.url, { ago: "P1D" }), token));
  });

  it("serves GET on /api/alerts and /api/alerts/ only", async () => {
    const token = await siemToken(signer, { tid: "tenant-a" });
    assert.equal((await client.get(`${peer.url}/api/alerts/`, token)).status, 200);
    for (const path of ["/api/Alerts", "/api/alert", "/api/v1.0/alerts", "//api/alerts"]) {
      assert.equal((await client.get(`${peer.url}${path}`, token)).status, 404, path);
    }
    assert.equal((await client.send("POST", siemUrl(peer.url), token)).status, 405);
  });

  it("logs requests with tenant and status but never the token", async () => {
    const token = await siemToken(signer, { tid: "tenant-b" });
    await client.get(siemUrl(peer.url, { limit: "3", secret: "s3cr3t" }), token);
    assert.deepEqual(peer.requests.at(-1), { method: "GET", path: "/api/alerts",
      query: { limit: "3", secret: "[redacted]" }, tenant: "tenant-b", status: 401 });
    assert.ok(!JSON.stringify(peer.requests).includes(token.split(".")[2] ?? "?"));
  });
});

describe("retired mode", () => {
  it("answers every request 410 Gone, naming the retirement and Graph alerts_v2", async () => {
    const retired = await createSiemPeer({ tls, verifyToken: signer.verify, retired: true });
    try {
      retired.seed("tenant-a", tenantA);
      const token = await siemToken(signer, { tid: "tenant-a" });
      for (const [url, t] of [[siemUrl(retired.url), token], [siemUrl(retired.url), undefined],
        [`${retired.url}/api/alerts?ago=bad`, token], [`${retired.url}/other`, token]]) {
        const reply = await client.get(url ?? "", t);
        assert.equal(reply.status, 410, url);
        assert.match(messageOf(reply), /SIEM API has been retired/);
        assert.ok(messageOf(reply).includes(SUCCESSOR_URL));
        assert.equal(reply.headers.link, `<${SUCCESSOR_URL}>; rel="successor-version"`);
      }
      assert.ok(retired.requests.every((r) => r.status === 410 && r.tenant === null));
    } finally {
      await retired.close();
    }
  });
});
