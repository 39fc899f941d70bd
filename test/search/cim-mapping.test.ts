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

const SOURCETYPE = "ms:defender:atp:alerts";
const TENANT = "6f0c1a52-3f0e-4f8e-9a51-2b8e8f5d7c10";
const CIM_SEVERITIES = ["critical", "high", "medium", "low", "informational", "unknown"];
const REQUIRED = ["app", "description", "dest", "id", "signature", "signature_id", "severity", "src", "type", "user"];

const props = readConfFile(join(REPO, "default", "props.conf"));
const rules = searchTimeRules(props.get(SOURCETYPE) ?? new Map());

type Alert = Record<string, unknown> & { id: string };

function publicAlerts(file: string): Alert[] {
  const page = JSON.parse(readFileSync(join(REPO, "..", "shared", "corpus", "public", file), "utf8")) as { value: Alert[] };
  return page.value;
}

/** One alert as search sees it: the event the input writes, its JSON fields, then props. */
function searchFields(alert: object, nulls: NullHandling = "text", source = `defender_alerts:${TENANT}`): Fields {
  const fields = extractJson(JSON.stringify(alert), nulls);
  return applySearchTime(rules, { ...fields, source, sourcetype: SOURCETYPE });
}

function cim(fields: Fields): Record<string, string | string[] | undefined> {
  const keys = [...REQUIRED, "mitre_technique_id", "vendor_account", "vendor_severity"];
  return Object.fromEntries(keys.map((key) => [key, fields[key]]));
}

const DOCS = publicAlerts("mde_api_alerts_docs_list_expand_evidence.json");
const XSOAR = publicAlerts("mde_api_alerts_xsoar_fetch_first_page.json");
const APP = "Microsoft Defender for Endpoint";

// Written by hand from the sample files: what each CIM field must be for each public alert.
const EXPECTED: Record<string, Record<string, string | string[] | undefined>> = {
  "da637472900382838869_1364969609": {
    app: APP, type: "alert", id: "da637472900382838869_1364969609",
    description: String(DOCS.find((a) => a.id === "da637472900382838869_1364969609")?.["description"]),
    signature: "Low-reputation arbitrary code executed by signed executable",
    signature_id: "17e10bbc-3a68-474a-8aad-faef14d43952",
    severity: "low", vendor_severity: "Low",
    dest: "temp123.middleeast.corp.microsoft.com", src: "temp123.middleeast.corp.microsoft.com",
    user: "temp123", mitre_technique_id: ["T1064", "T1085", "T1220"], vendor_account: TENANT,
  },
  "da637308392288907382_-880718168": {
    app: APP, type: "alert", id: "da637308392288907382_-880718168",
    description: String(DOCS.find((a) => a.id === "da637308392288907382_-880718168")?.["description"]),
    signature: "Suspicious 'Meterpreter' behavior was detected",
    // No detectorId in this sample: the title stands in for the rule's id.
    signature_id: "Suspicious 'Meterpreter' behavior was detected",
    severity: "low", vendor_severity: "Low",
    dest: "temp123.middleeast.corp.microsoft.com", src: "temp123.middleeast.corp.microsoft.com",
    user: "temp123", mitre_technique_id: ["T1064", "T1085", "T1220"], vendor_account: TENANT,
  },
  "da637029414680409372_735564929": {
    app: APP, type: "alert", id: "da637029414680409372_735564929",
    description: "Created for documentation", signature: "Demisto Alert", signature_id: "Demisto Alert",
    severity: "medium", vendor_severity: "Medium",
    // No computerDnsName: the device id. No relatedUser, no techniques.
    dest: "43df73d1dac43593d1275e20422f44a949f6dfc3", src: "43df73d1dac43593d1275e20422f44a949f6dfc3",
    user: "unknown", mitre_technique_id: undefined, vendor_account: TENANT,
  },
};

describe("CIM Alerts mapping of ms:defender:atp:alerts (props.conf run by the eval evaluator)", () => {
  it("parses every FIELDALIAS and EVAL of the stanza", () => {
    assert.ok(rules.aliases.length >= 1 && rules.evals.length >= 10);
  });

  for (const [id, expected] of Object.entries(EXPECTED)) {
    it(`maps the public sample alert ${id}`, () => {
      const alert = [...DOCS, ...XSOAR].find((a) => a.id === id);
      assert.ok(alert, `sample ${id} is missing`);
      assert.deepEqual(cim(searchFields(alert)), expected);
    });
  }

  for (const nulls of ["text", "absent"] as const) {
    it(`gives every public sample alert each required field (JSON null as ${nulls})`, () => {
      for (const alert of [...DOCS, ...XSOAR]) {
        const fields = searchFields(alert, nulls);
        for (const key of REQUIRED) {
          const value = fields[key];
          assert.ok(typeof value === "string" && value !== "" && value !== "null", `${alert.id}: ${key}=${String(value)}`);
        }
        assert.ok(CIM_SEVERITIES.includes(String(fields["severity"])));
        assert.equal(fields["vendor_account"], TENANT);
      }
    });
  }

  it("reads JSON null as text or as absent with the same result", () => {
    for (const alert of [...DOCS, ...XSOAR]) {
      assert.deepEqual(cim(searchFields(alert, "absent")), cim(searchFields(alert, "text")), alert.id);
    }
  });

  it("normalises each Defender severity to a CIM value", () => {
    const expected: Record<string, string> = {
      UnSpecified: "unknown", Informational: "informational", Low: "low", Medium: "medium", High: "high",
    };
    assert.deepEqual(Object.keys(expected), [...SEVERITIES]);
    const sample = DOCS[0]!;
    for (const [defender, normalised] of Object.entries(expected)) {
      const fields = searchFields({ ...sample, severity: defender });
      assert.equal(fields["severity"], normalised);
      assert.equal(fields["vendor_severity"], defender);
    }
    assert.equal(searchFields({ ...sample, severity: "Bogus" })["severity"], "unknown");
    assert.equal(searchFields({ ...sample, severity: null })["severity"], "unknown");
  });

  it("takes src from the first evidence IP address, else the device", () => {
    const sample = DOCS.find((a) => Array.isArray(a["evidence"]) && (a["evidence"] as unknown[]).length >= 2)!;
    const evidence = (sample["evidence"] as Array<Record<string, unknown>>).map((e, i) =>
      i === 1 ? { ...e, ipAddress: "10.20.30.40" } : e,
    );
    assert.equal(searchFields({ ...sample, evidence })["src"], "10.20.30.40");
    const v6 = evidence.map((e, i) => (i === 0 ? { ...e, ipAddress: "2001:db8::7" } : e));
    assert.equal(searchFields({ ...sample, evidence: v6 })["src"], "2001:db8::7");
  });

  it("takes vendor_account from the source, or from aadTenantId for events collected elsewhere", () => {
    const sample = DOCS[0]!;
    assert.equal(searchFields(sample, "text", "defender_alerts:abc")["vendor_account"], "abc");
    assert.equal(searchFields(sample, "text", "/var/log/export.json")["vendor_account"], sample["aadTenantId"]);
  });

  it("maps 500 generated alerts of every shape to complete CIM events", () => {
    const alerts = generateAlerts({ count: 500, tenantId: TENANT, seed: 11, startMs: Date.UTC(2026, 0, 1) });
    for (const alert of alerts) {
      const fields = searchFields(alert);
      for (const key of REQUIRED) assert.ok(typeof fields[key] === "string" && fields[key] !== "", `${alert.id}: ${key}`);
      assert.ok(CIM_SEVERITIES.includes(String(fields["severity"])));
      const techniques = fields["mitre_technique_id"];
      for (const t of techniques === undefined ? [] : [techniques].flat()) assert.match(t, /^T\d{4}(\.\d{3})?$/);
    }
  });
});
