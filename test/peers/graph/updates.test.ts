import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { createTestTls } from "../../support/tls.ts";
import { createTokenSigner } from "../defender/peer-kit.ts";
import { generateGraphAlerts } from "./generate.ts";
import { createGraphClient, graphErrorOf, graphToken, graphUrl, instant } from "./graph-kit.ts";
import { createGraphPeer, type GraphPeer } from "./peer.ts";
import type { GraphAlert } from "./types.ts";

const tls = createTestTls();
const client = createGraphClient(tls);
const TENANT = "tenant-u";
let clockMs = Date.UTC(2024, 5, 1, 12, 0, 0, 250);
const signer = createTokenSigner(() => clockMs);
const seeded = generateGraphAlerts({ count: 6, tenantId: TENANT, startMs: Date.UTC(2024, 4, 1) });
let peer: GraphPeer;
let token: string;

before(async () => {
  peer = await createGraphPeer({ tls, verifyToken: signer.verify, rateLimits: false,
    now: () => clockMs });
  peer.seed(TENANT, seeded);
  token = await graphToken(signer, { tid: TENANT });
});
beforeEach(() => peer.clearFaults());
after(async () => {
  await peer.close();
  await client.close();
});

describe("versions and updates", () => {
  it("stamps each update from the peer clock, strictly later than the last version", () => {
    const target = seeded[0] as GraphAlert;
    const v2 = peer.update(TENANT, target.id, { status: "inProgress", assignedTo: "a@b.c" });
    assert.equal(v2.lastUpdateDateTime, "2024-06-01T12:00:00.25Z");
    assert.deepEqual(Object.keys(v2), Object.keys(target), "key order kept");
    const v3 = peer.update(TENANT, target.id, { status: "resolved" });
    assert.equal(v3.lastUpdateDateTime, "2024-06-01T12:00:00.2500001Z");
    assert.throws(() => peer.update(TENANT, target.id,
      { lastUpdateDateTime: v3.lastUpdateDateTime }), /later than/);
    assert.throws(() => peer.update(TENANT, "nope", {}), /no alert/);

    const versions = peer.versions(TENANT).filter((a) => a.id === target.id);
    assert.deepEqual(versions.map((a) => a.status), [target.status, "inProgress", "resolved"]);
    assert.deepEqual(peer.alerts(TENANT).find((a) => a.id === target.id), v3);
  });

  it("serves the new version to a lastUpdateDateTime ge watermark query", async () => {
    const target = seeded[1] as GraphAlert;
    clockMs += 5_000;
    const v2 = peer.update(TENANT, target.id, { classification: "falsePositive" });
    const page = await client.page(graphUrl(peer.url,
      { $filter: `lastUpdateDateTime ge ${v2.lastUpdateDateTime}` }), token);
    assert.deepEqual(page.value, [v2]);
    assert.ok(instant(v2.lastUpdateDateTime) > instant(target.lastUpdateDateTime));
  });
});

describe("injected faults", () => {
  it("answers HTTP faults in Graph's envelope unless a body is given", async () => {
    peer.injectFault({ status: 503, times: 2 });
    for (let i = 0; i < 2; i += 1) {
      const reply = await client.get(graphUrl(peer.url), token);
      assert.equal(reply.status, 503);
      assert.equal(graphErrorOf(reply).code, "ServiceUnavailable");
    }
    assert.equal((await client.get(graphUrl(peer.url), token)).status, 200);
    peer.injectFault({ status: 429, headers: { "Retry-After": "7" }, body: "<html>busy</html>" });
    const html = await client.get(graphUrl(peer.url), token);
    assert.deepEqual([html.status, html.headers["retry-after"], html.text],
      [429, "7", "<html>busy</html>"]);
    assert.deepEqual(peer.requests.slice(-4).map((r) => r.fault),
      ["http", "http", undefined, "http"]);
  });

  it("resets the connection or cuts the JSON short", async () => {
    peer.injectFault({ connection: "reset" });
    await assert.rejects(client.get(graphUrl(peer.url), token));
    assert.deepEqual([peer.requests.at(-1)?.status, peer.requests.at(-1)?.fault], [0, "reset"]);
    peer.injectFault({ connection: "truncated-json" });
    const cut = await client.get(graphUrl(peer.url), token);
    assert.equal(cut.status, 200);
    assert.throws(() => JSON.parse(cut.text) as unknown, SyntaxError);
  });
});
