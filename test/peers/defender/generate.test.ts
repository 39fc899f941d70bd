import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { generateAlerts, loadPublicAlerts } from "./generate.ts";
import { fractionDigits, parseInstant } from "./timestamps.ts";
import {
  CLASSIFICATIONS,
  DETERMINATIONS,
  EVIDENCE_KEYS,
  INVESTIGATION_STATES,
  SEVERITIES,
  STATUSES,
} from "./types.ts";

const START = Date.UTC(2024, 2, 1, 8, 0, 0);
const ALERT_KEYS = [
  "id", "incidentId", "investigationId", "assignedTo", "severity", "status", "classification",
  "determination", "investigationState", "detectionSource", "detectorId", "category",
  "threatFamilyName", "title", "description", "alertCreationTime", "firstEventTime",
  "lastEventTime", "lastUpdateTime", "resolvedTime", "machineId", "computerDnsName",
  "rbacGroupName", "aadTenantId", "threatName", "mitreTechniques", "relatedUser", "comments",
  "evidence",
];
// Defender's form: UTC, no trailing fractional zero, at most 7 digits.
const DEFENDER_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{0,6}[1-9])?Z$/;
const many = generateAlerts({ count: 3000, tenantId: "tenant-a", startMs: START, stepMs: 20_000 });

const ticks = (text: string | null): bigint => {
  const value = text === null ? undefined : parseInstant(text);
  assert.ok(value !== undefined, `unparseable ${String(text)}`);
  return value;
};

describe("generateAlerts", () => {
  it("is deterministic per seed and tenant", () => {
    const opts = { count: 50, tenantId: "tenant-a", startMs: START, seed: 7 };
    assert.deepEqual(generateAlerts(opts), generateAlerts(opts));
    assert.notDeepEqual(generateAlerts(opts), generateAlerts({ ...opts, seed: 8 }));
    const other = generateAlerts({ ...opts, tenantId: "tenant-b" });
    const ids = new Set(generateAlerts(opts).map((a) => a.id));
    assert.ok(other.every((a) => !ids.has(a.id) && a.aadTenantId === "tenant-b"));
  });

  it("writes every documented property, in order, with documented values", () => {
    assert.equal(new Set(many.map((a) => a.id)).size, many.length);
    for (const alert of many) {
      assert.deepEqual(Object.keys(alert), ALERT_KEYS);
      assert.match(alert.id, /^da\d{18}_-?\d{1,10}$/);
      assert.ok(SEVERITIES.includes(alert.severity));
      assert.ok(STATUSES.includes(alert.status));
      assert.ok(INVESTIGATION_STATES.includes(alert.investigationState));
      assert.ok(alert.classification === null || CLASSIFICATIONS.includes(alert.classification));
      assert.ok(alert.determination === null || DETERMINATIONS.includes(alert.determination));
      assert.match(alert.detectorId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-/);
      assert.equal(typeof alert.incidentId, "number");
      assert.ok(alert.mitreTechniques.every((t) => /^T\d{4}(\.\d{3})?$/.test(t)));
      assert.equal(alert.aadTenantId, "tenant-a");
      if (alert.status === "Resolved") assert.notEqual(alert.resolvedTime, null);
      else assert.equal(alert.resolvedTime, null);
      if (alert.status !== "Resolved") assert.equal(alert.determination, null);
    }
    const statuses = new Set(many.map((a) => a.status));
    assert.deepEqual([...statuses].sort(), [...STATUSES].sort());
  });

  it("writes Defender timestamps: 0 to 7 fractional digits, trimmed, ordered", () => {
    const digits = new Set<number>();
    for (const a of many) {
      const stamps = [a.alertCreationTime, a.firstEventTime, a.lastEventTime, a.lastUpdateTime,
        a.resolvedTime, ...a.comments.map((c) => c.createdTime),
        ...a.evidence.map((e) => e.evidenceCreationTime)];
      for (const stamp of stamps) {
        if (stamp === null) continue;
        assert.match(stamp, DEFENDER_TIME);
        digits.add(fractionDigits(stamp));
      }
      assert.ok(ticks(a.firstEventTime) <= ticks(a.lastEventTime));
      assert.ok(ticks(a.lastEventTime) <= ticks(a.alertCreationTime));
      assert.ok(ticks(a.alertCreationTime) < ticks(a.lastUpdateTime));
      if (a.resolvedTime !== null) assert.ok(ticks(a.resolvedTime) <= ticks(a.lastUpdateTime));
    }
    assert.deepEqual([...digits].sort(), [0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("gives some runs of alerts the same lastUpdateTime (ties)", () => {
    const counts = new Map<string, number>();
    for (const a of many) counts.set(a.lastUpdateTime, (counts.get(a.lastUpdateTime) ?? 0) + 1);
    const ties = [...counts.values()].filter((n) => n > 1);
    assert.ok(ties.length >= 20, `only ${ties.length} ties`);
    assert.ok(ties.some((n) => n >= 3));
  });

  it("writes evidence with all 25 keys, realistic types, within the asked range", () => {
    const types = new Set<string | null>();
    for (const entry of many.flatMap((a) => a.evidence)) {
      assert.deepEqual(Object.keys(entry), [...EVIDENCE_KEYS]);
      types.add(entry.entityType);
    }
    assert.deepEqual([...types].sort(), ["File", "Ip", "Process", "Registry", "Url", "User"]);
    assert.ok(many.every((a) => a.evidence.length <= 6));

    const big = generateAlerts({ count: 2, tenantId: "t", startMs: START,
      evidence: { min: 200, max: 200 } });
    assert.ok(big.every((a) => a.evidence.length === 200));
    // Section 6 of the reference: a 200-evidence alert is well over 100 KB.
    assert.ok(JSON.stringify(big[0]).length > 100_000);
    const none = generateAlerts({ count: 20, tenantId: "t", startMs: START,
      evidence: { min: 0, max: 0 } });
    assert.ok(none.every((a) => a.evidence.length === 0));
  });
});

describe("loadPublicAlerts", () => {
  for (const file of ["mde_api_alerts_docs_list_expand_evidence.json",
    "mde_api_alerts_xsoar_fetch_first_page.json"]) {
    it(`returns the alerts of ${file} untouched`, () => {
      const raw = readFileSync(new URL(`../../../../shared/corpus/public/${file}`,
        import.meta.url), "utf8");
      const page = JSON.parse(raw) as { value: unknown[] };
      assert.equal(JSON.stringify(loadPublicAlerts(file)), JSON.stringify(page.value));
    });
  }

  it("refuses paths and files that are not MDE alert pages", () => {
    assert.throws(() => loadPublicAlerts("../public/x.json"), /file name/);
    assert.throws(() => loadPublicAlerts("legacy_siem_api_alerts_docs_example.json"),
      /not an MDE alert page/);
  });
});
