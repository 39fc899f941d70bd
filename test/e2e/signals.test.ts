import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { generateAlerts } from "../peers/defender/index.ts";
import { createWorld, type World } from "../support/world.ts";

describe("splunkd stopping the input", () => {
  let world: World;

  before(async () => {
    world = await createWorld();
    await world.addAccount("mssp", "signals-secret");
  });
  after(() => world.close());

  const indexedIds = (tenantId: string): string[] =>
    world.runner.index
      .search((e) => e.source === `defender_alerts:${tenantId}`)
      .map((e) => (JSON.parse(e.raw) as { id: string }).id);

  const backlog = (seed: number): string => {
    const startMs = Date.parse("2025-02-01T00:00:00Z");
    return world.addTenant(generateAlerts({ count: 3000, tenantId: "x", seed, startMs, stepMs: 1000 }));
  };

  it("on SIGTERM, stops promptly, keeps what it wrote and repeats nothing", async () => {
    const tenantId = backlog(31);
    const params = world.params(tenantId, { page_size: "300" });
    const stopped = await world.runner.run("term", params, {
      killWhen: ({ events }) => (events === 450 ? "SIGTERM" : undefined),
    });
    assert.equal(stopped.exitCode, 0, stopped.stderr.join("\n"));
    assert.ok(stopped.events >= 450 && stopped.events < 3000, String(stopped.events));
    assert.equal(stopped.truncatedEvents, 0);
    assert.ok(stopped.stderr.some((l) => l.startsWith("WARN stop requested")));
    assert.ok(stopped.stderr.some((l) => /events ingested .*stopped_by=signal/.test(l)), stopped.stderr.join("\n"));

    const resumed = await world.runner.run("term", params);
    assert.equal(resumed.exitCode, 0);
    const ids = indexedIds(tenantId);
    assert.equal(new Set(ids).size, 3000, "nothing lost");
    assert.equal(ids.length, 3000, "nothing twice");
  });

  it("after SIGKILL mid-page, loses nothing and repeats at most one page", async () => {
    const tenantId = backlog(32);
    const params = world.params(tenantId, { page_size: "300" });
    const killed = await world.runner.run("kill", params, {
      killWhen: ({ events }) => (events === 1050 ? "SIGKILL" : undefined),
    });
    assert.equal(killed.signal, "SIGKILL");
    const resumed = await world.runner.run("kill", params);
    assert.equal(resumed.exitCode, 0, resumed.stderr.join("\n"));
    const ids = indexedIds(tenantId);
    assert.equal(new Set(ids).size, 3000, "nothing lost");
    assert.ok(ids.length - 3000 <= 300, `duplicates ${ids.length - 3000} exceed one page`);
  });
});
