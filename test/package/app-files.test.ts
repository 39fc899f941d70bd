import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";

import { Ajv } from "ajv";
import { XMLParser, XMLValidator } from "fast-xml-parser";

import { readConfFile } from "../peers/splunkd/index.ts";
import { parseScheme } from "../peers/splunkd/scheme-parser.ts";
import { EXECUTABLE, REPO } from "../support/world.ts";

const read = (path: string): string => readFileSync(join(REPO, path), "utf8");
const conf = (name: string) => readConfFile(join(REPO, "default", `${name}.conf`));
const VIEWS = join(REPO, "default", "data", "ui", "views");
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_" });

describe("app.manifest", () => {
  const schema = JSON.parse(read("test/package/app-manifest.schema.json")) as object;
  const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
  const manifest = JSON.parse(read("app.manifest")) as Record<string, unknown>;

  it("is valid against the app.manifest 2.0.0 schema", () => {
    assert.ok(validate(manifest), JSON.stringify(validate.errors, null, 2));
  });

  it("is refused by the schema when a rule is broken", () => {
    const broken = [
      { ...manifest, schemaVersion: "1.0.0" },
      { ...manifest, supportedDeployments: ["_cloud"] },
      { ...manifest, targetWorkloads: ["_heavy_forwarders"] },
      { ...manifest, infos: {} },
    ];
    for (const candidate of broken) assert.equal(validate(candidate), false, JSON.stringify(candidate).slice(0, 80));
  });
});

describe("the app's identity", () => {
  it("has one id and one version in package.json, app.conf, app.manifest and the code", () => {
    const pkg = JSON.parse(read("package.json")) as { version: string };
    const app = conf("app");
    const manifest = JSON.parse(read("app.manifest")) as { info: { id: { name: string; version: string } } };
    const code = /export const VERSION = "([^"]+)"/.exec(read("src/app-info.ts"))?.[1];
    const id = /export const APP_ID = "([^"]+)"/.exec(read("src/app-info.ts"))?.[1];
    for (const version of [app.get("launcher")?.get("version"), app.get("id")?.get("version"), manifest.info.id.version, code]) {
      assert.equal(version, pkg.version);
    }
    for (const name of [app.get("package")?.get("id"), app.get("id")?.get("name"), manifest.info.id.name]) {
      assert.equal(name, id);
    }
    assert.equal(app.get("install")?.get("is_configured"), "false", "AppInspect: setup not performed");
    assert.match(app.get("install")?.get("build") ?? "", /^[1-9][0-9]*$/);
  });
});

describe("the modular input's declaration", () => {
  it("declares every scheme parameter in README/inputs.conf.spec, and nothing else", () => {
    const scheme = parseScheme(execFileSync(process.execPath, [EXECUTABLE, "--scheme"], { encoding: "utf8" }));
    const spec = read("README/inputs.conf.spec");
    assert.match(spec, /^\[defender_alerts:\/\/<name>\]$/m);
    const declared = [...spec.matchAll(/^([a-z_]+) = /gm)].map((m) => m[1]).sort();
    assert.deepEqual(declared, scheme.args.map((a) => a.name).sort());
  });

  it("gives the scheme's defaults in default/inputs.conf and starts the executable directly", () => {
    const stanza = conf("inputs").get("defender_alerts");
    assert.equal(stanza?.get("start_by_shell"), "false");
    // Each event carries its API's sourcetype; a default here could only be MDE's.
    assert.ok([undefined, "ms:defender:atp:alerts"].includes(stanza?.get("sourcetype")));
    assert.ok([...conf("inputs").keys()].every((name) => !name.includes("://")), "no input stanza ships enabled");
  });
});

describe("search-time knowledge", () => {
  it("tags the alert eventtype for the CIM Alerts data model", () => {
    const eventtypes = conf("eventtypes");
    const tags = conf("tags");
    for (const [name, stanza] of tags) {
      const eventtype = /^eventtype=(.+)$/.exec(name)?.[1];
      assert.ok(eventtype && eventtypes.has(eventtype), `tags.conf [${name}] names a known eventtype`);
      assert.equal(stanza.get("alert"), "enabled");
    }
    const search = eventtypes.get("ms_defender_atp_alert")?.get("search");
    assert.equal(search, 'sourcetype="ms:defender:atp:alerts"');
    assert.ok(conf("props").has("ms:defender:atp:alerts"));
  });

  it("reserves the Graph and SIEM sourcetypes with whole events and their update time", () => {
    const props = conf("props");
    for (const [sourcetype, timeField] of [
      ["ms:defender:atp:alerts", "lastUpdateTime"],
      ["ms:defender:graph:alerts", "lastUpdateDateTime"],
      ["ms:defender:siem:alerts", "LastProcessedTimeUtc"],
    ] as const) {
      const stanza = props.get(sourcetype);
      assert.equal(stanza?.get("TRUNCATE"), "0", sourcetype);
      assert.equal(stanza?.get("SHOULD_LINEMERGE"), "false", sourcetype);
      assert.equal(stanza?.get("KV_MODE"), "json", sourcetype);
      assert.equal(stanza?.get("TIME_PREFIX"), `"${timeField}":\\s*"`, sourcetype);
    }
  });

  it("defines the checkpoint lookup on the KV store collection, with fields it has", () => {
    const lookup = conf("transforms").get("ta_defender_mssp_checkpoints_lookup");
    assert.equal(lookup?.get("external_type"), "kvstore");
    const collection = conf("collections").get(lookup?.get("collection") ?? "");
    assert.ok(collection, "the collection is declared in collections.conf");
    for (const field of (lookup?.get("fields_list") ?? "").split(/,\s*/)) {
      assert.ok(field === "_key" || collection.has(`field.${field}`), `field ${field} is declared`);
    }
  });
});

describe("dashboards and navigation", () => {
  const views = readdirSync(VIEWS).filter((f) => f.endsWith(".xml"));
  const macros = conf("macros");

  for (const file of views) {
    it(`${file} is Simple XML 1.1 whose macros, lookups and base searches exist`, () => {
      const text = readFileSync(join(VIEWS, file), "utf8");
      assert.equal(XMLValidator.validate(text), true);
      const root = xml.parse(text) as Record<string, { "@_version"?: string }>;
      const top = root["form"] ?? root["dashboard"];
      assert.equal(top?.["@_version"], "1.1", "AppInspect's Simple XML standard");
      for (const m of text.matchAll(/`([a-z_]+)`/g)) assert.ok(macros.has(m[1]!), `macro ${m[1]} is defined`);
      for (const m of text.matchAll(/inputlookup ([a-z_]+)/g)) {
        assert.ok(conf("transforms").has(m[1]!), `lookup ${m[1]} is defined`);
      }
      const ids = new Set([...text.matchAll(/<search id="([^"]+)"/g)].map((m) => m[1]));
      for (const m of text.matchAll(/<search base="([^"]+)"/g)) assert.ok(ids.has(m[1]), `base search ${m[1]}`);
      assert.doesNotMatch(text, /<html|<script|src=/i, "no HTML or script in a dashboard");
    });
  }

  it("links the Defender portal for a high-severity alert in its tenant", () => {
    const text = readFileSync(join(VIEWS, "mssp_overview.xml"), "utf8");
    assert.match(text, /https:\/\/security\.microsoft\.com\/alerts\/\$row\.id\|u\$\?tid=\$row\.vendor_account\|u\$/);
  });

  it("navigates to views that exist, the overview first", () => {
    const nav = xml.parse(read("default/data/ui/nav/default.xml")) as {
      nav: { view: Array<{ "@_name": string; "@_default"?: string }> };
    };
    const names = nav.nav.view.map((v) => v["@_name"]);
    for (const name of names) assert.ok(name === "search" || views.includes(`${name}.xml`), name);
    assert.equal(nav.nav.view.find((v) => v["@_default"] === "true")?.["@_name"], "mssp_overview");
  });

  it("restricts the operations view and the checkpoint lookup to admins in default.meta", () => {
    const meta = readConfFile(join(REPO, "metadata", "default.meta"));
    for (const stanza of ["views/operations", "transforms/ta_defender_mssp_checkpoints_lookup", "collections/ta_defender_mssp_checkpoints"]) {
      assert.match(meta.get(stanza)?.get("access") ?? "", /^read : \[ admin, sc_admin \]/, stanza);
    }
    assert.equal(meta.get("")?.get("export"), "system", "the CIM knowledge is exported");
  });
});

describe("app icons", () => {
  for (const [name, size] of [["appIcon", 36], ["appIcon_2x", 72], ["appIconAlt", 36], ["appIconAlt_2x", 72]] as const) {
    it(`static/${name}.png is a ${size}x${size} PNG`, () => {
      const path = join(REPO, "static", `${name}.png`);
      assert.ok(existsSync(path));
      const png = readFileSync(path);
      assert.equal(png.subarray(1, 4).toString("ascii"), "PNG");
      assert.equal(png.subarray(12, 16).toString("ascii"), "IHDR");
      assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [size, size]);
    });
  }
});
