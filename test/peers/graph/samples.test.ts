import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestTls } from "../../support/tls.ts";
import { createTokenSigner } from "../defender/peer-kit.ts";
import { createVersionedStore } from "../shared/versioned-store.ts";
import { loadPublicGraphAlerts } from "./generate.ts";
import { createGraphClient, graphToken, graphUrl } from "./graph-kit.ts";
import { createGraphPeer, type GraphPeer } from "./peer.ts";
import type { GraphAlert } from "./types.ts";

const tls = createTestTls();
const signer = createTokenSigner();
const client = createGraphClient(tls);
const DOCS = "graph_alerts_v2_docs_list_example.json";
const XSOAR = "graph_alerts_v2_xsoar_mock_linux_and_air.json";
// The XSOAR mock gives both of its alerts the id "pid", so each goes to a tenant of its own.
const TENANTS: [string, GraphAlert[]][] = [
  ["docs", loadPublicGraphAlerts(DOCS)],
  ...loadPublicGraphAlerts(XSOAR).map((a, i): [string, GraphAlert[]] => [`xsoar-${i}`, [a]]),
];
let peer: GraphPeer;

before(async () => {
  peer = await createGraphPeer({ tls, verifyToken: signer.verify, rateLimits: false });
  for (const [tenant, alerts] of TENANTS) peer.seed(tenant, alerts);
});
after(async () => {
  await peer.close();
  await client.close();
});

describe("public Graph alerts_v2 samples served back", () => {
  for (const [tenant, alerts] of TENANTS) {
    it(`serves ${tenant} as the same JSON, with and without Prefer`, async () => {
      const token = await graphToken(signer, { tid: tenant });
      const variants: Record<string, string>[] = [{}, { prefer: "include-unknown-enum-members" }];
      for (const headers of variants) {
        const page = await client.page(graphUrl(peer.url), token, headers);
        // Same values and same key order: the stand-in re-serialises nothing (the samples
        // hold no evolvable enum member).
        assert.equal(JSON.stringify(page.value), JSON.stringify(alerts));
      }
    });
  }

  it("filters the samples' 2- and 7-digit lastUpdateDateTime values as instants", async () => {
    // xsoar-0 was updated at 03:46:39.59Z; `.5900001` is one tick later, `.59` the same.
    const token = await graphToken(signer, { tid: "xsoar-0" });
    const at = async ($filter: string) =>
      (await client.page(graphUrl(peer.url, { $filter }), token)).value.length;
    assert.equal(await at("lastUpdateDateTime ge 2022-10-26T03:46:39.5900000Z"), 1);
    assert.equal(await at("lastUpdateDateTime gt 2022-10-26T03:46:39.59Z"), 0);
    assert.equal(await at("lastUpdateDateTime lt 2022-10-26T03:46:39.5900001Z"), 1);
    // Null classification (the XSOAR mock) matches `eq null`, never `eq 'unknown'`.
    assert.equal(await at("classification eq null"), 1);
    assert.equal(await at("classification eq 'unknown'"), 0);
  });

  it("refuses to seed two alerts with one id in one tenant", () => {
    const store = createVersionedStore<GraphAlert>({ noun: "alert", idField: "id",
      timeField: "lastUpdateDateTime", nextTicks: (t) => t + 1n });
    assert.throws(() => store.seed("xsoar", loadPublicGraphAlerts(XSOAR)), /already seeded/);
  });
});
