import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";

import { generateAlerts } from "../peers/defender/index.ts";
import { SEVERITIES } from "../peers/defender/types.ts";
import { readConfFile } from "../peers/splunkd/index.ts";
import { REPO } from "../support/world.ts";
import { applySearchTime, extractJson, searchTimeRules, type NullHandling } from "./search-time.ts";
import type { Fields } from "./spl-eval.ts";

const TENANT = "6f0c1a52-3f0e-4f8e-9a51-2b8e8f5d7c10";
const CIM_SEVERITIES = ["critical", "high", "medium", "low", "informational", "unknown"];
const REQUIRED = ["app", "description", "dest", "id", "signature", "signature_id", "severity", "src", "type", "user"];
const ATP = "ms:defender:atp:alerts";
const GRAPH = "ms:defender:graph:alerts";
const SIEM = "ms:defender:siem:alerts";
const MDE_APP = "Microsoft Defender for Endpoint";

const props = readConfFile(join(REPO, "default", "props.conf"));
const rulesOf = (sourcetype: string) =>
  searchTimeRules(props.get(sourcetype) ?? new Map<string, string>());
const RULES = { [ATP]: rulesOf(ATP), [GRAPH]: rulesOf(GRAPH), [SIEM]: rulesOf(SIEM) };

type Alert = Record<string, unknown>;
type Cim = Record<string, string | string[] | undefined>;

/** The alerts of a public sample: a page's `value`, or a bare array (the SIEM API's answer). */
function publicAlerts(file: string): Alert[] {
  const body = JSON.parse(readFileSync(join(REPO, "..", "shared", "corpus", "public", file), "utf8")) as Alert[] | { value: Alert[] };
  return Array.isArray(body) ? body : body.value;
}

/** One alert as search sees it: the event the input writes, its JSON fields, then props. */
function searchFields(
  sourcetype: keyof typeof RULES,
  alert: object,
  nulls: NullHandling = "text",
  source = `defender_alerts:${TENANT}`,
): Fields {
  const fields = extractJson(JSON.stringify(alert), nulls);
  return applySearchTime(RULES[sourcetype], { ...fields, source, sourcetype });
}

function cim(fields: Fields): Cim {
  const keys = [...REQUIRED, "mitre_technique_id", "vendor_account", "vendor_severity"];
  return Object.fromEntries(keys.map((key) => [key, fields[key]]));
}

const SAMPLES = {
  [ATP]: [
    ...publicAlerts("mde_api_alerts_docs_list_expand_evidence.json"),
    ...publicAlerts("mde_api_alerts_xsoar_fetch_first_page.json"),
  ],
  [GRAPH]: [
    ...publicAlerts("graph_alerts_v2_docs_list_example.json"),
    ...publicAlerts("graph_alerts_v2_xsoar_mock_linux_and_air.json"),
  ],
  [SIEM]: publicAlerts("legacy_siem_api_alerts_docs_example.json"),
};
const describeOf = (sourcetype: keyof typeof SAMPLES, index: number): string =>
  String(SAMPLES[sourcetype][index]?.["description"] ?? SAMPLES[sourcetype][index]?.["Description"]);

// Written by hand from the sample files: what each CIM field must be, by sourcetype and sample.
const EXPECTED: Array<{ sourcetype: keyof typeof SAMPLES; index: number; cim: Cim }> = [
  { sourcetype: ATP, index: 0, cim: {
    app: MDE_APP, type: "alert", id: "da637472900382838869_1364969609", description: describeOf(ATP, 0),
    signature: "Low-reputation arbitrary code executed by signed executable",
    signature_id: "17e10bbc-3a68-474a-8aad-faef14d43952", severity: "low", vendor_severity: "Low",
    dest: "temp123.middleeast.corp.microsoft.com", src: "temp123.middleeast.corp.microsoft.com",
    user: "temp123", mitre_technique_id: ["T1064", "T1085", "T1220"], vendor_account: TENANT } },
  { sourcetype: ATP, index: 1, cim: {
    app: MDE_APP, type: "alert", id: "da637308392288907382_-880718168", description: describeOf(ATP, 1),
    signature: "Suspicious 'Meterpreter' behavior was detected",
    // No detectorId in this sample: the title stands in for the rule's id.
    signature_id: "Suspicious 'Meterpreter' behavior was detected", severity: "low", vendor_severity: "Low",
    dest: "temp123.middleeast.corp.microsoft.com", src: "temp123.middleeast.corp.microsoft.com",
    user: "temp123", mitre_technique_id: ["T1064", "T1085", "T1220"], vendor_account: TENANT } },
  { sourcetype: ATP, index: 2, cim: {
    app: MDE_APP, type: "alert", id: "da637029414680409372_735564929", description: "Created for documentation",
    signature: "Demisto Alert", signature_id: "Demisto Alert", severity: "medium", vendor_severity: "Medium",
    // No computerDnsName: the device id. No relatedUser, no techniques.
    dest: "43df73d1dac43593d1275e20422f44a949f6dfc3", src: "43df73d1dac43593d1275e20422f44a949f6dfc3",
    user: "unknown", mitre_technique_id: undefined, vendor_account: TENANT } },
  { sourcetype: GRAPH, index: 0, cim: {
    app: MDE_APP, type: "alert", id: "da637551227677560813_-961444813", description: describeOf(GRAPH, 0),
    signature: "Suspicious execution of hidden file", signature_id: "e0da400f-affd-43ef-b1d5-afc2eb6f2756",
    severity: "low", vendor_severity: "low",
    // The device evidence names the host and its interfaces; the process ran as SYSTEM.
    dest: "tempDns", src: "1.1.1.1", user: "SYSTEM", mitre_technique_id: "T1564.001", vendor_account: TENANT } },
  { sourcetype: GRAPH, index: 1, cim: {
    app: MDE_APP, type: "alert", id: "pid", description: "Created for test", signature: "test alert",
    signature_id: "did", severity: "medium", vendor_severity: "medium",
    dest: "msde-agent-host-centos7.c.dmst-integrations.internal", src: "0.0.0.0", user: "root",
    mitre_technique_id: undefined, vendor_account: TENANT } },
  { sourcetype: GRAPH, index: 2, cim: {
    app: MDE_APP, type: "alert", id: "pid", description: describeOf(GRAPH, 2),
    signature: "Automated investigation started manually", signature_id: "did",
    severity: "informational", vendor_severity: "informational",
    dest: "desktop-s2455r8", src: "desktop-s2455r8", user: "unknown", mitre_technique_id: undefined,
    vendor_account: TENANT } },
  { sourcetype: SIEM, index: 0, cim: {
    app: MDE_APP, type: "alert", id: "da637370718981685665_16349121", description: "Test Alert",
    signature: "Suspicious File Activity", signature_id: "b20af1d2-5990-4672-87f1-acc2a8ff7725",
    severity: "high", vendor_severity: "High", dest: "mymachine1.domain.com", src: "mymachine1.domain.com",
    user: "unknown", mitre_technique_id: undefined, vendor_account: TENANT } },
];

describe("CIM Alerts mapping in props.conf, run by the eval evaluator on the public samples", () => {
  it("parses every FIELDALIAS and EVAL of the three sourcetypes", () => {
    for (const rules of Object.values(RULES)) assert.ok(rules.aliases.length >= 1 && rules.evals.length >= 10);
  });

  for (const { sourcetype, index, cim: expected } of EXPECTED) {
    it(`maps ${sourcetype} sample ${index} (${String(expected["id"])})`, () => {
      const alert = SAMPLES[sourcetype][index];
      assert.ok(alert, "sample missing");
      assert.deepEqual(cim(searchFields(sourcetype, alert)), expected);
    });
  }

  for (const sourcetype of [ATP, GRAPH, SIEM] as const) {
    it(`gives every ${sourcetype} sample each required field, whether JSON null is text or absent`, () => {
      for (const alert of SAMPLES[sourcetype]) {
        const asText = searchFields(sourcetype, alert, "text");
        for (const key of REQUIRED) {
          const value = asText[key];
          assert.ok(typeof value === "string" && value !== "" && value !== "null", `${key}=${String(value)}`);
        }
        assert.ok(CIM_SEVERITIES.includes(String(asText["severity"])));
        assert.equal(asText["vendor_account"], TENANT);
        assert.deepEqual(cim(searchFields(sourcetype, alert, "absent")), cim(asText));
      }
    });
  }

  it("normalises each Defender for Endpoint severity to a CIM value", () => {
    const expected: Record<string, string> = {
      UnSpecified: "unknown", Informational: "informational", Low: "low", Medium: "medium", High: "high",
    };
    assert.deepEqual(Object.keys(expected), [...SEVERITIES]);
    const sample = SAMPLES[ATP][0]!;
    for (const [defender, normalised] of Object.entries(expected)) {
      const fields = searchFields(ATP, { ...sample, severity: defender });
      assert.equal(fields["severity"], normalised);
      assert.equal(fields["vendor_severity"], defender);
    }
    assert.equal(searchFields(ATP, { ...sample, severity: "Bogus" })["severity"], "unknown");
    assert.equal(searchFields(ATP, { ...sample, severity: null })["severity"], "unknown");
    assert.equal(searchFields(GRAPH, { ...SAMPLES[GRAPH][0], severity: "unknownFutureValue" })["severity"], "unknown");
    assert.equal(searchFields(SIEM, { ...SAMPLES[SIEM][0], Severity: "Informational" })["severity"], "informational");
  });

  it("takes an MDE alert's src from the first evidence IP address, else the device", () => {
    const sample = SAMPLES[ATP][0]!;
    const evidence = (sample["evidence"] as Alert[]).map((e, i) => (i === 1 ? { ...e, ipAddress: "10.20.30.40" } : e));
    assert.equal(searchFields(ATP, { ...sample, evidence })["src"], "10.20.30.40");
    const v6 = evidence.map((e, i) => (i === 0 ? { ...e, ipAddress: "2001:db8::7" } : e));
    assert.equal(searchFields(ATP, { ...sample, evidence: v6 })["src"], "2001:db8::7");
    assert.equal(searchFields(SIEM, { ...SAMPLES[SIEM][0], IpAddress: "192.0.2.9" })["src"], "192.0.2.9");
  });

  it("takes vendor_account from the source, or from the alert's tenant for events collected elsewhere", () => {
    assert.equal(searchFields(ATP, SAMPLES[ATP][0]!, "text", "defender_alerts:abc")["vendor_account"], "abc");
    assert.equal(searchFields(ATP, SAMPLES[ATP][0]!, "text", "/var/log/export.json")["vendor_account"], SAMPLES[ATP][0]!["aadTenantId"]);
    assert.equal(searchFields(GRAPH, SAMPLES[GRAPH][0]!, "text", "x")["vendor_account"], "b3c1b5fc-828c-45fa-a1e1-10d74f6d6e9c");
  });

  it("maps 500 generated MDE alerts of every shape to complete CIM events", () => {
    const alerts = generateAlerts({ count: 500, tenantId: TENANT, seed: 11, startMs: Date.UTC(2026, 0, 1) });
    for (const alert of alerts) {
      const fields = searchFields(ATP, alert);
      for (const key of REQUIRED) assert.ok(typeof fields[key] === "string" && fields[key] !== "", `${alert.id}: ${key}`);
      assert.ok(CIM_SEVERITIES.includes(String(fields["severity"])));
      const techniques = fields["mitre_technique_id"];
      for (const t of techniques === undefined ? [] : [techniques].flat()) assert.match(t, /^T\d{4}(\.\d{3})?$/);
    }
  });
});
