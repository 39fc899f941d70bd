import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fractionDigits } from "../shared/timestamps.ts";
import { generateGraphAlerts, loadPublicGraphAlerts } from "./generate.ts";
import { instant } from "./graph-kit.ts";
import {
  ALERT_CLASSIFICATIONS,
  ALERT_DETERMINATIONS,
  ALERT_SEVERITIES,
  ALERT_STATUSES,
  DETECTION_SOURCES,
  SERVICE_SOURCES,
} from "./types.ts";

const START = Date.UTC(2024, 2, 1);
const many = generateGraphAlerts({ count: 2000, tenantId: "tenant-g", startMs: START });

// The keys of the documented JSON representation, in its order.
const KEYS = ["@odata.type", "id", "providerAlertId", "incidentId", "status", "severity",
  "classification", "determination", "serviceSource", "detectionSource", "detectorId",
  "tenantId", "title", "description", "recommendedActions", "category", "assignedTo",
  "alertWebUrl", "incidentWebUrl", "actorDisplayName", "threatDisplayName",
  "threatFamilyName", "mitreTechniques", "createdDateTime", "lastUpdateDateTime",
  "resolvedDateTime", "firstActivityDateTime", "lastActivityDateTime", "comments",
  "evidence", "systemTags"];

describe("generateGraphAlerts", () => {
  it("is deterministic per options and differs per tenant", () => {
    const again = generateGraphAlerts({ count: 2000, tenantId: "tenant-g", startMs: START });
    assert.deepEqual(again, many);
    const other = generateGraphAlerts({ count: 20, tenantId: "tenant-h", startMs: START });
    assert.notDeepEqual(other.map((a) => a.id), many.slice(0, 20).map((a) => a.id));
    assert.equal(new Set(many.map((a) => a.id)).size, many.length);
  });

  it("writes every documented property, in the documented order, with documented enums",
    () => {
      for (const alert of many) {
        assert.deepEqual(Object.keys(alert), KEYS);
        assert.equal(alert["@odata.type"], "#microsoft.graph.security.alert");
        assert.ok((ALERT_STATUSES as readonly string[]).includes(alert.status));
        assert.ok((ALERT_SEVERITIES as readonly string[]).includes(alert.severity));
        for (const [value, members] of [[alert.classification, ALERT_CLASSIFICATIONS],
          [alert.determination, ALERT_DETERMINATIONS]] as const) {
          assert.ok(value === null || (members as readonly string[]).includes(value));
        }
        assert.ok((SERVICE_SOURCES as readonly string[]).includes(alert.serviceSource));
        assert.ok((DETECTION_SOURCES as readonly string[]).includes(alert.detectionSource));
        assert.match(alert.incidentId ?? "", /^\d+$/);
        assert.equal(alert.tenantId, "tenant-g");
        assert.ok(alert.alertWebUrl.endsWith(`/alerts/${alert.id}?tid=tenant-g`));
        assert.ok(instant(alert.lastUpdateDateTime) >= instant(alert.createdDateTime));
        assert.ok(instant(alert.firstActivityDateTime) <= instant(alert.createdDateTime));
      }
    });

  it("mixes products, and MDE alerts keep their MDE id as providerAlertId", () => {
    const sources = new Set(many.map((a) => a.serviceSource));
    assert.ok(sources.size >= 8, [...sources].join());
    for (const alert of many.filter((a) => a.serviceSource === "microsoftDefenderForEndpoint")) {
      assert.match(alert.id, /^da\d{18}_-?\d+$/);
      assert.equal(alert.providerAlertId, alert.id);
    }
    const only = generateGraphAlerts({ count: 50, tenantId: "t", startMs: START,
      serviceSources: ["microsoftDefenderForIdentity", "microsoftDefenderForCloud"] });
    assert.deepEqual([...new Set(only.map((a) => a.serviceSource))].sort(),
      ["microsoftDefenderForCloud", "microsoftDefenderForIdentity"]);
  });

  it("writes lastUpdateDateTime with 0 to 7 fractional digits and incident-wide ties", () => {
    const digits = new Set(many.map((a) => fractionDigits(a.lastUpdateDateTime)));
    for (const n of [0, 2, 3, 6, 7]) assert.ok(digits.has(n), `no ${n}-digit time`);
    const counts = new Map<string, number>();
    for (const a of many) counts.set(a.lastUpdateDateTime, (counts.get(a.lastUpdateDateTime)
      ?? 0) + 1);
    const tied = [...counts.values()].filter((n) => n > 1);
    assert.ok(tied.length >= 20, `only ${tied.length} ties`);
  });

  it("writes polymorphic evidence with the base properties of alertEvidence", () => {
    const types = new Set<string>();
    for (const evidence of many.flatMap((a) => a.evidence)) {
      assert.match(evidence["@odata.type"], /^#microsoft\.graph\.security\.[a-zA-Z]+Evidence$/);
      types.add(evidence["@odata.type"]);
      for (const key of ["createdDateTime", "verdict", "remediationStatus",
        "remediationStatusDetails", "roles", "detailedRoles", "tags"]) {
        assert.ok(Object.hasOwn(evidence, key), `${evidence["@odata.type"]} lacks ${key}`);
      }
    }
    assert.ok(types.size >= 9, [...types].join());
    const none = generateGraphAlerts({ count: 5, tenantId: "t", startMs: START,
      evidence: { min: 3, max: 3 } });
    assert.deepEqual(none.map((a) => a.evidence.length), [3, 3, 3, 3, 3]);
  });

  it("refuses impossible options", () => {
    assert.throws(() => generateGraphAlerts({ count: -1, tenantId: "t", startMs: 0 }),
      RangeError);
    assert.throws(() => generateGraphAlerts({ count: 1, tenantId: "t", startMs: 0,
      evidence: { min: 0, max: 201 } }), RangeError);
    assert.throws(() => generateGraphAlerts({ count: 1, tenantId: "t", startMs: 0,
      serviceSources: ["unknownFutureValue"] }), /no alert templates/);
  });
});

describe("loadPublicGraphAlerts", () => {
  for (const file of ["graph_alerts_v2_docs_list_example.json",
    "graph_alerts_v2_xsoar_mock_linux_and_air.json"]) {
    it(`returns the alerts of ${file} untouched`, () => {
      const raw = readFileSync(new URL(`../../../../shared/corpus/public/${file}`,
        import.meta.url), "utf8");
      const page = JSON.parse(raw) as { value: unknown[] };
      assert.equal(JSON.stringify(loadPublicGraphAlerts(file)), JSON.stringify(page.value));
    });
  }

  it("refuses paths and files that are not alerts_v2 pages", () => {
    assert.throws(() => loadPublicGraphAlerts("../x.json"), /file name/);
    assert.throws(() => loadPublicGraphAlerts("mde_api_alerts_xsoar_fetch_first_page.json"),
      /not a Graph alerts_v2 page/);
  });
});
