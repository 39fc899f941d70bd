// Every refusal of the v2 token endpoint: status, OAuth `error`, AADSTS code and body shape.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { createTestTls, type TestTls } from "../../support/tls.ts";
import {
  CLIENT_ID, DOMAIN_A, MDE_SCOPE, SECRET, TENANT_A, TENANT_B, TENANT_C, basicAuth,
  clientCredentialsForm, createRawClient, createSeededPeer, type RawClient, type RawResponse,
} from "./fixtures.ts";
import type { EntraPeer } from "./index.ts";

const START_MS = Date.parse("2026-03-01T08:00:00Z");
const EXPIRED_CLIENT = "0b0b0b0b-1111-4222-8333-555555555555";

interface Case {
  name: string;
  tenant?: string;
  form?: Record<string, string>;
  opts?: Parameters<RawClient["token"]>[2];
  expect: [status: number, error: string, code: number];
}

const without = (name: string): Record<string, string> => {
  const form = clientCredentialsForm();
  delete form[name];
  return form;
};

const CASES: Case[] = [
  { name: "unknown tenant id", tenant: "99999999-9999-4999-8999-999999999999",
    expect: [400, "invalid_request", 90002] },
  { name: "unknown tenant domain", tenant: "fabrikam.onmicrosoft.com",
    expect: [400, "invalid_request", 90002] },
  { name: "client credentials on common", tenant: "common",
    expect: [400, "invalid_request", 50059] },
  { name: "client credentials on organizations", tenant: "organizations",
    expect: [400, "invalid_request", 50059] },
  { name: "client credentials on consumers", tenant: "consumers",
    expect: [400, "invalid_request", 50059] },
  { name: "GET instead of POST", opts: { method: "GET" },
    expect: [400, "invalid_request", 900561] },
  { name: "JSON body", opts: { contentType: "application/json" },
    expect: [400, "invalid_request", 900144] },
  { name: "no grant_type", form: without("grant_type"), expect: [400, "invalid_request", 900144] },
  { name: "password grant", form: clientCredentialsForm({ grant_type: "password" }),
    expect: [400, "unsupported_grant_type", 70003] },
  { name: "v2 `resource` parameter", form: clientCredentialsForm({ resource: "https://x" }),
    expect: [400, "invalid_request", 901002] },
  { name: "secret in the URL", opts: { query: `client_secret=${SECRET}` },
    expect: [400, "invalid_request", 9002313] },
  { name: "secret in body and Basic at once",
    opts: { headers: { authorization: basicAuth(CLIENT_ID, SECRET) } },
    expect: [400, "invalid_request", 9002313] },
  { name: "no client_id", form: without("client_id"), expect: [400, "invalid_request", 900144] },
  { name: "unknown app", form: clientCredentialsForm({ client_id: "de1e7ed0-0000-4000-8000-0" }),
    expect: [400, "unauthorized_client", 700016] },
  { name: "app not consented in the tenant", tenant: TENANT_C,
    expect: [400, "unauthorized_client", 700016] },
  { name: "no credential", form: without("client_secret"),
    expect: [400, "invalid_client", 7000218] },
  { name: "wrong secret", form: clientCredentialsForm({ client_secret: "nope" }),
    expect: [401, "invalid_client", 7000215] },
  { name: "wrong secret over Basic", form: without("client_secret"),
    opts: { headers: { authorization: basicAuth(CLIENT_ID, "nope") } },
    expect: [401, "invalid_client", 7000215] },
  { name: "expired secret", form: clientCredentialsForm({ client_id: EXPIRED_CLIENT }),
    expect: [401, "invalid_client", 7000222] },
  { name: "client assertion that is not a JWT",
    form: { ...without("client_secret"), client_assertion: "a.b.c",
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" },
    expect: [400, "invalid_request", 50027] },
  { name: "no scope", form: without("scope"), expect: [400, "invalid_request", 900144] },
  { name: "delegated scope", form: clientCredentialsForm({
    scope: "https://graph.microsoft.com/SecurityAlert.Read.All" }),
  expect: [400, "invalid_scope", 1002012] },
  { name: "OIDC scope only", form: clientCredentialsForm({ scope: "openid" }),
    expect: [400, "invalid_scope", 70011] },
  { name: "one resource, two scopes", form: clientCredentialsForm({
    scope: `${MDE_SCOPE} https://api.securitycenter.microsoft.com/Alert.Read.All` }),
  expect: [400, "invalid_scope", 70011] },
  { name: "two resources", form: clientCredentialsForm({
    scope: `${MDE_SCOPE} https://graph.microsoft.com/.default` }),
  expect: [400, "invalid_scope", 700022] },
  { name: "unknown resource",
    form: clientCredentialsForm({ scope: "https://example.com/.default" }),
    expect: [400, "invalid_resource", 500011] },
];

describe("entra peer token errors", () => {
  let tls: TestTls;
  let peer: EntraPeer;
  let client: RawClient;

  before(async () => {
    tls = createTestTls();
    peer = await createSeededPeer(tls, () => START_MS);
    peer.registerApp({
      clientId: EXPIRED_CLIENT, secrets: [{ value: SECRET, expiresAt: START_MS - 1 }],
    });
    peer.consent({ tenantId: TENANT_A, clientId: EXPIRED_CLIENT, grants: [] });
    client = createRawClient(peer, tls);
  });
  after(async () => {
    await client.close();
    await peer.close();
  });

  const assertError = (res: RawResponse, [status, error, code]: Case["expect"]): void => {
    assert.deepEqual([res.status, res.body.error, res.body.error_codes], [status, error, [code]],
      String(res.body.error_description));
  };

  for (const c of CASES) {
    it(`${c.name} → ${c.expect.join(" ")}`, async () => {
      const form = c.form ?? clientCredentialsForm();
      const res = await client.token(c.tenant ?? TENANT_A, form, c.opts);
      assertError(res, c.expect);
      assert.ok(!JSON.stringify(peer.requests).includes(SECRET), "secret value in the request log");
    });
  }

  it("writes the ESTS error body, echoing client-request-id as the correlation id", async () => {
    const correlationId = "c0ffee00-1234-4567-89ab-cdef01234567";
    const res = await client.token(TENANT_A, clientCredentialsForm({ client_secret: "nope" }),
      { query: `client-request-id=${correlationId}` });

    const traceId = String(res.body.trace_id);
    assert.match(traceId, /^[0-9a-f-]{36}$/);
    assert.equal(res.body.correlation_id, correlationId);
    assert.equal(res.body.timestamp, "2026-03-01 08:00:00Z");
    assert.equal(res.body.error_uri, `${peer.url}/error?code=7000215`);
    assert.match(String(res.body.error_description), new RegExp(
      `^AADSTS7000215: Invalid client secret provided\\..*\\r\\nTrace ID: ${traceId}\\r\\n` +
      `Correlation ID: ${correlationId}\\r\\nTimestamp: 2026-03-01 08:00:00Z$`, "s"));
    assert.equal(res.headers["cache-control"], "no-store, no-cache");
    assert.equal(peer.requests.at(-1)?.status, 401);
    assert.deepEqual(peer.requests.at(-1)?.errorCodes, [7000215]);
  });

  it("accepts the tenant's domain and refuses the app after consent is revoked", async () => {
    const clientId = "0c0c0c0c-1111-4222-8333-666666666666";
    peer.registerApp({ clientId, secrets: [{ value: "x" }] });
    const form = clientCredentialsForm({ client_id: clientId, client_secret: "x" });
    peer.consent({ tenantId: TENANT_B, clientId, grants: [] });
    assert.equal((await client.token(TENANT_B, form)).status, 200);

    peer.revokeConsent(TENANT_B, clientId);
    assertError(await client.token(TENANT_B, form), [400, "unauthorized_client", 700016]);
    assert.equal((await client.token(DOMAIN_A, clientCredentialsForm())).status, 200);
  });

  it("fails injected errors for their tenant only, the given number of times", async () => {
    peer.injectError({ tenantId: TENANT_B, status: 429, error: "temporarily_unavailable",
      code: 90055, retryAfterSeconds: 7, times: 2 });

    for (let i = 0; i < 2; i += 1) {
      const res = await client.token(TENANT_B, clientCredentialsForm());
      assertError(res, [429, "temporarily_unavailable", 90055]);
      assert.equal(res.headers["retry-after"], "7");
      assert.match(String(res.body.error_description), /^AADSTS90055: /);
    }
    assert.equal((await client.token(TENANT_A, clientCredentialsForm())).status, 200);
    assert.equal((await client.token(TENANT_B, clientCredentialsForm())).status, 200);

    peer.injectError({ status: 503, error: "temporarily_unavailable", code: 90033,
      description: "A transient error has occurred.", suberror: "transient" });
    const outage = await client.token(TENANT_A, clientCredentialsForm());
    assertError(outage, [503, "temporarily_unavailable", 90033]);
    assert.equal(outage.body.suberror, "transient");
    assert.equal(outage.headers["retry-after"], undefined);
  });
});
