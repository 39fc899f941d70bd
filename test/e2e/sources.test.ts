import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { generateGraphAlerts, loadPublicGraphAlerts } from "../peers/graph/index.ts";
import { generateSiemDetections, loadPublicSiemDetections } from "../peers/siem/index.ts";
import { createWorld, type World } from "../support/world.ts";

describe("Graph alerts_v2 and the legacy SIEM API end to end", () => {
  let world: World;

  before(async () => {
    world = await createWorld();
    await world.addAccount("mssp", "sources-secret");
  });
  after(() => world.close());

  const raws = (tenantId: string) =>
    world.runner.index.search((e) => e.source === `defender_alerts:${tenantId}`);

  it("collects Graph alerts of Defender for Endpoint only, by default, exactly once", async () => {
    const startMs = Date.now() - 9 * 86_400_000;
    const alerts = generateGraphAlerts({ count: 2500, tenantId: "x", seed: 9, startMs, stepMs: 200_000 });
    const tenantId = world.addTenant();
    world.graph.seed(tenantId, alerts);
    const params = world.params(tenantId, { api: "graph", start_date: new Date(startMs - 86_400_000).toISOString().slice(0, 10) });

    const first = await world.runner.run("graph", params);
    assert.equal(first.exitCode, 0, first.stderr.join("\n"));
    const wanted = world.graph.alerts(tenantId).filter((a) => a.serviceSource === "microsoftDefenderForEndpoint");
    const events = raws(tenantId);
    assert.ok(wanted.length > 100 && wanted.length < 2500);
    assert.equal(events.length, wanted.length);
    assert.ok(events.every((e) => e.sourcetype === "ms:defender:graph:alerts"));
    const ids = new Set(events.map((e) => (JSON.parse(e.raw) as { id: string }).id));
    assert.equal(ids.size, wanted.length);
    assert.ok(!world.graph.requests.some((r) => "$orderby" in r.query), "Graph takes no $orderby");

    const changed = wanted.slice(0, 12).map((a) => a.id);
    for (const id of changed) world.graph.update(tenantId, id, { status: "resolved" });
    const second = await world.runner.run("graph", params);
    assert.equal(second.exitCode, 0, second.stderr.join("\n"));
    const later = raws(tenantId).slice(events.length).map((e) => JSON.parse(e.raw) as { id: string; status: string });
    assert.deepEqual(later.map((a) => a.id).sort(), [...changed].sort());
    assert.ok(later.every((a) => a.status === "resolved"));
  });

  it("collects every product's Graph alerts with service_sources = *, and the public samples whole", async () => {
    const alerts = loadPublicGraphAlerts("graph_alerts_v2_docs_list_example.json");
    const tenantId = world.addTenant();
    world.graph.seed(tenantId, alerts);
    const result = await world.runner.run("graph-all", world.params(tenantId, { api: "graph", service_sources: "*", start_date: "2019-01-01" }));
    assert.equal(result.exitCode, 0, result.stderr.join("\n"));
    const events = raws(tenantId).map((e) => JSON.parse(e.raw) as Record<string, unknown>);
    assert.equal(events.length, alerts.length);
    const served = world.graph.alerts(tenantId).map((a) => JSON.parse(JSON.stringify(a)) as unknown);
    assert.deepEqual(events, served);
  });

  it("collects legacy SIEM detections, several per alert, each once", async () => {
    const startMs = Date.now() - 2 * 86_400_000;
    const detections = generateSiemDetections({ count: 900, tenantId: "x", seed: 4, startMs, stepMs: 120_000 });
    const tenantId = world.addTenant();
    world.siem.seed(tenantId, detections);
    const params = world.params(tenantId, { api: "siem", start_date: new Date(startMs - 86_400_000).toISOString().slice(0, 10) });
    const result = await world.runner.run("siem", params);
    assert.equal(result.exitCode, 0, result.stderr.join("\n"));
    const events = raws(tenantId);
    assert.equal(events.length, 900);
    assert.ok(events.every((e) => e.sourcetype === "ms:defender:siem:alerts"));
    const fullIds = new Set(events.map((e) => (JSON.parse(e.raw) as { FullId: string }).FullId));
    assert.equal(fullIds.size, 900);
    const alertIds = new Set(events.map((e) => (JSON.parse(e.raw) as { AlertId: string }).AlertId));
    assert.ok(alertIds.size < 900, "several detections per alert");
    const again = await world.runner.run("siem", params);
    assert.equal(again.exitCode, 0);
    assert.equal(raws(tenantId).length, 900);
    assert.ok(loadPublicSiemDetections("legacy_siem_api_alerts_docs_example.json").length >= 1);
  });

  it("says when the legacy SIEM API is retired and what to use instead", async () => {
    const retired = await (await import("../peers/siem/index.ts")).createSiemPeer({
      tls: world.tls,
      verifyToken: (t) => world.entra.verifyAccessToken(t),
      retired: true,
    });
    try {
      const tenantId = world.addTenant();
      const result = await world.runner.run("siem-retired", { ...world.params(tenantId, { api: "siem" }), api_url: retired.url });
      assert.equal(result.exitCode, 1);
      const error = result.stderr.find((l) => l.startsWith("ERROR")) ?? "";
      assert.match(error, /code=API_RETIRED/);
      assert.match(error, /set the input's api to graph/);
    } finally {
      await retired.close();
    }
  });
});
