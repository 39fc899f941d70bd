// The refresh token grant: rotation on every use, the old token's fate, 90 days of inactivity
// on the peer's clock, revocation, Conditional Access sign-in frequency, withdrawn consent, and
// the parameters each endpoint version accepts.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { createTestTls, type TestTls } from "../../support/tls.ts";
import {
  CLIENT_ID, MDE_RESOURCE, REDIRECT_URI, SECRET, TENANT_A, TENANT_B, USER_ADMIN,
  authorizeCode, challengeOf, createRawClient, createSeededPeer, enableDelegated,
  type RawClient, type RawResponse,
} from "./fixtures.ts";
import { REFRESH_TOKEN_INACTIVITY_MS, type EntraPeer } from "./index.ts";

const VERIFIER = "verifier-abcdefghijklmnopqrstuvwxyz-abcdefghijklmnop";
const SCOPE = `${MDE_RESOURCE}/.default offline_access openid`;
const DAY_MS = 86_400_000;

describe("entra peer refresh tokens", () => {
  let tls: TestTls;
  let peer: EntraPeer;
  let client: RawClient;

  before(async () => {
    tls = createTestTls();
    peer = await createSeededPeer(tls, () => Date.parse("2026-05-01T00:00:00Z"));
    enableDelegated(peer);
    client = createRawClient(peer, tls);
  });
  after(async () => {
    await client.close();
    await peer.close();
  });

  /** A fresh sign-in: the refresh token of a redeemed code. */
  const signIn = async (): Promise<string> => {
    const code = (await authorizeCode(client, TENANT_A, {
      client_id: CLIENT_ID, response_type: "code", redirect_uri: REDIRECT_URI, scope: SCOPE,
      code_challenge: challengeOf(VERIFIER), code_challenge_method: "S256",
    })).get("code") ?? "";
    const res = await client.token(TENANT_A, {
      client_id: CLIENT_ID, client_secret: SECRET, grant_type: "authorization_code", code,
      redirect_uri: REDIRECT_URI, code_verifier: VERIFIER,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return String(res.body.refresh_token);
  };
  const refresh = (rt: string, extra: Record<string, string> = {}, tenant = TENANT_A) =>
    client.token(tenant, {
      client_id: CLIENT_ID, client_secret: SECRET, grant_type: "refresh_token", refresh_token: rt,
      scope: SCOPE, ...extra,
    });
  const refused = (res: RawResponse, [error, code]: [string, number]): void => {
    assert.deepEqual([res.status, res.body.error, res.body.error_codes], [400, error, [code]],
      String(res.body.error_description));
  };

  it("returns a new refresh token on every use; the old one keeps working by default", async () => {
    let rt = await signIn();
    const seen = new Set([rt]);
    for (let i = 0; i < 5; i += 1) {
      const res = await refresh(rt);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      rt = String(res.body.refresh_token);
      assert.ok(!seen.has(rt), "a rotated token is new");
      seen.add(rt);
      assert.equal(peer.verifyAccessToken(String(res.body.access_token)).tid, TENANT_A);
    }
    const first = [...seen][0] ?? "";
    assert.equal((await refresh(first)).status, 200, "Entra does not revoke used tokens");
  });

  it("refuses a used token with 70008 when the tenant invalidates used tokens", async () => {
    peer.setTenantPolicy(TENANT_A, { invalidateUsedRefreshTokens: true });
    try {
      const rt = await signIn();
      const next = await refresh(rt);
      assert.equal(next.status, 200);
      refused(await refresh(rt), ["invalid_grant", 70008]);
      assert.equal((await refresh(String(next.body.refresh_token))).status, 200);
    } finally {
      peer.setTenantPolicy(TENANT_A, {});
    }
  });

  it("expires a token unused for 90 days (700082) but not one used within them", async () => {
    const idle = await signIn();
    let active = await signIn();
    for (let day = 0; day < 4; day += 1) {
      peer.advanceClock(30 * DAY_MS);
      const res = await refresh(active);
      assert.equal(res.status, 200, `day ${(day + 1) * 30}: ${JSON.stringify(res.body)}`);
      active = String(res.body.refresh_token);
    }
    const res = await refresh(idle);
    refused(res, ["invalid_grant", 700082]);
    assert.match(String(res.body.error_description), /inactive for 120\.00:00:00/);
    assert.ok(REFRESH_TOKEN_INACTIVITY_MS === 90 * DAY_MS);
  });

  it("refuses revoked sessions (50173), sign-in frequency (70043) and withdrawn consent (65001)", async () => {
    const rt = await signIn();
    peer.revokeUserSessions(TENANT_A, USER_ADMIN);
    refused(await refresh(rt), ["invalid_grant", 50173]);

    const fresh = await signIn();
    peer.setTenantPolicy(TENANT_A, { signInFrequencyMs: 12 * 3_600_000 });
    try {
      peer.advanceClock(13 * 3_600_000);
      refused(await refresh(fresh), ["invalid_grant", 70043]);
    } finally {
      peer.setTenantPolicy(TENANT_A, {});
    }

    const again = await signIn();
    peer.withdrawDelegatedConsent(TENANT_A, CLIENT_ID, MDE_RESOURCE);
    const res = await refresh(again);
    refused(res, ["invalid_grant", 65001]);
    assert.equal(res.body.suberror, "consent_required");
  });

  it("takes only each endpoint's own parameters, and refuses foreign or garbled tokens", async () => {
    const rt = await signIn();
    refused(await refresh(rt, { resource: MDE_RESOURCE }), ["invalid_request", 901002]);
    const v1 = await client.tokenV1(TENANT_A, {
      client_id: CLIENT_ID, client_secret: SECRET, grant_type: "refresh_token", refresh_token: rt,
      scope: SCOPE,
    });
    assert.deepEqual([v1.status, v1.body.error_codes], [400, [70011]]);
    const v1Form = {
      client_id: CLIENT_ID, client_secret: SECRET, grant_type: "refresh_token", refresh_token: rt,
    };
    const v1ok = await client.tokenV1(TENANT_A, { ...v1Form, resource: MDE_RESOURCE });
    assert.equal(v1ok.status, 200, JSON.stringify(v1ok.body));
    assert.equal(v1ok.body.resource, MDE_RESOURCE);
    // A refresh token reaches any resource the tenant consented to, and only those.
    const unconsented = await client.tokenV1(TENANT_A, { ...v1Form, resource: "https://graph.windows.net" });
    refused(unconsented, ["invalid_grant", 65001]);

    refused(await refresh(`${rt.slice(0, -4)}AAAA`), ["invalid_grant", 9002313]);
    refused(await refresh(rt, {}, TENANT_B), ["invalid_grant", 70000]);
    const unknownTenant = await refresh(rt, {}, "0d0d0d0d-0000-4000-8000-000000000000");
    assert.deepEqual(unknownTenant.body.error_codes, [90002]);
  });

  it("answers injected MFA and Conditional Access refusals in the ESTS shape", async () => {
    const rt = await signIn();
    for (const [code, error] of [[50076, "interaction_required"], [50079, "interaction_required"],
      [50078, "interaction_required"], [53003, "access_denied"]] as const) {
      peer.injectError({ tenantId: TENANT_A, status: 400, error, code });
      const res = await refresh(rt);
      assert.deepEqual([res.status, res.body.error, res.body.error_codes], [400, error, [code]]);
      assert.match(String(res.body.error_description), new RegExp(`^AADSTS${code}: \\S`));
      assert.match(String(res.body.trace_id), /^[0-9a-f-]{36}$/);
    }
  });
});
