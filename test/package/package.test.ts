import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { loadPublicAlerts } from "../peers/defender/index.ts";
import { createInputRunner, readConfFile, type InputRunner } from "../peers/splunkd/index.ts";
import { rexSteps, runRex } from "../search/spl-rex.ts";
import { makeTempDir } from "../support/temp.ts";
import { createWorld, EXECUTABLE, REPO, type World } from "../support/world.ts";

// The packages under test: the ones `npm run package` wrote to this folder (CI sets it after
// running AppInspect on them), or else a Linux package built once here.
const GIVEN = process.env["TA_DEFENDER_MSSP_PACKAGES"];
const VERSION = (JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string }).version;
const APP = "TA-defender-mssp";
const SEA_FUSE_SET = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:1";
const REQUIRED_TOP = ["README", "README.md", "app.manifest", "default", "docs", "lib", "metadata", "static"];
// The setup page's bundle and its Python REST handler, once they are part of the app.
const OPTIONAL_TOP = ["appserver", "bin"];
const SECRET = "package-test-secret-~7Qz";

const platforms = [
  { platform: "linux_x86_64", executable: "defender_alerts" },
  { platform: "windows_x86_64", executable: "defender_alerts.exe" },
] as const;

let packages = "";

/** `tar -tv` of a package: mode string and path of each entry. */
function listing(tgz: string): Array<{ mode: string; path: string }> {
  return execFileSync("tar", ["-tvzf", tgz], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 })
    .trim()
    .split("\n")
    .map((line) => {
      const parts = line.split(/\s+/);
      return { mode: parts[0] ?? "", path: parts.slice(5).join(" ") };
    });
}

const unpacked = new Map<string, string>();

/** The app folder of a package, unpacked once per test file. */
function unpack(tgz: string): string {
  const known = unpacked.get(tgz);
  if (known !== undefined) return known;
  const dir = makeTempDir("ta-dm-package-");
  execFileSync("tar", ["-xzf", tgz, "-C", dir]);
  unpacked.set(tgz, join(dir, APP));
  return join(dir, APP);
}

before(() => {
  if (GIVEN !== undefined && GIVEN !== "") {
    packages = GIVEN;
    return;
  }
  packages = makeTempDir("ta-dm-dist-");
  execFileSync(process.execPath, [join(REPO, "scripts", "package.mjs"), "--platform", "linux_x86_64", "--out", packages], {
    cwd: REPO,
    stdio: ["ignore", "ignore", "inherit"],
  });
});

for (const { platform, executable } of platforms) {
  const tgz = (): string => join(packages, `${APP}-${VERSION}-${platform}.tgz`);
  const skip = (): boolean => platform !== "linux_x86_64" && !existsSync(tgz());

  describe(`the ${platform} package`, () => {
    it("holds only the app's files, with Splunk's permissions", (t) => {
      if (skip()) return t.skip("not built here (npm run package builds it)");
      const entries = listing(tgz());
      const paths = entries.map((e) => e.path.replace(/\/$/, ""));
      assert.ok(paths.every((p) => p === APP || p.startsWith(`${APP}/`)), "one top folder named after the app");
      const top = new Set(paths.map((p) => p.split("/")[1]).filter((p) => p !== undefined));
      for (const name of [...REQUIRED_TOP, platform]) assert.ok(top.has(name), `${name} is in the package`);
      for (const name of top) assert.ok([...REQUIRED_TOP, ...OPTIONAL_TOP, platform].includes(name), `${name} belongs in an app`);
      for (const { mode, path } of entries) {
        const parts = path.replace(/\/$/, "").split("/");
        assert.ok(!parts.some((part) => part.startsWith(".")), `hidden: ${path}`);
        assert.ok(!parts.some((part) => ["node_modules", "local", "src", "test", "web", "package.json", "tsconfig.json", "local.meta", "__pycache__"].includes(part)), path);
        const inBin = parts.at(-2) === "bin";
        const expected = mode.startsWith("d") ? "drwxr-xr-x" : inBin ? "-rwxr-xr-x" : "-rw-r--r--";
        assert.equal(mode, expected, path);
      }
      assert.ok(paths.includes(`${APP}/${platform}/bin/${executable}`));
      assert.ok(paths.includes(`${APP}/lib/defender_alerts.js`));
      assert.ok(!paths.includes(`${APP}/bin/defender_alerts`), "no plain-Node fallback beside the executable");
    });

    it("is also there as an identical .spl", (t) => {
      if (skip()) return t.skip("not built here");
      assert.ok(readFileSync(tgz()).equals(readFileSync(tgz().replace(/\.tgz$/, ".spl"))));
    });

    it("runs exactly the shipped lib/defender_alerts.js, injected as the executable's SEA blob", (t) => {
      if (skip()) return t.skip("not built here");
      const app = unpack(tgz());
      const binary = readFileSync(join(app, platform, "bin", executable));
      const script = readFileSync(join(app, "lib", "defender_alerts.js"));
      assert.equal(binary.subarray(0, platform.startsWith("windows") ? 2 : 4).toString("latin1"), platform.startsWith("windows") ? "MZ" : "\x7fELF");
      assert.ok(binary.includes(SEA_FUSE_SET), "postject set the SEA fuse");
      assert.ok(binary.includes(script), "the blob holds the shipped script verbatim");
      assert.doesNotMatch(script.subarray(0, 20).toString(), /^#!/);
      assert.match(readFileSync(join(app, "lib", "THIRD-PARTY-NOTICES.txt"), "utf8"), /@azure\/msal-node[\s\S]*undici[\s\S]*Node\.js 24\./);
    });
  });
}

describe("the packaged linux_x86_64 executable, run the way splunkd runs it", () => {
  let world: World;
  let runner: InputRunner;
  let exe = "";
  let noNode = "";

  before(async () => {
    const app = unpack(join(packages, `${APP}-${VERSION}-linux_x86_64.tgz`));
    exe = join(app, "linux_x86_64", "bin", "defender_alerts");
    // No Node.js anywhere on the PATH: the executable must bring its own.
    noNode = makeTempDir("ta-dm-empty-path-");
    world = await createWorld();
    await world.addAccount("mssp", SECRET);
    runner = createInputRunner({
      splunkd: world.splunkd,
      executable: exe,
      scheme: "defender_alerts",
      checkpointDir: makeTempDir("ta-dm-package-modinputs-"),
      env: { NODE_EXTRA_CA_CERTS: world.tls.caPath, PATH: noNode },
    });
  });
  after(() => world.close());

  it("prints the same scheme as the plain-Node bundle", async () => {
    const packaged = execFileSync(exe, ["--scheme"], { encoding: "utf8", env: { PATH: noNode } });
    assert.equal(packaged, execFileSync(process.execPath, [EXECUTABLE, "--scheme"], { encoding: "utf8" }));
    const scheme = await runner.introspect();
    assert.equal(scheme.streamingMode, "xml");
  });

  it("reads NODE_EXTRA_CA_CERTS when it first opens a TLS connection, as Node does", () => {
    const missing = join(noNode, "missing-ca.pem");
    // --scheme never opens a connection (and no longer loads the TLS code), so validation against
    // a closed port is what makes the runtime read the variable.
    const items =
      "<items><server_uri>https://127.0.0.1:1</server_uri><session_key>k</session_key><item name=\"x\">" +
      "<param name=\"tenant_id\">72f988bf-86f1-41af-91ab-2d7cd011db47</param><param name=\"account\">a</param>" +
      "</item></items>";
    const result = spawnSync(exe, ["--validate-arguments"], {
      encoding: "utf8",
      input: items,
      env: { PATH: noNode, NODE_EXTRA_CA_CERTS: missing },
    });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /Ignoring extra certs from .*missing-ca\.pem/);
  });

  it("validates a stanza and collects the public sample alerts over TLS trusted through the test CA", async () => {
    const alerts = loadPublicAlerts("mde_api_alerts_docs_list_expand_evidence.json");
    const tenantId = world.addTenant(alerts);
    const params = world.params(tenantId, { start_date: "2019-01-01" });
    assert.deepEqual(await runner.validate("packaged", params), { ok: true });

    const result = await runner.run("packaged", params);
    assert.equal(result.exitCode, 0, result.stderr.join("\n"));
    const events = runner.index.search((e) => e.source === `defender_alerts:${tenantId}`);
    assert.equal(events.length, alerts.length);
    for (const event of events) assert.equal(event.sourcetype, "ms:defender:atp:alerts");
    const checkpoint = world.splunkd.kv("ta_defender_mssp_checkpoints").find((d) => d["_key"] === "packaged");
    assert.equal(checkpoint?.["tenant_id"], tenantId);
  });

  it("writes splunkd.log lines that the dashboards' ta_defender_mssp_logs macro reads", async () => {
    const unknownTenant = randomUUID();
    const failed = await runner.run("no-consent", world.params(unknownTenant));
    assert.notEqual(failed.exitCode, null);

    const definition = readConfFile(join(REPO, "default", "macros.conf")).get("ta_defender_mssp_logs")?.get("definition") ?? "";
    assert.match(definition, /^index=_internal sourcetype=splunkd component=ExecProcessor "defender_alerts"/);
    const steps = rexSteps(definition);
    const lines = runner.splunkdLog.filter((l) => l.includes(" ExecProcessor ") && l.includes("defender_alerts"));
    const records = lines.map((line) => runRex(steps, line)).filter((r) => r !== undefined);

    const ingested = records.find((r) => r["ta_event"] === "events ingested" && r["ta_input"] === "packaged");
    assert.ok(ingested, lines.join("\n"));
    assert.equal(ingested["ta_events"], "2");
    assert.match(ingested["ta_tenant"] ?? "", /^[0-9a-f-]{36}$/);
    for (const key of ["ta_pages", "ta_duplicates", "ta_bytes", "ta_alerts_total"]) assert.match(ingested[key] ?? "", /^\d+$/, key);

    const started = records.filter((r) => r["ta_event"] === "run started");
    assert.ok(started.some((r) => r["ta_input"] === "no-consent" && r["ta_tenant"] === unknownTenant));

    // splunkd's own log_level field (ERROR) marks a failure; WARN lines may carry a code too.
    const error = records.find((r) => r["ta_input"] === "no-consent" && r["ta_code"] !== undefined && / ERROR ExecProcessor /.test(r["_raw"] ?? ""));
    assert.ok(error, lines.join("\n"));
    assert.match(error["ta_code"] ?? "", /^AUTH_[A-Z_]+$/);
    assert.ok((error["ta_action"] ?? "").length > 10, `the admin's next step in: ${error["ta_message"]}`);
    assert.ok(!(error["ta_event"] ?? "").includes("="), `message without fields: ${error["ta_event"]}`);
  });
});
