// The setup page's "Test connection", through the built executable's --onboard mode: a token
// and one alert read, or the same coded error a run would give.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { startOnboardingWorld, type OnboardingWorld } from "../auth/support/onboarding.ts";
import { generateAlerts } from "../peers/defender/index.ts";
import { MSSP_CLIENT_ID } from "../support/world.ts";

describe("test connection", () => {
  let o: OnboardingWorld;

  before(async () => {
    o = await startOnboardingWorld();
    const stored = await o.onboard("store_client_secret", { account: "mssp", client_id: MSSP_CLIENT_ID, client_secret: "tc-secret" });
    assert.equal(stored.status, 200, JSON.stringify(stored.payload));
    o.world.entra.setSecrets(MSSP_CLIENT_ID, [{ value: "tc-secret" }]);
  });
  after(() => o.close());

  it("gets a token and reads one alert, in one API call, writing nothing", async () => {
    const tenantId = o.world.addTenant(generateAlerts({ count: 40, tenantId: "x", seed: 2, startMs: Date.now() - 5 * 86_400_000 }));
    const before = o.world.defender.requests.length;
    const answer = await o.onboard("test_connection", { ...o.world.params(tenantId), input: "contoso" });
    assert.equal(answer.status, 200, JSON.stringify(answer.payload));
    assert.equal(answer.payload["outcome"], "connected");
    assert.equal(answer.payload["alerts_read"], "1");
    assert.match(String(answer.payload["summary"]), new RegExp(`^Connected to tenant ${tenantId}: got a token and read an alert`));
    assert.equal(o.world.defender.requests.length - before, 1, "one API call");
    assert.equal(o.world.splunkd.kv("ta_defender_mssp_checkpoints").length, 0, "no checkpoint touched");
  });

  it("answers a bad secret with the run's code, message and next step", async () => {
    const tenantId = o.world.addTenant();
    o.world.entra.setSecrets(MSSP_CLIENT_ID, [{ value: "rotated-elsewhere" }]);
    try {
      const answer = await o.onboard("test_connection", o.world.params(tenantId));
      assert.equal(answer.status, 502);
      const error = answer.payload["error"] as { code: string; message: string; action: string };
      assert.equal(error.code, "AUTH_INVALID_SECRET");
      assert.match(error.message, new RegExp(tenantId));
      assert.match(error.action, /client secret is wrong/);
    } finally {
      o.world.entra.setSecrets(MSSP_CLIENT_ID, [{ value: "tc-secret" }]);
    }
  });

  it("names the missing permission when the tenant never granted it", async () => {
    const tenantId = o.world.addTenant();
    o.world.entra.consent({ tenantId, clientId: MSSP_CLIENT_ID, grants: [] });
    const answer = await o.onboard("test_connection", o.world.params(tenantId));
    const error = answer.payload["error"] as { code: string; message: string };
    assert.equal(error.code, "API_FORBIDDEN");
    assert.match(error.message, /Alert\.Read\.All/);
  });
});
