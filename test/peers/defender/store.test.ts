import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestTls } from "../../support/tls.ts";
import { generateAlerts } from "./generate.ts";
import { alertsUrl, createPeerClient, createTokenSigner } from "./peer-kit.ts";
import { createDefenderPeer, type DefenderPeer } from "./peer.ts";
import { parseInstant } from "./timestamps.ts";
import type { Alert } from "./types.ts";

const tls = createTestTls();
const signer = createTokenSigner();
const client = createPeerClient(tls);
const TENANT = "tenant-s";
let clockMs = Date.UTC(2024, 5, 1, 12, 0, 0, 250);
let peer: DefenderPeer;
let seeded: Alert[];

before(async () => {
  peer = await createDefenderPeer({ tls, verifyToken: signer.verify, rateLimits: false,
    now: () => clockMs });
  seeded = generateAlerts({ count: 5, tenantId: TENANT, startMs: Date.UTC(2024, 4, 1) });
  peer.seed(TENANT, seeded);
});
after(async () => {
  await peer.close();
  await client.close();
});

describe("versions and updates", () => {
  it("stamps each update from the peer clock, strictly later than the last version", () => {
    const target = seeded[0] as Alert;
    const v2 = peer.update(TENANT, target.id, { status: "InProgress", assignedTo: "a@b.c" });
    assert.equal(v2.lastUpdateTime, "2024-06-01T12:00:00.25Z");
    assert.equal(v2.status, "InProgress");
    assert.deepEqual(Object.keys(v2), Object.keys(target), "key order kept");

    // The clock has not moved: the next version is still strictly later (by one tick).
    const v3 = peer.update(TENANT, target.id, { status: "Resolved" });
    assert.equal(v3.lastUpdateTime, "2024-06-01T12:00:00.2500001Z");
    clockMs -= 60_000;
    const v4 = peer.update(TENANT, target.id, { classification: "FalsePositive" });
    assert.ok((parseInstant(v4.lastUpdateTime) ?? 0n) > (parseInstant(v3.lastUpdateTime) ?? 0n));
    clockMs += 120_000;

    const versions = peer.versions(TENANT).filter((a) => a.id === target.id);
    assert.deepEqual(versions.map((a) => a.status), [target.status, "InProgress", "Resolved",
      "Resolved"]);
    assert.deepEqual(versions[0], target);
    assert.equal(peer.versions(TENANT).length, seeded.length + 3);
    const current = peer.alerts(TENANT).find((a) => a.id === target.id);
    assert.deepEqual(current, v4);
  });

  it("accepts an explicit lastUpdateTime only if it is later, and rewrites it trimmed", () => {
    const target = seeded[1] as Alert;
    assert.throws(() => peer.update(TENANT, target.id,
      { lastUpdateTime: target.lastUpdateTime }), /later than/);
    const v = peer.update(TENANT, target.id, { lastUpdateTime: "2031-01-01T00:00:00.5000000Z" });
    assert.equal(v.lastUpdateTime, "2031-01-01T00:00:00.5Z");
  });

  it("refuses unknown alerts, id changes and duplicate seeds", () => {
    assert.throws(() => peer.update(TENANT, "da0_0", { status: "New" }), /no alert/);
    const target = seeded[2] as Alert;
    assert.throws(() => peer.update(TENANT, target.id, { id: "other" }), /id/);
    assert.throws(() => peer.seed(TENANT, [target]), /already seeded/);
  });

  it("hands out copies: callers cannot change the stored data", () => {
    const target = seeded[3] as Alert;
    target.title = "changed by the caller";
    const copy = peer.alerts(TENANT).find((a) => a.id === target.id) as Alert;
    assert.notEqual(copy.title, "changed by the caller");
    copy.status = "Unknown";
    const snapshot = peer.versions(TENANT);
    peer.versions(TENANT).forEach((a) => { a.severity = "UnSpecified"; });
    assert.deepEqual(peer.versions(TENANT), snapshot);
    const again = peer.alerts(TENANT).find((a) => a.id === target.id) as Alert;
    assert.notEqual(again.status, "Unknown");
  });

  it("serves the new version to a lastUpdateTime query from the old watermark", async () => {
    const target = seeded[4] as Alert;
    const watermark = peer.alerts(TENANT).map((a) => a.lastUpdateTime)
      .reduce((a, b) => ((parseInstant(a) ?? 0n) > (parseInstant(b) ?? 0n) ? a : b));
    const v = peer.update(TENANT, target.id, { lastUpdateTime: "2032-02-02T02:02:02.02Z",
      comments: [{ comment: "closed", createdBy: "x@y.z", createdTime: "2032-02-02T02:02:01Z" }] });
    const token = await signer.sign({ tid: TENANT });
    const page = await client.page(alertsUrl(peer.url,
      { $filter: `lastUpdateTime gt ${watermark}` }), token);
    assert.deepEqual(page.value, [{ ...v, evidence: [] }]);
  });
});
