// The splunkd stand-in's data/inputs/<scheme>, field filter and the app's REST handler, as the
// setup page uses them (the browser tests in test/web/ use them end to end).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { createWorld, type World } from "../../support/world.ts";

type Envelope = { entry: Array<{ name: string; content: Record<string, unknown> }>; messages?: Array<{ text: string }> };

describe("splunkd stand-in: what the setup page needs", () => {
  let w: World;
  let tenantId: string;

  before(async () => {
    w = await createWorld();
    w.splunkd.addModularInput("defender_alerts", w.runner);
    w.splunkd.setHandlerEnv({ NODE_EXTRA_CA_CERTS: w.tls.caPath });
    await w.addAccount("mssp", "stand-in-secret~1");
    tenantId = w.addTenant();
  });
  after(() => w.close());

  const text = (json: unknown) => (json as Envelope).messages?.[0]?.text ?? "";

  it("creates an input only when the scheme's --validate-arguments accepts it, with its message otherwise", async () => {
    const refused = await w.rest("POST", "data/inputs/defender_alerts", { name: "bad", ...w.params("not-a-guid") });
    assert.equal(refused.status, 400);
    assert.match(text(refused.json), /^Argument validation for scheme=defender_alerts: Input 'bad': tenant_id 'not-a-guid' is not a tenant ID/);
    assert.equal(w.splunkd.conf("inputs")["defender_alerts://bad"], undefined);

    const unknown = await w.rest("POST", "data/inputs/defender_alerts", { name: "x", ...w.params(tenantId), colour: "blue" });
    assert.deepEqual([unknown.status, text(unknown.json)], [400, `Argument "colour" is not supported by this handler.`]);

    const created = await w.rest("POST", "data/inputs/defender_alerts", { name: "contoso", ...w.params(tenantId) });
    assert.equal(created.status, 201, text(created.json));
    const listed = (await w.rest("GET", "data/inputs/defender_alerts")).json as Envelope;
    assert.deepEqual(listed.entry.map((e) => [e.name, e.content["tenant_id"], e.content["page_size"], e.content["disabled"]]),
      [["contoso", tenantId, "1000", false]]);
    assert.equal((await w.rest("POST", "data/inputs/defender_alerts", { name: "contoso", ...w.params(tenantId) })).status, 409);
  });

  it("edits (validated again), disables, enables and deletes an input", async () => {
    const bad = await w.rest("POST", "data/inputs/defender_alerts/contoso", { page_size: "0" });
    assert.equal(bad.status, 400);
    assert.match(text(bad.json), /page_size/);
    assert.equal((await w.rest("POST", "data/inputs/defender_alerts/contoso", { interval: "600" })).status, 200);
    assert.equal((await w.rest("POST", "data/inputs/defender_alerts/contoso/disable", {})).status, 200);
    assert.equal(w.splunkd.conf("inputs")["defender_alerts://contoso"]?.["disabled"], "1");
    assert.equal((await w.rest("POST", "data/inputs/defender_alerts/contoso/enable", {})).status, 200);
    assert.deepEqual([w.splunkd.conf("inputs")["defender_alerts://contoso"]?.["disabled"], w.splunkd.conf("inputs")["defender_alerts://contoso"]?.["interval"]], ["0", "600"]);
    assert.equal((await w.rest("DELETE", "data/inputs/defender_alerts/contoso")).status, 200);
    assert.equal((await w.rest("GET", "data/inputs/defender_alerts/contoso")).status, 404);
  });

  it("lists credentials without their values when asked for some fields only (f=)", async () => {
    const all = (await w.rest("GET", "storage/passwords")).json as Envelope;
    assert.equal(all.entry[0]?.content["clear_password"], "stand-in-secret~1");
    const some = (await w.rest("GET", "storage/passwords?f=username&f=realm")).json as Envelope;
    assert.deepEqual(some.entry.map((e) => e.content), [{ realm: "TA-defender-mssp", username: "account/mssp/client_secret" }]);
  });

  it("runs the app's REST handler from restmap.conf with the caller's session, after its capability check", async () => {
    const context = (await w.rest("GET", "authentication/current-context")).json as Envelope;
    assert.deepEqual(context.entry[0]?.content["roles"], ["admin"]);
    const answer = await w.rest("POST", "ta_defender_mssp/onboard", {});
    // A form body is not the handler's JSON: the real handler answers so, with its status.
    assert.equal(answer.status, 400);
    assert.equal(((answer.json as { error: { code: string } }).error).code, "ONBOARDING_REQUEST_INVALID");
  });
});
