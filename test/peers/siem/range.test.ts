import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestTls } from "../../support/tls.ts";
import { createTokenSigner } from "../defender/peer-kit.ts";
import { generateSiemDetections, loadPublicSiemDetections } from "./generate.ts";
import { createSiemPeer, type SiemPeer } from "./peer.ts";
import {
  at,
  createPeerClient,
  fetchDetections,
  messageOf,
  siemToken,
  siemUrl,
  ticksOf,
} from "./siem-kit.ts";
import type { SiemDetection } from "./types.ts";

const tls = createTestTls();
const client = createPeerClient(tls);
const NOW = Date.UTC(2024, 5, 1, 12, 0, 0);
let clockMs = NOW;
const signer = createTokenSigner(() => clockMs);
const S = 10_000_000n;
// d0..d6 by LastProcessedTimeUtc: 3 h ago, exactly 2 h ago, 2 h ago less one tick, a tie 1 h
// ago, 9 min 55 s ago, 1 s ago (with 7, 0 and 6 fractional digits).
const OFFSETS = [-3n * 3600n * S + 1234567n, -2n * 3600n * S, -2n * 3600n * S - 1n,
  -3600n * S + 5551237n, -3600n * S + 5551237n, -595n * S + 7654321n, -S + 1000010n];
const records: SiemDetection[] = generateSiemDetections({ count: OFFSETS.length,
  tenantId: "tenant-r", startMs: NOW - 4 * 3600_000, partsPerAlert: { min: 1, max: 1 } })
  .map((d, i) => ({ ...d, LastProcessedTimeUtc: at(NOW, OFFSETS[i] ?? 0n),
    MachineGroup: i % 2 === 0 ? "UKMachines" : "FranceMachines",
    DeviceCreatedMachineTags: i < 3 ? "VIP, Laptops" : "",
    CloudCreatedMachineTags: i === 6 ? "Finance" : "" }));
const SAMPLE = "legacy_siem_api_alerts_docs_example.json";
let peer: SiemPeer;
let token: string;

before(async () => {
  peer = await createSiemPeer({ tls, verifyToken: signer.verify, now: () => clockMs });
  peer.seed("tenant-r", records);
  peer.seed("docs", loadPublicSiemDetections(SAMPLE));
  token = await siemToken(signer, { tid: "tenant-r" });
});
after(async () => {
  await peer.close();
  await client.close();
});

/** Indexes (d0..d6) of the records served, in the order served. */
async function served(params: Record<string, string> | [string, string][]): Promise<number[]> {
  const list = await fetchDetections(client, siemUrl(peer.url, params), token);
  return list.map((d) => records.findIndex((r) => r.FullId === d.FullId));
}

describe("time range on LastProcessedTimeUtc", () => {
  it("answers a bare JSON array of the last 2 hours, boundary included, newest first",
    async () => {
      const reply = await client.get(siemUrl(peer.url), token);
      assert.equal(reply.status, 200);
      assert.match(String(reply.headers["content-type"]), /^application\/json/);
      assert.ok(reply.text.startsWith("["));
      assert.deepEqual(await served({}), [6, 5, 3, 4, 1]);
    });

  it("takes sinceTimeUtc inclusively, with or without a zone, as the docs write it",
    async () => {
      const tie = records[3]?.LastProcessedTimeUtc ?? "";
      assert.deepEqual(await served({ sinceTimeUtc: tie }), [6, 5, 3, 4]);
      assert.deepEqual(await served({ sinceTimeUtc: tie.replace("Z", "") }), [6, 5, 3, 4]);
      assert.deepEqual(await served({ sinceTimeUtc: "2024-06-01T10:00:00.000" }),
        [6, 5, 3, 4, 1]);
      assert.deepEqual(await served({ sinceTimeUtc: "2024-06-01T09:00:00+01:00" }),
        [6, 5, 3, 4, 1, 2, 0]);
    });

  it("takes untilTimeUtc inclusively and as the upper bound", async () => {
    const tie = records[3]?.LastProcessedTimeUtc ?? "";
    assert.deepEqual(await served({ sinceTimeUtc: "2024-06-01T08:00:00Z", untilTimeUtc: tie }),
      [3, 4, 1, 2, 0]);
    // Without sinceTimeUtc the lower bound is still 2 hours before now.
    assert.deepEqual(await served({ untilTimeUtc: tie }), [3, 4, 1]);
  });

  it("takes ago as an ISO 8601 duration back from now", async () => {
    assert.deepEqual(await served({ ago: "PT10M" }), [6, 5]);
    assert.deepEqual(await served({ ago: "PT2H" }), [6, 5, 3, 4, 1]);
    assert.deepEqual(await served({ ago: "P1D" }), [6, 5, 3, 4, 1, 2, 0]);
    assert.deepEqual(await served({ ago: "PT0.5S" }), []);
  });

  it("returns the most recent N with limit, within the range", async () => {
    assert.deepEqual(await served({ limit: "2" }), [6, 5]);
    assert.deepEqual(await served({ sinceTimeUtc: "2024-06-01T00:00:00Z", limit: "3" }),
      [6, 5, 3]);
    assert.deepEqual(await served({ ago: "P1D", limit: "100" }), [6, 5, 3, 4, 1, 2, 0]);
  });

  it("filters on repeated machinegroups and on device tags", async () => {
    const all: [string, string][] = [["ago", "P1D"]];
    assert.deepEqual(await served([...all, ["machinegroups", "UKMachines"]]), [6, 4, 2, 0]);
    assert.deepEqual(await served([...all, ["machinegroups", "UKMachines"],
      ["machinegroups", "FranceMachines"]]), [6, 5, 3, 4, 1, 2, 0]);
    assert.deepEqual(await served([...all, ["DeviceCreatedMachineTags", "Laptops"]]), [1, 2, 0]);
    assert.deepEqual(await served([...all, ["CloudCreatedMachineTags", "Finance"]]), [6]);
    assert.deepEqual(await served([...all, ["CloudCreatedMachineTags", "finance"]]), []);
  });

  const malformed: [string, RegExp][] = [
    ["SinceTimeUtc=2024-06-01T00:00:00Z", /Unknown parameter 'SinceTimeUtc'/],
    ["$top=5", /Unknown parameter/],
    ["ago=PT1H&sinceTimeUtc=2024-06-01T00:00:00Z", /cannot be combined/],
    ["sinceTimeUtc=2024-06-01", /not a valid DateTime/],
    ["sinceTimeUtc=2024-06-01T00:00:00.12345678Z", /not a valid DateTime/],
    ["sinceTimeUtc=2024-06-01T12:00:00Z&untilTimeUtc=2024-06-01T11:00:00Z", /later than/],
    ["sinceTimeUtc=2024-06-01T00:00:00Z&sinceTimeUtc=2024-06-01T01:00:00Z", /more than once/],
    ["ago=P1M", /ISO 8601 duration/],
    ["ago=10m", /ISO 8601 duration/],
    ["limit=0", /positive integer/],
    ["limit=ten", /positive integer/],
    ["DeviceCreatedMachineTags=", /empty value/],
  ];
  for (const [query, message] of malformed) {
    it(`answers ${query} with 401, malformed request`, async () => {
      const reply = await client.get(`${peer.url}/api/alerts?${query}`, token);
      assert.equal(reply.status, 401, reply.text);
      assert.match(messageOf(reply), /Malformed request/);
      assert.match(messageOf(reply), message);
    });
  }
});

describe("re-processed detections and public samples", () => {
  it("moves a re-processed detection to a later LastProcessedTimeUtc with 7 digits", async () => {
    const target = records[0] as SiemDetection;
    clockMs = NOW + 1000;
    const v2 = peer.update("tenant-r", target.FullId, { RemediationIsSuccess: true });
    assert.match(v2.LastProcessedTimeUtc, /^2024-06-01T12:00:00\.999\d{4}Z$/);
    const v3 = peer.update("tenant-r", target.FullId, {});
    assert.ok(ticksOf(v3.LastProcessedTimeUtc) > ticksOf(v2.LastProcessedTimeUtc));
    assert.match(v3.LastProcessedTimeUtc, /\.\d{7}Z$/);
    assert.deepEqual(await served({ sinceTimeUtc: "2024-06-01T12:00:00Z" }), [0]);
    assert.equal(peer.versions("tenant-r").filter((d) => d.FullId === target.FullId).length, 3);
    assert.deepEqual(peer.detections("tenant-r").find((d) => d.FullId === target.FullId), v3);
    clockMs = NOW;
  });

  it("serves the documented example back as the same JSON", async () => {
    const docs = await siemToken(signer, { tid: "docs" });
    const since = "2020-09-30T14:11:44.0779765Z";
    const reply = await client.get(siemUrl(peer.url, { sinceTimeUtc: since }), docs);
    assert.equal(reply.text, JSON.stringify(loadPublicSiemDetections(SAMPLE)));
    const later = await client.get(siemUrl(peer.url,
      { sinceTimeUtc: "2020-09-30T14:11:44.0779766Z" }), docs);
    assert.equal(later.text, "[]");
  });
});
