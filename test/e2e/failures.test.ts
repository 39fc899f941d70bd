import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, describe, it } from "node:test";

import { generateAlerts } from "../peers/defender/index.ts";
import { createWorld, EXECUTABLE, type World } from "../support/world.ts";

const CHECKPOINTS = "ta_defender_mssp_checkpoints";

describe("failures end in a clear message and never move the checkpoint", () => {
  let world: World;

  before(async () => {
    world = await createWorld();
    await world.addAccount("mssp", "right-secret");
  });
  after(() => world.close());

  const checkpointOf = (input: string) =>
    world.splunkd.kv(CHECKPOINTS).find((d) => d["_key"] === input);
  const errorLine = (stderr: string[]) => stderr.find((l) => l.startsWith("ERROR ")) ?? "";
  const noStackTrace = (lines: string[]) => {
    assert.ok(!lines.some((l) => /^\s+at .+\(.+:\d+:\d+\)$/.test(l)), lines.join("\n"));
  };

  /** A tenant with one successful run behind it, so a failure has a checkpoint to keep. */
  const collected = async (input: string): Promise<{ tenantId: string; before: unknown }> => {
    const startMs = Date.parse("2025-05-01T00:00:00Z");
    const tenantId = world.addTenant(generateAlerts({ count: 20, tenantId: "x", seed: 11, startMs }));
    const ok = await world.runner.run(input, world.params(tenantId));
    assert.equal(ok.exitCode, 0, ok.stderr.join("\n"));
    world.defender.seed(tenantId, generateAlerts({ count: 5, tenantId: "x", seed: 12, startMs: Date.now() - 4 * 86_400_000 }));
    return { tenantId, before: structuredClone(checkpointOf(input)) };
  };

  it("rejects bad stdin", async () => {
    for (const stdin of ["", "not xml at all", "<input><server_uri>https://x", "<items/>"]) {
      const result = await runRaw([], stdin);
      assert.equal(result.code, 1, stdin);
      assert.match(result.stderr, /^ERROR .*code=INPUT_DOCUMENT_INVALID .*action=/m);
      assert.equal(result.stdout, "");
      noStackTrace(result.stderr.split("\n"));
    }
  });

  it("answers splunkd's validation with specific messages", async () => {
    const tenantId = world.addTenant();
    const cases: [Record<string, string>, RegExp][] = [
      [{ cloud: "mars" }, /cloud 'mars' is unknown: use one of commercial, gcc, gcc_high, dod, custom/],
      [{ tenant_id: "not-a-guid" }, /tenant_id 'not-a-guid' is not a tenant ID/],
      [{ account: "" }, /account is required/],
      [{ account: "nobody-made-this" }, /account 'nobody-made-this' does not exist; create it on the add-on's setup page/],
      [{ start_date: "2999-01-01" }, /start_date '2999-01-01' is in the future/],
      [{ page_size: "20000" }, /page_size '20000' is out of range: use a whole number from 1 to 10000/],
      [{ cloud: "custom", login_url: "" }, /login_url is required when cloud is custom/],
    ];
    for (const [extra, message] of cases) {
      const result = await world.runner.validate("v", world.params(tenantId, extra));
      assert.equal(result.ok, false, JSON.stringify(extra));
      if (!result.ok) assert.match(result.message, message);
    }
    assert.deepEqual(await world.runner.validate("v", world.params(tenantId)), { ok: true });
  });

  it("stops on a wrong secret and says which tenant and what to do", async () => {
    const { tenantId, before } = await collected("wrong-secret");
    world.entra.setSecrets("5b7d1c1e-8f0a-4c55-9a61-0c6f1b2e3d4a", [{ value: "rotated-secret" }]);
    // The token the last run kept would serve until it expires; this is the run after that.
    await world.expireStoredToken("wrong-secret");
    try {
      const result = await world.runner.run("wrong-secret", world.params(tenantId));
      assert.equal(result.exitCode, 1);
      const line = errorLine(result.stderr);
      assert.match(line, /code=AUTH_INVALID_SECRET/);
      assert.match(line, new RegExp(`tenant ${tenantId}`));
      assert.match(line, /aadsts=AADSTS7000215/);
      assert.match(line, /action="The client secret is wrong/);
      assert.equal(result.events, 0);
      assert.deepEqual(checkpointOf("wrong-secret"), before);
      noStackTrace(result.stderr);
    } finally {
      world.entra.setSecrets("5b7d1c1e-8f0a-4c55-9a61-0c6f1b2e3d4a", [{ value: "right-secret" }]);
    }
  });

  it("stops when the API cannot be reached", async () => {
    const { tenantId, before } = await collected("unreachable");
    const result = await world.runner.run("unreachable", world.params(tenantId, { api_url: "https://127.0.0.1:9" }));
    assert.equal(result.exitCode, 1);
    assert.match(errorLine(result.stderr), /Could not reach 127\.0\.0\.1:9 .*code=API_UNREACHABLE/);
    assert.equal(result.events, 0);
    assert.deepEqual(checkpointOf("unreachable"), before);
    noStackTrace(result.stderr);
  });

  it("names the permission when the tenant never granted it", async () => {
    const tenantId = world.addTenant();
    world.entra.consent({ tenantId, clientId: "5b7d1c1e-8f0a-4c55-9a61-0c6f1b2e3d4a", grants: [] });
    const result = await world.runner.run("no-role", world.params(tenantId));
    assert.equal(result.exitCode, 1);
    assert.match(errorLine(result.stderr), /HTTP 403.*Alert\.Read\.All.*code=API_FORBIDDEN/);
    assert.equal(checkpointOf("no-role"), undefined);
  });

  it("falls back to the checkpoint file while the KV store is unavailable", async () => {
    const { tenantId, before } = await collected("kv-down");
    world.splunkd.setKvStoreStatus("starting");
    try {
      const result = await world.runner.run("kv-down", world.params(tenantId));
      assert.equal(result.exitCode, 0, result.stderr.join("\n"));
      assert.equal(result.events, 5, "only the 5 new alerts");
      assert.ok(result.stderr.some((l) => l.startsWith("WARN KV store unavailable, using the checkpoint file")));
      assert.ok(result.stderr.some((l) => l.startsWith("WARN KV store unavailable, checkpoint saved to file only")));
      // A new input has no file copy, so with the KV store down it cannot know where it stands.
      const fresh = await world.runner.run("kv-down-new", world.params(tenantId));
      assert.equal(fresh.exitCode, 1);
      assert.match(errorLine(fresh.stderr), /code=KVSTORE_UNAVAILABLE/);
      assert.equal(fresh.events, 0);
    } finally {
      world.splunkd.setKvStoreStatus("ready");
    }
    assert.deepEqual(checkpointOf("kv-down"), before, "the KV copy waits for the next save");
    const again = await world.runner.run("kv-down", world.params(tenantId));
    assert.equal(again.exitCode, 0);
    assert.equal(again.events, 0, "the newer file copy won: nothing ingested twice");
    assert.ok(again.stderr.some((l) => /events ingested .*checkpoint=file/.test(l)), again.stderr.join("\n"));
  });

  it("keeps the pages written before a failure and resumes after them without duplicates", async () => {
    const startMs = Date.parse("2025-07-01T00:00:00Z");
    const alerts = generateAlerts({ count: 1000, tenantId: "x", seed: 21, startMs });
    const tenantId = world.addTenant(alerts);
    const params = world.params(tenantId, { page_size: "200" });
    let requests = 0;
    world.defender.injectFault({
      status: 400,
      body: { error: { code: "BadRequest", message: "injected", target: "t" } },
      match: (r) => r.tenantId === tenantId && ++requests === 4,
    });
    const failed = await world.runner.run("resume", params);
    assert.equal(failed.exitCode, 1);
    assert.match(errorLine(failed.stderr), /HTTP 400: BadRequest: injected .*code=API_BAD_REQUEST/);
    // Three pages of 200 went through before the fourth request failed (keyset paging re-reads
    // the ties at each page's last instant, which are skipped, so slightly fewer than 600).
    assert.ok(failed.events > 550 && failed.events <= 600, String(failed.events));
    const resumed = await world.runner.run("resume", params);
    assert.equal(resumed.exitCode, 0, resumed.stderr.join("\n"));
    const ids = world.runner.index
      .search((e) => e.source === `defender_alerts:${tenantId}`)
      .map((e) => (JSON.parse(e.raw) as { id: string }).id);
    assert.equal(ids.length, 1000);
    assert.equal(new Set(ids).size, 1000);
  });
});

function runRaw(args: string[], stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(EXECUTABLE, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}
