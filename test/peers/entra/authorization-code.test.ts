// The authorize page for a scripted browser and the authorization_code grant with PKCE, v2 and
// v1, with every refusal an MSSP's onboarding can meet.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";

import { createTestTls, type TestTls } from "../../support/tls.ts";
import {
  CLIENT_ID, MDE_RESOURCE, REDIRECT_URI, SECRET, TENANT_A, TENANT_B, USER_ADMIN, USER_PLAIN,
  authorizeCode, challengeOf, createRawClient, createSeededPeer, enableDelegated,
  type RawClient, type RawResponse,
} from "./fixtures.ts";
import { CODE_LIFETIME_MS, type EntraPeer } from "./index.ts";

const VERIFIER = "verifier-0123456789-0123456789-0123456789-0123456789";
const SCOPE = `${MDE_RESOURCE}/.default offline_access openid profile`;

describe("entra peer authorization code with PKCE", () => {
  let tls: TestTls;
  let peer: EntraPeer;
  let client: RawClient;
  let clockMs = Date.parse("2026-04-01T09:00:00Z");

  before(async () => {
    tls = createTestTls();
    peer = await createSeededPeer(tls, () => clockMs);
    enableDelegated(peer);
    client = createRawClient(peer, tls);
  });
  after(async () => {
    await client.close();
    await peer.close();
  });
  beforeEach(() => {
    peer.signIn(USER_ADMIN);
    peer.answerConsent("accept");
  });

  const authorizeParams = (extra: Record<string, string> = {}): Record<string, string> => ({
    client_id: CLIENT_ID, response_type: "code", redirect_uri: REDIRECT_URI, response_mode: "query",
    scope: SCOPE, state: "st-1", code_challenge: challengeOf(VERIFIER), code_challenge_method: "S256",
    ...extra,
  });
  const redeem = (code: string, extra: Record<string, string> = {}, headers?: Record<string, string>) =>
    client.token(TENANT_A, {
      client_id: CLIENT_ID, client_secret: SECRET, grant_type: "authorization_code", code,
      redirect_uri: REDIRECT_URI, code_verifier: VERIFIER, scope: SCOPE, ...extra,
    }, headers === undefined ? {} : { headers });
  const refused = (res: RawResponse, [status, error, code]: [number, string, number]): void => {
    assert.deepEqual([res.status, res.body.error, res.body.error_codes], [status, error, [code]],
      String(res.body.error_description));
  };

  it("redirects with a code and the state, and redeems it once for the user's tokens", async () => {
    const query = await authorizeCode(client, TENANT_A, authorizeParams());
    assert.equal(query.get("state"), "st-1");
    const code = query.get("code") ?? "";
    assert.ok(code.length > 255, "codes are longer than one storage/passwords entry");

    const res = await redeem(code, { client_info: "1" });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(typeof res.body.expires_in, "number");
    assert.ok(String(res.body.refresh_token).length > 1000);
    assert.match(String(res.body.scope), /Alert\.Read/);
    const claims = peer.verifyAccessToken(String(res.body.access_token));
    assert.deepEqual([claims.tid, claims.aud, claims.idtyp, claims.scp, claims.upn],
      [TENANT_A, MDE_RESOURCE, "user", "Alert.Read", USER_ADMIN]);
    const id = JSON.parse(Buffer.from(String(res.body.id_token).split(".")[1] ?? "", "base64url").toString()) as Record<string, unknown>;
    assert.deepEqual([id.tid, id.aud, id.preferred_username, id.iss],
      [TENANT_A, CLIENT_ID, USER_ADMIN, `${peer.url}/${TENANT_A}/v2.0`]);
    assert.deepEqual(JSON.parse(Buffer.from(String(res.body.client_info), "base64url").toString()),
      { uid: id.oid, utid: TENANT_A });

    refused(await redeem(code), [400, "invalid_grant", 54005]);
    assert.deepEqual(peer.browserRequests.at(0)?.parameters, Object.keys(authorizeParams()).sort());
  });

  it("serves the v1 form: resource on both ends, numbers as strings, expires_on", async () => {
    const params = authorizeParams({ resource: "https://graph.windows.net" });
    delete params.scope;
    delete params.response_mode;
    const code = (await authorizeCode(client, TENANT_A, params, "v1")).get("code") ?? "";
    const res = await client.tokenV1(TENANT_A, {
      client_id: CLIENT_ID, client_secret: SECRET, grant_type: "authorization_code", code,
      redirect_uri: REDIRECT_URI, code_verifier: VERIFIER, resource: "https://graph.windows.net",
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.expires_in, "3599");
    assert.equal(res.body.resource, "https://graph.windows.net");
    assert.match(String(res.body.expires_on), /^\d+$/);
    assert.equal(typeof res.body.refresh_token, "string");
    assert.equal(peer.verifyAccessToken(String(res.body.access_token)).scp, "User.Read");
    assert.equal(peer.requests.at(-1)?.protocol, "v1");
  });

  it("refuses a wrong or missing verifier (501481), another redirect_uri (50011), a stale code (70008)", async () => {
    const code1 = (await authorizeCode(client, TENANT_A, authorizeParams())).get("code") ?? "";
    refused(await redeem(code1, { code_verifier: "x".repeat(50) }), [400, "invalid_grant", 501481]);
    const noVerifier = await client.token(TENANT_A, {
      client_id: CLIENT_ID, client_secret: SECRET, grant_type: "authorization_code", code: code1,
      redirect_uri: REDIRECT_URI,
    });
    refused(noVerifier, [400, "invalid_grant", 501481]);
    refused(await redeem(code1, { redirect_uri: "https://elsewhere.example/cb" }),
      [400, "invalid_request", 50011]);

    const code2 = (await authorizeCode(client, TENANT_A, authorizeParams())).get("code") ?? "";
    clockMs += CODE_LIFETIME_MS + 1000;
    refused(await redeem(code2), [400, "invalid_grant", 70008]);
  });

  it("refuses a redemption from a browser (Origin header, 9002326) and at the other version (70000)", async () => {
    const code = (await authorizeCode(client, TENANT_A, authorizeParams())).get("code") ?? "";
    refused(await redeem(code, {}, { origin: "https://splunk.mssp.example" }),
      [400, "invalid_request", 9002326]);
    const v1 = await client.tokenV1(TENANT_A, {
      client_id: CLIENT_ID, client_secret: SECRET, grant_type: "authorization_code", code,
      redirect_uri: REDIRECT_URI, code_verifier: VERIFIER,
    });
    refused(v1, [400, "invalid_grant", 70000]);
    refused(await redeem(code, { resource: MDE_RESOURCE }), [400, "invalid_request", 901002]);
    assert.equal((await redeem(code)).status, 200, "still unused after the refusals");
  });

  it("shows an error page, never a redirect, for an unregistered redirect URI or unknown app", async () => {
    const bad = await client.get(`/${TENANT_A}/oauth2/v2.0/authorize?${new URLSearchParams(
      authorizeParams({ redirect_uri: "https://attacker.example/cb" })).toString()}`);
    assert.equal(bad.status, 400);
    assert.equal(bad.headers["location"], undefined);
    assert.deepEqual(bad.body.error_codes, [50011]);
    const unknown = await client.get(`/${TENANT_A}/oauth2/v2.0/authorize?${new URLSearchParams(
      authorizeParams({ client_id: "99999999-0000-4000-8000-000000000000" })).toString()}`);
    assert.deepEqual([unknown.status, unknown.body.error_codes], [400, [700016]]);
  });

  it("redirects errors back with the state: declined consent, no admin, wrong tenant, resource on v2", async () => {
    const errorOf = async (tenant: string, extra: Record<string, string> = {}) => {
      const res = await client.get(`/${tenant}/oauth2/v2.0/authorize?${new URLSearchParams(authorizeParams(extra)).toString()}`);
      assert.equal(res.status, 302, JSON.stringify(res.body));
      const query = new URL(res.headers["location"] ?? "").searchParams;
      assert.equal(query.get("state"), "st-1");
      assert.equal(query.get("code"), null);
      return [query.get("error"), /^AADSTS(\d+):/.exec(query.get("error_description") ?? "")?.[1]];
    };
    peer.answerConsent("decline");
    assert.deepEqual(await errorOf(TENANT_A, { prompt: "consent" }), ["access_denied", "65004"]);
    peer.answerConsent("accept");
    peer.withdrawDelegatedConsent(TENANT_A, CLIENT_ID, MDE_RESOURCE);
    peer.signIn(USER_PLAIN);
    assert.deepEqual(await errorOf(TENANT_A), ["access_denied", "90094"]);
    peer.signIn(USER_ADMIN);
    assert.deepEqual(await errorOf(TENANT_B), ["access_denied", "50020"]);
    assert.deepEqual(await errorOf(TENANT_A, { resource: MDE_RESOURCE }), ["invalid_request", "901002"]);
    // The admin's consent on the prompt restores the grant.
    assert.ok((await authorizeCode(client, TENANT_A, authorizeParams())).get("code"));
  });

  it("shows the sign-in page when nobody is signed in, and login_required with prompt=none", async () => {
    peer.signIn(undefined);
    const page = await client.get(`/${TENANT_A}/oauth2/v2.0/authorize?${new URLSearchParams(authorizeParams()).toString()}`);
    assert.deepEqual([page.status, page.body.page], [200, "sign_in"]);
    const silent = await client.get(`/${TENANT_A}/oauth2/v2.0/authorize?${new URLSearchParams(
      authorizeParams({ prompt: "none" })).toString()}`);
    assert.equal(new URL(silent.headers["location"] ?? "").searchParams.get("error"), "login_required");
  });
});
