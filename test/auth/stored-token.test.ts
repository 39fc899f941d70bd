import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import {
  createSecretStore, createStoredToken, createTokenProvider, RENEW_BEFORE_MS, SECRET_REALM, secretNames, tokenBinding,
} from "../../src/auth/index.ts";
import { Secret } from "../../src/log/index.ts";
import { createEntraPeer, type EntraPeer } from "../peers/entra/index.ts";
import { startServices, type Services } from "./support/services.ts";

const CLIENT_ID = "5d0b7f4e-1c2a-4f3e-8b9d-0a1b2c3d4e5f";
const TENANT = "8e7d6c5b-4a39-4281-9706-f5e4d3c2b1a0";
const RESOURCE = "https://api.securitycenter.microsoft.com";
const NAME = secretNames.accessToken("stored");

describe("access tokens kept between runs (storage/passwords)", () => {
  let services: Services;
  let entra: EntraPeer;
  let clock = Date.now();

  before(async () => {
    services = await startServices();
    entra = await createEntraPeer({ tls: services.tls });
    entra.addTenant(TENANT);
    entra.registerApp({ clientId: CLIENT_ID, secrets: [{ value: "good" }, { value: "second" }] });
    entra.consent({ tenantId: TENANT, clientId: CLIENT_ID, grants: [{ resource: RESOURCE, roles: ["Alert.Read.All"] }] });
  });
  after(async () => {
    await entra.close();
    await services.close();
  });

  const secrets = () => createSecretStore({ splunkd: services.client, realm: SECRET_REALM, nowMs: () => clock });
  /** One run's provider, as openTokenProvider builds it for a collection run. */
  const run = (secret = "good") => {
    const binding = tokenBinding({ tenantId: TENANT, loginUrl: new URL(entra.url), scope: RESOURCE, credential: `fingerprint of ${secret}` });
    return createTokenProvider({
      credential: { kind: "client_secret", clientId: CLIENT_ID, secret: new Secret(secret) },
      tenantId: TENANT,
      loginUrl: new URL(entra.url),
      resource: RESOURCE,
      http: services.http,
      nowMs: () => clock,
      stored: createStoredToken({ secrets: secrets(), name: NAME, binding }),
    });
  };
  const tokenRequests = () => entra.requests.filter((r) => r.tenantId === TENANT).length;

  it("asks Entra ID once, then serves later runs from storage/passwords until five minutes before expiry", async () => {
    const before = tokenRequests();
    const first = (await run().getToken()).reveal();
    assert.equal(tokenRequests(), before + 1);

    for (let i = 0; i < 3; i += 1) {
      clock += 10 * 60_000;
      assert.equal((await run().getToken()).reveal(), first, `run ${i + 2}`);
    }
    assert.equal(tokenRequests(), before + 1, "later runs made no token request");

    // Stored only in storage/passwords, chunked, in the add-on's realm; never in plain sight.
    const entries = services.splunkd.passwords().filter((p) => p.username.startsWith(NAME));
    assert.ok(entries.length > 2, "a token is longer than one entry holds");
    assert.ok(entries.every((p) => p.realm === SECRET_REALM));
    assert.ok(!JSON.stringify(services.splunkd.kv("ta_defender_mssp_health")).includes(first.slice(-40)));

    // Less than five minutes left (3,599 s tokens, 56 minutes passed): a new one.
    clock += 60 * 60_000 - 30 * 60_000 - RENEW_BEFORE_MS + 60_000;
    const renewed = (await run().getToken()).reveal();
    assert.notEqual(renewed, first);
    assert.equal(tokenRequests(), before + 2);
    clock += 60_000;
    assert.equal((await run().getToken()).reveal(), renewed);
    assert.equal(tokenRequests(), before + 2);
  });

  it("asks Entra ID once for callers that need a token at the same time", async () => {
    await secrets().delete(NAME);
    const tokens = run();
    const before = tokenRequests();
    const [a, b, c] = await Promise.all([tokens.getToken(), tokens.getToken(), tokens.getToken()]);
    assert.equal(tokenRequests(), before + 1);
    assert.deepEqual([b.reveal(), c.reveal()], [a.reveal(), a.reveal()]);
  });

  it("never uses a token stored for another credential", async () => {
    const before = tokenRequests();
    await run().getToken();
    await run("second").getToken();
    assert.equal(tokenRequests(), before + 1, "a changed secret asks Entra ID");
  });

  it("discards a token the API refused, here and in storage", async () => {
    const tokens = run();
    const refused = (await tokens.getToken()).reveal();
    const before = tokenRequests();
    await tokens.discard();
    assert.equal(await secrets().read(NAME), undefined);
    const fresh = (await tokens.getToken()).reveal();
    assert.notEqual(fresh, refused);
    assert.equal(tokenRequests(), before + 1);
    assert.equal((await run().getToken()).reveal(), fresh, "the new one is stored");
  });

  it("asks Entra ID when the stored value is unreadable, and replaces it", async () => {
    await secrets().write(NAME, new Secret("{not json"));
    const before = tokenRequests();
    const token = (await run().getToken()).reveal();
    assert.equal(tokenRequests(), before + 1);
    assert.equal((await run().getToken()).reveal(), token);
  });

  it("still gets a token when storage/passwords cannot be read or written", async () => {
    const broken = createStoredToken({
      secrets: { ...secrets(), read: async () => { throw new Error("splunkd down"); }, write: async () => { throw new Error("splunkd down"); } },
      name: NAME, binding: "b", logger: { warn: () => {} } as never,
    });
    assert.equal(await broken.read(), undefined);
    await broken.write({ accessToken: new Secret("x"), expiresAtMs: clock + 3_600_000 });
  });
});
