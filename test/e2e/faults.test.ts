import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { runScenario, SCENARIOS } from "../faults/scenarios.ts";
import { createWorld, type World } from "../support/world.ts";

// A small pass of the fault-injection suite on every CI run; `npm run faults` runs it at size.
describe("fault injection (small)", () => {
  let world: World;

  before(async () => {
    world = await createWorld({ rateLimits: false });
    await world.addAccount("mssp", "fault-test-secret");
  });
  after(() => world.close());

  for (const [i, scenario] of SCENARIOS.entries()) {
    it(`${scenario.name}: nothing lost, nothing twice but after SIGKILL`, async () => {
      const result = await runScenario(world, scenario, { alerts: 800, pageSize: 100, seed: 77 + i, maxRuns: 40 });
      assert.equal(result.lost, 0, JSON.stringify(result));
      if (scenario.duplicatesAllowedPerKill === true) {
        assert.ok(result.duplicated <= result.kills * result.pageSize, JSON.stringify(result));
      } else {
        assert.equal(result.duplicated, 0, JSON.stringify(result));
      }
    });
  }
});
