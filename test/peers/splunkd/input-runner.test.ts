import assert from "node:assert/strict";
import { chmodSync, copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

import { createTestTls, type TestTls } from "../../support/tls.ts";
import { createInputRunner, type InputRunner } from "./input-runner.ts";
import { createSplunkdPeer, type SplunkdPeer } from "./splunkd-peer.ts";
import { makeAppDir } from "./test-harness.ts";
import { makeTempDir } from "../../support/temp.ts";

const SCHEME = "ta_defender_mssp";
const FAKE = fileURLToPath(new URL("./fake-input.cjs", import.meta.url));
// `MM-DD-YYYY HH:MM:SS.mmm +0000 LEVEL ExecProcessor [pid ExecProcessorSchedulerThread] - …`
const LOG_LINE = new RegExp(
  String.raw`^\d\d-\d\d-\d{4} \d\d:\d\d:\d\d\.\d{3} \+0000 (DEBUG|INFO|WARN|ERROR|FATAL) (\w+) ` +
    String.raw`\[\d+ ExecProcessorSchedulerThread\] - (.*)$`,
);

describe("input runner: the executable started the way splunkd does", () => {
  let tls: TestTls;
  let peer: SplunkdPeer;
  let executable: string;
  let checkpointDir: string;

  before(async () => {
    tls = createTestTls();
    peer = await createSplunkdPeer({ tls, appDir: makeAppDir() });
    const dir = makeTempDir("ta-dm-exe-");
    executable = join(dir, SCHEME);
    copyFileSync(FAKE, executable);
    chmodSync(executable, 0o755);
    checkpointDir = join(dir, "modinputs", SCHEME);
  });
  after(async () => {
    await peer.close();
  });

  const runner = (env: NodeJS.ProcessEnv = {}): InputRunner =>
    createInputRunner({
      splunkd: peer,
      executable,
      scheme: SCHEME,
      checkpointDir,
      env: { NODE_EXTRA_CA_CERTS: tls.caPath, ...env },
    });

  it("introspects the scheme", async () => {
    const scheme = await runner().introspect();
    assert.deepEqual(scheme, {
      title: "Defender fake",
      description: "Fake & small",
      useExternalValidation: true,
      useSingleInstance: false,
      streamingMode: "xml",
      args: [
        {
          name: "tenant_id",
          title: "Tenant",
          dataType: "string",
          requiredOnEdit: false,
          requiredOnCreate: true,
        },
        { name: "mode", dataType: "string", requiredOnEdit: false, requiredOnCreate: false },
      ],
    });
  });

  it("fails introspection like splunkd on a non-zero exit or a malformed scheme", async () => {
    const failing = runner({ FAKE_SCHEME: "exit" });
    await assert.rejects(failing.introspect(), {
      message:
        `Unable to initialize modular input "${SCHEME}" defined in the app ` +
        `"TA-defender-mssp": Introspecting scheme=${SCHEME}: script running failed ` +
        "(exited with code 3).",
    });
    const levels = failing.splunkdLog.map((line) => LOG_LINE.exec(line)?.slice(1, 3));
    assert.deepEqual(levels, [
      ["FATAL", "ExecProcessor"],
      ["ERROR", "ModularInputs"],
    ]);
    await assert.rejects(runner({ FAKE_SCHEME: "malformed" }).introspect(), /malformed XML/);
  });

  it("validates arguments through <items> and reports <error><message>", async () => {
    const r = runner();
    assert.deepEqual(await r.validate("tenant-a", { tenant_id: "t", tags: ["a", "<b>"] }), {
      ok: true,
    });
    const items = readFileSync(join(checkpointDir, "items.xml"), "utf8");
    assert.match(items, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<items>\n/);
    assert.match(items, new RegExp(`<server_uri>${peer.url}</server_uri>`));
    assert.match(items, /<item name="tenant-a">/);
    assert.match(items, /<param_list name="tags">\s*<value>a<\/value>\s*<value>&lt;b&gt;<\/value>/);

    assert.deepEqual(await r.validate("tenant-a", { tenant_id: "bad" }), {
      ok: false,
      message: 'tenant_id "bad" is not a GUID & cannot be used',
    });
    const crashed = await r.validate("tenant-a", { tenant_id: "crash" });
    assert.equal(crashed.ok, false);
    assert.match(crashed.ok ? "" : crashed.message, /exited with code 3/);
  });

  it("runs with splunkd's <input> document and indexes events with defaults", async () => {
    const r = runner();
    const result = await r.run("tenant-a", { tenant_id: "t", mode: "stream" });
    assert.equal(result.exitCode, 0);
    assert.equal(result.events, 3);
    assert.equal(result.truncatedEvents, 0);
    assert.equal(result.error, undefined);

    const input = readFileSync(join(checkpointDir, "input.xml"), "utf8");
    assert.match(input, /<stanza name="ta_defender_mssp:\/\/tenant-a" app="TA-defender-mssp">/);
    for (const [name, value] of [
      ["host", "$decideOnStartup"],
      ["index", "default"],
      ["interval", "300"],
      ["disabled", "0"],
      ["start_by_shell", "false"],
    ]) {
      assert.ok(input.includes(`<param name="${name}">${value ?? ""}</param>`), name);
    }
    assert.ok(input.includes(`<checkpoint_dir>${checkpointDir}</checkpoint_dir>`));

    const [first, second, third] = r.index.events;
    assert.deepEqual(first, {
      index: "security",
      sourcetype: "custom:st",
      source: `${SCHEME}://tenant-a`,
      host: peer.serverName,
      time: 1700000000.123,
      raw: "first & one",
      stanza: `${SCHEME}://tenant-a`,
    });
    assert.equal(second?.index, "main");
    assert.equal(second?.sourcetype, "ms:defender:atp:alerts");
    assert.ok(Math.abs((second?.time ?? 0) - Date.now() / 1000) < 60);
    assert.deepEqual([third?.host, third?.source], ["edge-1", "api"]);
    assert.equal(r.index.search((event) => event.raw === "third").length, 1);
  });

  it("refuses to run a disabled input, as splunkd never starts one", async () => {
    await assert.rejects(runner().run("off", { disabled: "1" }), /disabled input/);
  });

  it("turns each stderr line into a splunkd.log line with its level", async () => {
    const r = runner();
    const result = await r.run("tenant-a", { tenant_id: "t", mode: "stream" });
    assert.equal(result.stderr.length, 4);
    const parsed = r.splunkdLog.map((line) => LOG_LINE.exec(line)?.slice(1));
    assert.deepEqual(parsed, [
      ["INFO", "ExecProcessor", `message from "${executable}" fake started count=3`],
      ["DEBUG", "ExecProcessor", `message from "${executable}" page fetched page=1`],
      ["WARN", "ExecProcessor", `message from "${executable}" tenant slow tenant=a`],
      ["ERROR", "ExecProcessor", `message from "${executable}" a line without a level`],
    ]);
  });

  it("hands the input a system session key that splunkd accepts", async () => {
    const r = runner();
    await r.run("tenant-a", { mode: "session" });
    assert.equal(r.index.events[0]?.raw, `status=200 server=${peer.serverName}`);
  });

  it("drops an event cut off by SIGKILL and counts it as truncated", async () => {
    const r = runner();
    const result = await r.run(
      "tenant-a",
      { mode: "hang-mid-event" },
      {
        killWhen: ({ events }) => (events >= 2 ? "SIGKILL" : undefined),
      },
    );
    assert.deepEqual([result.signal, result.events, result.truncatedEvents], ["SIGKILL", 2, 1]);
    assert.equal(result.error, undefined);
    assert.deepEqual(
      r.index.events.map((event) => event.raw),
      ["1", "2"],
    );
  });

  it("lets an input finish its stream on SIGTERM", async () => {
    const r = runner();
    const result = await r.run(
      "tenant-a",
      { mode: "sigterm" },
      {
        killWhen: ({ events }) => (events === 1 ? "SIGTERM" : undefined),
      },
    );
    assert.deepEqual([result.exitCode, result.events, result.error], [0, 2, undefined]);
    assert.ok(r.splunkdLog.some((line) => line.endsWith("stopping on SIGTERM")));
  });

  it("sends a signal after a delay, and SIGKILL at the timeout", async () => {
    const signalled = await runner().run(
      "a",
      { mode: "hang" },
      { signalAfterMs: 50, signal: "SIGINT" },
    );
    assert.equal(signalled.signal, "SIGINT");
    const hung = await runner().run("a", { mode: "hang" }, { timeoutMs: 200 });
    assert.deepEqual([hung.signal, hung.timedOut], ["SIGKILL", true]);
    assert.match(hung.error ?? "", /did not finish within 200 ms/);
  });

  it("records malformed, non-UTF-8 or unclosed output as an error", async () => {
    const cases: [mode: string, error: RegExp][] = [
      ["malformed", /bare '&'/],
      ["latin1", /not valid UTF-8/],
      ["unclosed", /ended before <\/stream>/],
    ];
    for (const [mode, error] of cases) {
      const r = runner();
      const result = await r.run("tenant-a", { mode });
      assert.match(result.error ?? "", error, mode);
      assert.match(r.splunkdLog.at(-1) ?? "", / ERROR ExecProcessor .*Invalid output from/, mode);
    }
  });

  it("reports a non-zero exit after a complete stream without an error", async () => {
    const r = runner();
    const result = await r.run("tenant-a", { mode: "exit-nonzero" });
    assert.deepEqual([result.exitCode, result.events, result.error], [2, 1, undefined]);
    r.index.clear();
    assert.equal(r.index.events.length, 0);
  });
});
