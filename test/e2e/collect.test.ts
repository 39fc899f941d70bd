import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { generateAlerts, loadPublicAlerts } from "../peers/defender/index.ts";
import { createWorld, type World } from "../support/world.ts";

const SECRET = "mssp-secret-~Q8.known-value-9f2c";

describe("collecting Defender alerts end to end", () => {
  let world: World;

  before(async () => {
    world = await createWorld();
    await world.addAccount("mssp", SECRET);
  });
  after(() => world.close());

  const eventsOf = (tenantId: string) =>
    world.runner.index.search((e) => e.source === `defender_alerts:${tenantId}`);

  it("registers the scheme the way splunkd introspects it", async () => {
    const scheme = await world.runner.introspect();
    assert.equal(scheme.streamingMode, "xml");
    assert.equal(scheme.useExternalValidation, true);
    assert.equal(scheme.useSingleInstance, false);
  });

  it("ingests a 5,000-alert backlog exactly once, then only what changed", async () => {
    const startMs = Date.parse("2024-03-01T00:00:00Z");
    const alerts = generateAlerts({ count: 5000, tenantId: "x", seed: 7, startMs, stepMs: 997 });
    const tenantId = world.addTenant(alerts);
    const params = world.params(tenantId, { page_size: "700" });

    const first = await world.runner.run("backlog", params);
    assert.equal(first.exitCode, 0, first.stderr.join("\n"));
    const firstEvents = eventsOf(tenantId);
    assert.equal(firstEvents.length, 5000);
    const ids = new Set(firstEvents.map((e) => (JSON.parse(e.raw) as { id: string }).id));
    assert.equal(ids.size, 5000);
    const pages = world.defender.requests.filter((r) => r.tenant === tenantId && r.status === 200);
    assert.equal(pages.length, 8, "5,000 alerts at 700 a page take 8 pages");

    // Every event is its alert, whole, evidence included, with _time from lastUpdateTime.
    const byId = new Map(world.defender.alerts(tenantId).map((a) => [a.id, a]));
    for (const event of firstEvents) {
      const alert = JSON.parse(event.raw) as { id: string; lastUpdateTime: string };
      assert.deepEqual(alert, byId.get(alert.id));
      assert.equal(event.index, "mssp_alerts");
      assert.equal(event.sourcetype, "ms:defender:atp:alerts");
      assert.equal(Math.floor(event.time * 1000), Math.floor(Date.parse(alert.lastUpdateTime)));
    }

    // Between runs: 40 alerts change and 25 new ones arrive.
    const changed = [...byId.keys()].slice(100, 140);
    for (const id of changed) world.defender.update(tenantId, id, { status: "InProgress" });
    const fresh = generateAlerts({ count: 25, tenantId: "x", seed: 8, startMs: Date.now() - 4 * 86_400_000, stepMs: 10 });
    // New alerts become visible as they are raised: last updated now.
    world.defender.seed(tenantId, fresh.map((a) => ({ ...a, lastUpdateTime: new Date().toISOString() })));

    const second = await world.runner.run("backlog", params);
    assert.equal(second.exitCode, 0, second.stderr.join("\n"));
    const secondEvents = eventsOf(tenantId).slice(5000);
    assert.equal(secondEvents.length, 65);
    const secondIds = secondEvents.map((e) => (JSON.parse(e.raw) as { id: string }).id).sort();
    assert.deepEqual(secondIds, [...changed, ...fresh.map((a) => a.id)].sort());
    for (const event of secondEvents.slice(0, 40)) {
      const alert = JSON.parse(event.raw) as { id: string; status: string };
      if (changed.includes(alert.id)) assert.equal(alert.status, "InProgress");
    }

    const third = await world.runner.run("backlog", params);
    assert.equal(third.exitCode, 0);
    assert.equal(eventsOf(tenantId).length, 5065, "nothing new, nothing indexed");
    assert.ok(third.stderr.some((l) => /^INFO events ingested .*events=0 /.test(l)), third.stderr.join("\n"));

    const checkpoint = world.splunkd.kv("ta_defender_mssp_checkpoints").find((d) => d["_key"] === "backlog");
    assert.equal(checkpoint?.["tenant_id"], tenantId);
    assert.equal(checkpoint?.["alerts_total"], 5065);
  });

  for (const sample of ["mde_api_alerts_docs_list_expand_evidence.json", "mde_api_alerts_xsoar_fetch_first_page.json"]) {
    it(`ingests the public sample ${sample}, each event equal to its alert`, async () => {
      const alerts = loadPublicAlerts(sample);
      const tenantId = world.addTenant(alerts);
      const result = await world.runner.run(`sample-${alerts.length}-${tenantId.slice(0, 4)}`, world.params(tenantId, { start_date: "2019-01-01" }));
      assert.equal(result.exitCode, 0, result.stderr.join("\n"));
      const events = eventsOf(tenantId).map((e) => JSON.parse(e.raw) as unknown);
      assert.equal(events.length, alerts.length);
      const served = world.defender.alerts(tenantId);
      for (const alert of served) assert.ok(events.some((e) => isDeepEqual(e, alert)), `alert ${alert.id}`);
    });
  }

  it("never writes a secret, token or session key anywhere", async () => {
    const tenantId = world.addTenant(generateAlerts({ count: 30, tenantId: "x", seed: 3, startMs: Date.parse("2025-01-01T00:00:00Z") }));
    const result = await world.runner.run("redaction", world.params(tenantId), {});
    assert.equal(result.exitCode, 0);
    const everything = [
      ...result.stderr,
      ...world.runner.splunkdLog,
      ...world.runner.index.events.map((e) => e.raw),
      JSON.stringify(world.splunkd.conf("ta_defender_mssp_account")),
      JSON.stringify(world.splunkd.kv("ta_defender_mssp_checkpoints")),
    ].join("\n");
    assert.doesNotMatch(everything, new RegExp(SECRET.replace(/[.~]/g, "\\$&")));
    assert.doesNotMatch(everything, /eyJ[A-Za-z0-9_-]{10,}\./, "no JWT");
    assert.doesNotMatch(everything, /Splunk [A-Za-z0-9^_-]{20,}/, "no session key");
  });
});

function isDeepEqual(a: unknown, b: unknown): boolean {
  try {
    assert.deepEqual(a, b);
    return true;
  } catch {
    return false;
  }
}
