import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { generateAlerts, type Alert } from "../peers/defender/index.ts";
import { createWorld, type World } from "../support/world.ts";

describe("every alert reaches Splunk intact, whatever it holds", () => {
  let world: World;

  before(async () => {
    world = await createWorld();
    await world.addAccount("mssp", "hygiene-secret");
  });
  after(() => world.close());

  it("writes odd characters, huge alerts and odd fields as searchable JSON, none dropped", async () => {
    const startMs = Date.parse("2025-03-01T00:00:00Z");
    const [plain, nasty, huge, odd, missing] = generateAlerts({ count: 5, tenantId: "x", seed: 5, startMs, stepMs: 60_000 });
    const alerts: Alert[] = [
      plain!,
      {
        ...nasty!,
        title: "XML-forbidden \u0000\u0001\u0008\u000b\u001f and \uFFFE\uFFFF, lone \uD800 and \uDC00",
        description: "markup </data></event></stream> & entities &amp; ]]> and emoji 😀 and RTL \u202e",
      },
      {
        ...huge!,
        evidence: Array.from({ length: 200 }, (_, i) => ({
          ...(huge!.evidence[0] ?? {}),
          processCommandLine: `powershell.exe -enc ${"A".repeat(15_000)} #${i}`,
        })) as Alert["evidence"],
      },
      { ...odd!, incidentId: "not-a-number", mitreTechniques: null, comments: { unexpected: true } } as unknown as Alert,
      { ...missing!, title: undefined, relatedUser: undefined } as unknown as Alert,
    ];
    const tenantId = world.addTenant(alerts);
    const result = await world.runner.run("hygiene", world.params(tenantId));
    assert.equal(result.exitCode, 0, result.stderr.join("\n"));
    assert.equal(result.error, undefined, "splunkd accepted the stream");

    const events = world.runner.index.search((e) => e.source === `defender_alerts:${tenantId}`);
    assert.equal(events.length, 5);
    const byId = new Map(events.map((e) => [(JSON.parse(e.raw) as { id: string }).id, e]));
    const served = world.defender.alerts(tenantId);
    for (const alert of served) {
      const event = byId.get(alert.id);
      assert.ok(event, `alert ${alert.id} indexed`);
      const expected = JSON.parse(JSON.stringify(alert)) as unknown;
      assert.deepEqual(JSON.parse(event.raw), expected);
    }
    assert.ok((byId.get(huge!.id)?.raw.length ?? 0) > 3_000_000, "a 3 MB alert stays one event");
  });

});
