import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestTls } from "../../support/tls.ts";
import { createTokenSigner } from "../defender/peer-kit.ts";
import { generateGraphAlerts } from "./generate.ts";
import { createGraphClient, graphErrorOf, graphToken, graphUrl, instant } from "./graph-kit.ts";
import { createGraphPeer, type GraphPeer } from "./peer.ts";
import type { GraphAlert } from "./types.ts";

const tls = createTestTls();
const signer = createTokenSigner();
const client = createGraphClient(tls);
const TIMES = ["2024-05-01T10:00:00Z", "2024-05-01T10:00:00.1Z", "2024-05-01T10:00:00.25Z",
  "2024-05-01T10:00:00.2Z", "2024-05-01T10:00:00.2000001Z", "2024-05-01T10:00:00.1999999Z",
  "2024-05-01T10:00:00.2Z", "2024-05-01T10:00:01Z"];
// Hand-set update times: 0-7 digits, a tie at .2Z, neighbours one tick either side of it.
const fixed: GraphAlert[] = generateGraphAlerts({ count: TIMES.length, tenantId: "tenant-f",
  startMs: Date.UTC(2024, 3, 1), serviceSources: ["microsoftDefenderForEndpoint"] })
  .map((alert, i) => ({ ...alert, lastUpdateDateTime: TIMES[i] ?? "" }));
const bulk = generateGraphAlerts({ count: 1500, tenantId: "tenant-b",
  startMs: Date.UTC(2024, 3, 1), stepMs: 20_000, evidence: { min: 0, max: 1 } });
let peer: GraphPeer;
let tokenF: string;
let tokenB: string;

before(async () => {
  peer = await createGraphPeer({ tls, verifyToken: signer.verify, rateLimits: false });
  peer.seed("tenant-f", fixed);
  peer.seed("tenant-b", bulk);
  tokenF = await graphToken(signer, { tid: "tenant-f" });
  tokenB = await graphToken(signer, { tid: "tenant-b" });
});
after(async () => {
  await peer.close();
  await client.close();
});

async function times($filter: string): Promise<string[]> {
  const page = await client.page(graphUrl(peer.url, { $filter, $top: "1000" }), tokenF);
  return page.value.map((a) => a.lastUpdateDateTime).sort((a, b) =>
    Number(instant(a) - instant(b)));
}

describe("$filter on lastUpdateDateTime and createdDateTime", () => {
  it("compares instants exactly, whatever the number of fractional digits", async () => {
    assert.deepEqual(await times("lastUpdateDateTime ge 2024-05-01T10:00:00.2Z"),
      ["2024-05-01T10:00:00.2Z", "2024-05-01T10:00:00.2Z", "2024-05-01T10:00:00.2000001Z",
        "2024-05-01T10:00:00.25Z", "2024-05-01T10:00:01Z"]);
    assert.deepEqual(await times("lastUpdateDateTime lt 2024-05-01T10:00:00.20Z"),
      ["2024-05-01T10:00:00Z", "2024-05-01T10:00:00.1Z", "2024-05-01T10:00:00.1999999Z"]);
    assert.deepEqual(await times("lastUpdateDateTime eq 2024-05-01T11:00:00.2000000+01:00"),
      ["2024-05-01T10:00:00.2Z", "2024-05-01T10:00:00.2Z"]);
  });

  it("keeps every tied alert with ge and drops them all with gt", async () => {
    const ge = await times("lastUpdateDateTime ge 2024-05-01T10:00:00.2000000Z");
    const gt = await times("lastUpdateDateTime gt 2024-05-01T10:00:00.2000000Z");
    assert.equal(ge.length - gt.length, 2);
    assert.deepEqual(gt, ["2024-05-01T10:00:00.2000001Z", "2024-05-01T10:00:00.25Z",
      "2024-05-01T10:00:01Z"]);
  });

  it("matches a local instant comparison over generated alerts at every kind of cut", async () => {
    const cuts = [bulk[100], bulk[700], bulk[1400]].map((a) => a?.lastUpdateDateTime ?? "");
    for (const cut of cuts) {
      const $filter = `lastUpdateDateTime ge ${cut} and createdDateTime lt 2024-04-01T06:00:00Z`;
      const { alerts } = await client.all(graphUrl(peer.url, { $filter, $top: "1000" }), tokenB);
      const expected = bulk.filter((a) => instant(a.lastUpdateDateTime) >= instant(cut) &&
        instant(a.createdDateTime) < instant("2024-04-01T06:00:00Z"));
      assert.deepEqual(alerts.map((a) => a.id).sort(), expected.map((a) => a.id).sort(), cut);
    }
  });
});

describe("$filter on enums and strings, with and, or and parentheses", () => {
  it("filters the documented enum properties and assignedTo", async () => {
    const page = (f: string) => client.all(graphUrl(peer.url, { $filter: f, $top: "1000" }),
      tokenB).then((r) => r.alerts.map((a) => a.id).sort());
    const ids = (pick: (a: GraphAlert) => boolean) => bulk.filter(pick).map((a) => a.id).sort();
    assert.deepEqual(await page("serviceSource eq 'microsoftDefenderForOffice365'"),
      ids((a) => a.serviceSource === "microsoftDefenderForOffice365"));
    assert.deepEqual(await page("status ne 'resolved' and severity eq 'high'"),
      ids((a) => a.status !== "resolved" && a.severity === "high"));
    assert.deepEqual(await page("(classification eq 'truePositive' or determination eq " +
      "'notMalicious') and assignedTo ne null"), ids((a) => (a.classification ===
      "truePositive" || a.determination === "notMalicious") && a.assignedTo !== null));
    assert.deepEqual(await page("assignedTo eq 'tier2@mssp.example'"),
      ids((a) => a.assignedTo === "tier2@mssp.example"));
  });

  const refused: [string, RegExp][] = [
    ["title eq 'x'", /filterable property named 'title'.*microsoft\.graph\.security\.alert/],
    ["lastUpdateDateTime ge '2024-05-01T10:00:00Z'", /incompatible types/],
    ["lastUpdateDateTime ge 2024-05-01T10:00:00.12345678Z", /not valid/],
    ["status eq 'New'", /'New' is not valid for property 'status'/],
    ["determination eq 'compromisedUser'", /not valid for property 'determination'/],
    ["severity ge 'medium'", /incompatible types/],
    ["status eq 'new' AND severity eq 'high'", /Syntax error/],
    ["(status eq 'new'", /expected '\)'/],
    ["contains(title,'x')", /filterable property|Syntax error/],
  ];
  for (const [$filter, message] of refused) {
    it(`refuses ${$filter} with 400 BadRequest`, async () => {
      const reply = await client.get(graphUrl(peer.url, { $filter }), tokenF);
      assert.equal(reply.status, 400, reply.text);
      const error = graphErrorOf(reply);
      assert.equal(error.code, "BadRequest");
      assert.match(error.message, message);
    });
  }
});
