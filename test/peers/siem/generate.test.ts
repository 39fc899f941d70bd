import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { createRandom } from "../defender/prng.ts";
import { fractionDigits, parseInstant } from "../shared/timestamps.ts";
import {
  generateSiemDetections,
  loadPublicSiemDetections,
  nextProcessedTicks,
  sevenDigitTicks,
} from "./generate.ts";
import { SIEM_FIELDS, SIEM_SEVERITIES, type SiemDetection } from "./types.ts";

const SAMPLE = "legacy_siem_api_alerts_docs_example.json";
const START = Date.UTC(2024, 1, 1);
const many = generateSiemDetections({ count: 600, tenantId: "tenant-s", startMs: START });
const ticks = (text: string): bigint => parseInstant(text) ?? -1n;
const NULLABLE = new Set(["RemediationIsSuccess", "WasExecutingWhileDetected"]);

describe("generateSiemDetections", () => {
  it("is deterministic, gives exactly count records and differs per tenant", () => {
    assert.deepEqual(generateSiemDetections({ count: 600, tenantId: "tenant-s",
      startMs: START }), many);
    assert.equal(many.length, 600);
    const other = generateSiemDetections({ count: 5, tenantId: "tenant-t", startMs: START });
    assert.notDeepEqual(other.map((d) => d.AlertId), many.slice(0, 5).map((d) => d.AlertId));
  });

  it("writes every documented field in the example's order, empty values as \"\"", () => {
    const sample = loadPublicSiemDetections(SAMPLE)[0] ?? {};
    assert.deepEqual(Object.keys(sample), [...SIEM_FIELDS]);
    for (const record of many) {
      assert.deepEqual(Object.keys(record), [...SIEM_FIELDS]);
      for (const field of SIEM_FIELDS) {
        const value: unknown = record[field];
        if (NULLABLE.has(field)) assert.ok(value === null || typeof value === "boolean");
        else if (field === "AlertPart" || field === "ReportID") assert.ok(Number.isInteger(value));
        else assert.equal(typeof value, "string", `${field} of ${record.FullId}`);
      }
      assert.ok((SIEM_SEVERITIES as readonly string[]).includes(record.Severity));
      assert.ok(record.LinkToWDATP.endsWith(`/alert/${record.AlertId}`));
      assert.ok(["EDR", "Antivirus", "CustomTI", "SmartScreen"].includes(record.Source));
    }
    assert.ok(many.some((d) => d.Sha256 === "" && d.RemediationIsSuccess === null));
  });

  it("splits alerts into detections: AlertPart 0..n-1, distinct FullId = AlertId:IocUniqueId",
    () => {
      const byAlert = new Map<string, SiemDetection[]>();
      for (const d of many) byAlert.set(d.AlertId, [...(byAlert.get(d.AlertId) ?? []), d]);
      assert.ok([...byAlert.values()].some((parts) => parts.length >= 3));
      for (const parts of byAlert.values()) {
        assert.deepEqual(parts.map((p) => p.AlertPart), parts.map((_, i) => i));
      }
      assert.equal(new Set(many.map((d) => d.FullId)).size, many.length);
      for (const d of many) {
        assert.equal(d.FullId, `${d.AlertId}:${d.IocUniqueId}`);
        assert.match(d.IocUniqueId, /^[A-Za-z0-9+/]{43}=$/);
        assert.match(d.AlertId, /^da\d{18}_\d+$/);
      }
    });

  it("writes LastProcessedTimeUtc with 7 digits, after AlertTime, with some ties", () => {
    for (const d of many) {
      assert.equal(fractionDigits(d.LastProcessedTimeUtc), 7, d.LastProcessedTimeUtc);
      const lag = ticks(d.LastProcessedTimeUtc) - ticks(d.AlertTime);
      assert.ok(lag >= 300_000_000n, `${d.FullId} processed ${lag} ticks after it happened`);
    }
    const times = many.map((d) => d.LastProcessedTimeUtc);
    assert.ok(times.length - new Set(times).size >= 5, "ties between parts of one alert");
    assert.ok(new Set(many.map((d) => fractionDigits(d.AlertTime))).size > 1);
  });

  it("keeps 7 digits and moves strictly forward when re-processing", () => {
    const random = createRandom(3);
    const base = sevenDigitTicks(random, 10_000_000n * 1_700_000_000n);
    let previous = base;
    for (const clock of [base - 50_000n, base, base + 10_000n, base + 10_000_000n]) {
      const next = nextProcessedTicks(random, clock - (clock % 10_000n), previous);
      assert.ok(next > previous);
      assert.notEqual(next % 10n, 0n);
      previous = next;
    }
  });

  it("refuses impossible options", () => {
    assert.throws(() => generateSiemDetections({ count: -1, tenantId: "t", startMs: 0 }),
      RangeError);
    assert.throws(() => generateSiemDetections({ count: 1, tenantId: "t", startMs: 0,
      partsPerAlert: { min: 0, max: 2 } }), RangeError);
  });
});

describe("loadPublicSiemDetections", () => {
  it("returns the documented example untouched", () => {
    const raw = readFileSync(new URL(`../../../../shared/corpus/public/${SAMPLE}`,
      import.meta.url), "utf8");
    assert.equal(JSON.stringify(loadPublicSiemDetections(SAMPLE)), JSON.stringify(JSON.parse(raw)));
  });

  it("refuses paths and files that are not SIEM API responses", () => {
    assert.throws(() => loadPublicSiemDetections("../x.json"), /file name/);
    assert.throws(() => loadPublicSiemDetections("graph_alerts_v2_docs_list_example.json"),
      /not a SIEM API response/);
  });
});
