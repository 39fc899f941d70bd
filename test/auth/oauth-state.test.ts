// OAuth state for consent and sign-in: unguessable, stored hashed, bound to the Splunk session
// that started the flow, single use, expiring.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, it } from "node:test";

import { createStateStore, OAUTH_STATE_COLLECTION, STATE_LIFETIME_MS } from "../../src/auth/onboarding/index.ts";
import type { AddonError } from "../../src/errors.ts";
import { Secret } from "../../src/log/index.ts";
import { startServices, type Services } from "./support/services.ts";

describe("OAuth state", () => {
  let services: Services;
  let nowMs = 1_800_000_000_000;
  const admin = { user: "admin", sessionKey: new Secret("session-key-one") };

  before(async () => {
    services = await startServices();
  });
  after(() => services.close());

  const store = () => createStateStore({ splunkd: services.client, nowMs: () => nowMs });
  const invalid = (why: RegExp) => (error: AddonError) => {
    assert.equal(error.code, "ONBOARDING_STATE_INVALID");
    assert.match(error.message, why);
    return true;
  };

  it("returns the data once, to the session that started the flow", async () => {
    const { state, expiresAtMs } = await store().issue("admin_consent", admin, { account: "mssp" });
    assert.match(state, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(expiresAtMs, nowMs + STATE_LIFETIME_MS);
    const docs = services.splunkd.kv(OAUTH_STATE_COLLECTION);
    assert.ok(docs.some((d) => d["_key"] === createHash("sha256").update(state).digest("hex")));
    assert.ok(!JSON.stringify(docs).includes(state), "the state itself is not stored");
    assert.ok(!JSON.stringify(docs).includes("session-key-one"));

    assert.deepEqual(await store().consume("admin_consent", state, admin), { account: "mssp" });
    await assert.rejects(store().consume("admin_consent", state, admin), invalid(/already used/));
  });

  it("refuses another session, another user, another purpose, an expired or malformed state", async () => {
    const a = await store().issue("sign_in", admin, {});
    await assert.rejects(store().consume("sign_in", a.state, { user: "admin", sessionKey: new Secret("other") }),
      invalid(/another Splunk session/));
    const b = await store().issue("sign_in", admin, {});
    await assert.rejects(store().consume("sign_in", b.state, { user: "eve", sessionKey: admin.sessionKey }),
      invalid(/another Splunk session/));
    const c = await store().issue("sign_in", admin, {});
    await assert.rejects(store().consume("admin_consent", c.state, admin), invalid(/sign in request/));
    const d = await store().issue("sign_in", admin, {});
    nowMs += STATE_LIFETIME_MS + 1;
    await assert.rejects(store().consume("sign_in", d.state, admin), invalid(/expired/));
    await assert.rejects(store().consume("sign_in", "x", admin), invalid(/missing or malformed/));
    // Issuing sweeps what expired.
    await store().issue("sign_in", admin, {});
    assert.equal(services.splunkd.kv(OAUTH_STATE_COLLECTION).filter((doc) => Number(doc["expires_at"]) <= nowMs).length, 0);
  });
});
