// The admin consent page (v1 `/{tenant}/adminconsent`, v2 `/{tenant}/v2.0/adminconsent`): the
// documented success and failure redirects, and the service principal it creates.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";

import { createTestTls, type TestTls } from "../../support/tls.ts";
import {
  CLIENT_ID, MDE_SCOPE, REDIRECT_URI, TENANT_A, TENANT_C, USER_ADMIN, USER_PLAIN,
  clientCredentialsForm, createRawClient, createSeededPeer, enableDelegated, type RawClient,
} from "./fixtures.ts";
import type { EntraPeer } from "./index.ts";

describe("entra peer admin consent", () => {
  let tls: TestTls;
  let peer: EntraPeer;
  let client: RawClient;
  const ADMIN_C = "admin@fabrikam.onmicrosoft.com";

  before(async () => {
    tls = createTestTls();
    peer = await createSeededPeer(tls);
    enableDelegated(peer);
    peer.addUser({ tenantId: TENANT_C, upn: ADMIN_C, admin: true });
    client = createRawClient(peer, tls);
  });
  after(async () => {
    await client.close();
    await peer.close();
  });
  beforeEach(() => {
    peer.revokeConsent(TENANT_C, CLIENT_ID);
    peer.signIn(ADMIN_C);
    peer.answerConsent("accept");
  });

  const visit = async (path: string, params: Record<string, string>) => {
    const res = await client.get(`${path}?${new URLSearchParams(params).toString()}`);
    return { res, query: new URL(res.headers["location"] ?? "https://none.invalid").searchParams };
  };
  const v1Params = { client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, state: "s-42" };

  it("v1: redirects with tenant, state and admin_consent=True; client credentials then work", async () => {
    assert.deepEqual((await client.token(TENANT_C, clientCredentialsForm())).body.error_codes, [700016]);
    const { res, query } = await visit("/organizations/adminconsent", v1Params);
    assert.equal(res.status, 302);
    assert.deepEqual([...query.entries()], [["tenant", TENANT_C], ["state", "s-42"], ["admin_consent", "True"]]);
    const token = await client.token(TENANT_C, clientCredentialsForm());
    assert.equal(token.status, 200);
    assert.deepEqual(peer.verifyAccessToken(String(token.body.access_token)).roles, ["Alert.Read.All"]);
  });

  it("v2: needs scope and echoes it", async () => {
    const missing = await visit(`/${TENANT_C}/v2.0/adminconsent`, v1Params);
    assert.equal(missing.query.get("error"), "invalid_request");
    const { query } = await visit(`/${TENANT_C}/v2.0/adminconsent`, { ...v1Params, scope: MDE_SCOPE });
    assert.deepEqual(Object.fromEntries(query), {
      admin_consent: "True", tenant: TENANT_C, scope: MDE_SCOPE, state: "s-42",
    });
  });

  it("reports a declined consent in each documented form, and creates nothing", async () => {
    peer.answerConsent("decline");
    const v1 = await visit(`/${TENANT_C}/adminconsent`, v1Params);
    assert.deepEqual(Object.fromEntries(v1.query), {
      error: "permission_denied", error_description: "The admin canceled the request", state: "s-42",
    });
    const v2 = await visit(`/${TENANT_C}/v2.0/adminconsent`, { ...v1Params, scope: MDE_SCOPE });
    assert.equal(v2.query.get("admin_consent"), "True");
    assert.equal(v2.query.get("error"), "consent_required");
    assert.match(v2.query.get("error_description") ?? "", /^AADSTS65004: /);
    assert.deepEqual((await client.token(TENANT_C, clientCredentialsForm())).body.error_codes, [700016]);
  });

  it("refuses a user who is not an admin (90094) and shows error pages for bad requests", async () => {
    peer.signIn(USER_PLAIN);
    const plain = await visit("/common/adminconsent", v1Params);
    assert.deepEqual([plain.query.get("error"), plain.query.get("state")], ["access_denied", "s-42"]);
    assert.match(plain.query.get("error_description") ?? "", /^AADSTS90094: /);

    peer.signIn(USER_ADMIN);
    const foreign = await visit(`/${TENANT_C}/adminconsent`, v1Params);
    assert.match(foreign.query.get("error_description") ?? "", /^AADSTS50020: /);
    const badRedirect = await visit(`/${TENANT_A}/adminconsent`, { ...v1Params, redirect_uri: "https://x.example/cb" });
    assert.deepEqual([badRedirect.res.status, badRedirect.res.body.error_codes], [400, [50011]]);
    const unknownTenant = await visit("/99999999-0000-4000-8000-000000000000/adminconsent", v1Params);
    assert.deepEqual([unknownTenant.res.status, unknownTenant.res.body.error_codes], [400, [90002]]);
    assert.deepEqual(peer.browserRequests.slice(-4).map((r) => r.outcome),
      ["error:access_denied", "error:access_denied", "page:invalid_request", "page:invalid_request"]);
  });
});
