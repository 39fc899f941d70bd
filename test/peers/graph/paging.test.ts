import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestTls } from "../../support/tls.ts";
import { createTokenSigner } from "../defender/peer-kit.ts";
import { generateGraphAlerts } from "./generate.ts";
import { ALERTS_V2, createGraphClient, graphToken, graphUrl, instant } from "./graph-kit.ts";
import { GRAPH_ODATA_CONTEXT } from "./listing.ts";
import { createGraphPeer, type GraphPeer } from "./peer.ts";

const tls = createTestTls();
const signer = createTokenSigner();
const client = createGraphClient(tls);
const TENANT = "tenant-p";
const backlog = generateGraphAlerts({ count: 2500, tenantId: TENANT,
  startMs: Date.UTC(2024, 4, 1), stepMs: 15_000, evidence: { min: 0, max: 1 } });
let peer: GraphPeer;
let token: string;

before(async () => {
  peer = await createGraphPeer({ tls, verifyToken: signer.verify, rateLimits: false });
  peer.seed(TENANT, backlog);
  token = await graphToken(signer, { tid: TENANT });
});
after(async () => {
  await peer.close();
  await client.close();
});

describe("paging with @odata.nextLink and $skip", () => {
  it("serves every alert once over 2,500 alerts, newest first", async () => {
    const { alerts, pages } = await client.all(graphUrl(peer.url, { $top: "1000" }), token);
    assert.deepEqual(pages.map((p) => p.value.length), [1000, 1000, 500]);
    assert.equal(new Set(alerts.map((a) => a.id)).size, backlog.length);
    for (let i = 1; i < alerts.length; i += 1) {
      assert.ok(instant(alerts[i - 1]?.createdDateTime) >= instant(alerts[i]?.createdDateTime));
    }
    assert.equal(alerts[0]?.id, backlog.at(-1)?.id, "the most recent alert is at the top");
    assert.equal(pages[0]?.["@odata.context"], GRAPH_ODATA_CONTEXT);
  });

  it("writes nextLink as an absolute URL on the peer, same query, $skip advanced", async () => {
    const $filter = "serviceSource eq 'microsoftDefenderForEndpoint'";
    const first = await client.page(graphUrl(peer.url, { $filter, $top: "200",
      $count: "true" }), token);
    const next = new URL(first["@odata.nextLink"] ?? "");
    assert.equal(next.origin, peer.url);
    assert.equal(next.pathname, ALERTS_V2);
    assert.deepEqual(Object.fromEntries(next.searchParams),
      { $filter, $top: "200", $count: "true", $skip: "200" });
    assert.match(first["@odata.nextLink"] ?? "", /\?\$filter=.*&\$skip=200$/);

    const skipped = await client.page(graphUrl(peer.url, { $top: "100", $skip: "2450" }),
      token);
    assert.equal(skipped.value.length, 50);
    assert.equal(skipped["@odata.nextLink"], undefined, "no nextLink on the last page");
    const beyond = await client.page(graphUrl(peer.url, { $skip: "9000" }), token);
    assert.deepEqual(beyond.value, []);
    assert.equal(beyond["@odata.nextLink"], undefined);
  });

  it("gives @odata.count, the total matching the filter, only with $count=true", async () => {
    const $filter = "severity eq 'high' or severity eq 'medium'";
    const expected = backlog.filter((a) => a.severity === "high" || a.severity === "medium");
    const { alerts, pages } = await client.all(graphUrl(peer.url, { $filter, $count: "true",
      $top: "300" }), token);
    assert.equal(alerts.length, expected.length);
    for (const page of pages) assert.equal(page["@odata.count"], expected.length);
    const plain = await client.page(graphUrl(peer.url, { $filter, $count: "false" }), token);
    assert.equal(Object.hasOwn(plain, "@odata.count"), false);
    assert.equal(Object.hasOwn(await client.page(graphUrl(peer.url), token), "@odata.count"),
      false);
  });

  it("pages 100 alerts by default and clamps $top above 1,000 to 1,000", async () => {
    const plain = await client.page(graphUrl(peer.url), token);
    assert.equal(plain.value.length, 100);
    assert.equal(new URL(plain["@odata.nextLink"] ?? "").searchParams.get("$skip"), "100");
    for (const top of ["1001", "5000", "999999999"]) {
      const page = await client.page(graphUrl(peer.url, { $top: top }), token);
      assert.equal(page.value.length, 1000, `$top=${top}`);
      assert.equal(new URL(page["@odata.nextLink"] ?? "").searchParams.get("$skip"), "1000");
    }
  });

  it("evaluates each page at request time: a new alert shifts a $skip scan", async () => {
    const now = (): number => Date.UTC(2030, 0, 1);
    const localSigner = createTokenSigner(now);
    const local = await createGraphPeer({ tls, verifyToken: localSigner.verify, now,
      rateLimits: false });
    const localToken = await graphToken(localSigner, { tid: TENANT });
    try {
      local.seed(TENANT, backlog.slice(0, 30));
      const page1 = await client.page(graphUrl(local.url, { $top: "10" }), localToken);
      // A newer alert lands at the top, pushing every alert one place down.
      local.seed(TENANT, generateGraphAlerts({ count: 1, tenantId: TENANT, seed: 9,
        startMs: Date.UTC(2029, 0, 1) }));
      const rest = await client.all(page1["@odata.nextLink"] ?? "", localToken);
      const seen = [...page1.value, ...rest.alerts].map((a) => a.id);
      assert.equal(seen.length, 31);
      assert.equal(new Set(seen).size, 30, "the alert at the page boundary is served twice");
    } finally {
      await local.close();
    }
  });
});
