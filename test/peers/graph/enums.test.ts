import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestTls } from "../../support/tls.ts";
import { createTokenSigner } from "../defender/peer-kit.ts";
import { generateGraphAlerts } from "./generate.ts";
import { createGraphClient, graphToken, graphUrl } from "./graph-kit.ts";
import { serveGraphAlert, wantsUnknownEnumMembers } from "./listing.ts";
import { createGraphPeer, type GraphPeer } from "./peer.ts";
import { DETECTION_SOURCES, evolvableMembers, SERVICE_SOURCES, type GraphAlert } from
  "./types.ts";

const tls = createTestTls();
const signer = createTokenSigner();
const client = createGraphClient(tls);
const TENANT = "tenant-e";
const [cloud, sentinel, endpoint] = generateGraphAlerts({ count: 3, tenantId: TENANT,
  startMs: Date.UTC(2024, 6, 1), serviceSources: ["microsoftDefenderForEndpoint"] });
// One alert per kind: evolvable serviceSource and detectionSource, evolvable serviceSource
// only, and nothing evolvable.
const alerts: [GraphAlert, GraphAlert, GraphAlert] = [
  { ...(cloud as GraphAlert), serviceSource: "microsoftDefenderForCloud",
    detectionSource: "microsoftDefenderForServers" },
  { ...(sentinel as GraphAlert), serviceSource: "microsoftSentinel", detectionSource: "manual" },
  endpoint as GraphAlert,
];
const PREFER = { prefer: "include-unknown-enum-members" };
let peer: GraphPeer;
let token: string;

before(async () => {
  peer = await createGraphPeer({ tls, verifyToken: signer.verify, rateLimits: false });
  peer.seed(TENANT, alerts);
  token = await graphToken(signer, { tid: TENANT });
});
after(async () => {
  await peer.close();
  await client.close();
});

const byId = (list: GraphAlert[], id: string): GraphAlert | undefined =>
  list.find((a) => a.id === id);

describe("evolvable enums and Prefer: include-unknown-enum-members", () => {
  it("declares the documented evolvable members after unknownFutureValue", () => {
    assert.deepEqual(evolvableMembers(SERVICE_SOURCES), ["microsoftDefenderForCloud",
      "microsoftSentinel", "microsoftInsiderRiskManagement"]);
    assert.ok(evolvableMembers(DETECTION_SOURCES).includes("microsoftDefenderForStorage"));
    assert.ok(!evolvableMembers(DETECTION_SOURCES).includes("antivirus"));
  });

  it("serves evolvable members as unknownFutureValue without the preference", async () => {
    const { value } = await client.page(graphUrl(peer.url), token);
    const [c, s, e] = alerts.map((a) => byId(value, a.id));
    assert.deepEqual([c?.serviceSource, c?.detectionSource],
      ["unknownFutureValue", "unknownFutureValue"]);
    assert.deepEqual([s?.serviceSource, s?.detectionSource], ["unknownFutureValue", "manual"]);
    assert.deepEqual(e, alerts[2]);
    assert.deepEqual({ ...c, serviceSource: "x", detectionSource: "y" },
      { ...alerts[0], serviceSource: "x", detectionSource: "y" }, "nothing else changes");
  });

  it("serves the real members with the preference, alone or among others", async () => {
    for (const prefer of ["include-unknown-enum-members",
      "odata.maxpagesize=50, Include-Unknown-Enum-Members"]) {
      const { value } = await client.page(graphUrl(peer.url), token, { prefer });
      for (const alert of alerts) assert.deepEqual(byId(value, alert.id), alert, prefer);
    }
  });

  it("filters on the stored member whether or not the caller prefers it", async () => {
    const $filter = "serviceSource eq 'microsoftDefenderForCloud'";
    const plain = await client.page(graphUrl(peer.url, { $filter }), token);
    assert.deepEqual(plain.value.map((a) => [a.id, a.serviceSource]),
      [[alerts[0].id, "unknownFutureValue"]]);
    const preferred = await client.page(graphUrl(peer.url, { $filter }), token, PREFER);
    assert.deepEqual(preferred.value, [alerts[0]]);
  });

  it("parses Prefer headers and leaves stored alerts untouched", () => {
    assert.equal(wantsUnknownEnumMembers(undefined), false);
    assert.equal(wantsUnknownEnumMembers("return=minimal"), false);
    assert.equal(wantsUnknownEnumMembers(["a=1", " include-unknown-enum-members "]), true);
    const stored = structuredClone(alerts[0]);
    serveGraphAlert(stored, false);
    assert.deepEqual(stored, alerts[0]);
  });
});
