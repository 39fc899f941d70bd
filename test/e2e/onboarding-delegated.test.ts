// Delegated onboarding end to end, through the built executable: the customer's admin signs in
// (authorization code with PKCE, redeemed on the server), the refresh token is saved chunked,
// every renewal rotates it and saves the successor before using the access token (a run within
// the hour uses the access token the last one kept), a crash in the
// rotation window is survived, and a pasted token works too.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { createAppCertificate } from "../peers/entra/certificates.ts";
import { MSSP_CLIENT_ID } from "../support/world.ts";
import { REDIRECT_URI, startOnboardingWorld, type OnboardingWorld } from "../auth/support/onboarding.ts";

const SECRET = "delegated-secret~Pp3.ww9-known";
const HEALTH = "ta_defender_mssp_health";
/**
 * Consecutive runs through the executable, each rotating the refresh token once. A run costs
 * half a second to a second of process start, so the suite does 12; TA_DM_DELEGATED_RUNS=200 runs the
 * issue's full count (test/auth/delegated-token-provider.test.ts does 200 in process always).
 */
const RUNS = Number(process.env["TA_DM_DELEGATED_RUNS"] ?? 12);

describe("delegated onboarding: sign-in, then rotation on every run", () => {
  let o: OnboardingWorld;

  before(async () => {
    o = await startOnboardingWorld();
    o.world.entra.setSecrets(MSSP_CLIENT_ID, [{ value: SECRET }]);
    const stored = await o.onboard("store_client_secret", { account: "mssp", client_id: MSSP_CLIENT_ID, client_secret: SECRET });
    assert.equal(stored.status, 200);
  });
  after(() => o.close());

  const params = (tenantId: string, extra: Record<string, string> = {}) =>
    o.world.params(tenantId, { auth_mode: "delegated", ...extra });
  const events = (tenantId: string) =>
    o.world.runner.index.search((e) => e.source === `defender_alerts:${tenantId}`);
  const newest = (tenantId: string) => o.world.entra.refreshTokens(tenantId).at(-1)?.value;

  /** Sign-in for `input` as the customer's admin; returns the tenant. */
  const signIn = async (input: string, extra: Record<string, string> = {}) => {
    const customer = o.customer();
    const start = await o.onboard("sign_in_url", { ...params(customer.tenantId, extra), ...o.cloud(), input, redirect_uri: REDIRECT_URI });
    assert.equal(start.status, 200, JSON.stringify(start.payload));
    o.world.entra.signIn(customer.admin);
    const back = await o.follow(String(start.payload["url"]));
    const done = await o.onboard("sign_in_callback", Object.fromEntries(back));
    assert.equal(done.status, 200, JSON.stringify(done.payload));
    assert.equal(done.payload["signed_in_as"], customer.admin);
    return { ...customer, url: new URL(String(start.payload["url"])) };
  };

  it(`signs in with PKCE, then runs ${RUNS} times in a row, each rotating and saving the refresh token`, async () => {
    const { tenantId, url } = await signIn("northwind");
    assert.equal(url.pathname, `/${tenantId}/oauth2/v2.0/authorize`);
    assert.equal(url.searchParams.get("code_challenge_method"), "S256");
    assert.equal(url.searchParams.get("scope"), "https://api.securitycenter.microsoft.com/.default offline_access openid profile");
    assert.equal(url.searchParams.get("resource"), null);
    const redeem = o.world.entra.requests.find((r) => r.tenantId === tenantId && r.grantType === "authorization_code");
    assert.ok(redeem?.parameters.includes("code_verifier"));
    const stored = o.world.splunkd.passwords().filter((p) => p.username.startsWith("input/northwind/refresh_token"));
    assert.ok(stored.length > 3 && stored.every((p) => p.clearPassword.length <= 255), "chunked");
    assert.equal(await o.stored("input/northwind/refresh_token"), newest(tenantId));

    // Strict: a used refresh token is refused, so a single lost rotation fails the next run.
    o.world.entra.setTenantPolicy(tenantId, { invalidateUsedRefreshTokens: true });
    for (let run = 1; run <= RUNS; run += 1) {
      // Each run finds the access token the previous one kept expired (as it is after an hour),
      // so each redeems the refresh token.
      await o.world.expireStoredToken("northwind");
      const result = await o.world.runner.run("northwind", params(tenantId));
      assert.equal(result.exitCode, 0, `run ${run}: ${result.stderr.join("\n")}`);
    }
    assert.equal(await o.stored("input/northwind/refresh_token"), newest(tenantId));
    const redeemed = o.world.entra.refreshTokens(tenantId).filter((rt) => rt.redeemed > 0);
    assert.equal(redeemed.length, RUNS, "one rotation per run");

    // Within the hour, a run uses the access token the last one kept: no redemption, no rotation.
    const requests = o.world.entra.requests.length;
    const again = await o.world.runner.run("northwind", params(tenantId));
    assert.equal(again.exitCode, 0, again.stderr.join("\n"));
    assert.equal(o.world.entra.requests.length, requests, "no token request");
    assert.equal(await o.stored("input/northwind/refresh_token"), newest(tenantId));
    assert.equal(events(tenantId).length, 30, "the backlog once, nothing twice");
    const health = o.world.splunkd.kv(HEALTH).find((d) => d["_key"] === "input:northwind");
    assert.deepEqual([health?.["last_outcome"], health?.["auth_mode"], health?.["consecutive_failures"]],
      ["success", "delegated", 0]);
  });

  it("survives a crash after Entra rotated the token but before the run saved it", async () => {
    const { tenantId } = await signIn("crashy");
    const before = await o.stored("input/crashy/refresh_token");
    const hold = o.world.entra.holdTokenAnswers({ tenantId, grantType: "refresh_token" });
    let killed;
    try {
      // The answer with the rotated token never arrives: splunkd kills the run (SIGKILL).
      killed = await o.world.runner.run("crashy", params(tenantId), { timeoutMs: 5_000 });
      await hold.reached;
    } finally {
      hold.release();
    }
    assert.equal(killed.timedOut, true);
    assert.equal(killed.events, 0);
    assert.notEqual(newest(tenantId), before, "Entra rotated it");
    assert.equal(await o.stored("input/crashy/refresh_token"), before, "the saved token is intact");

    // Entra keeps a used refresh token valid; the next run redeems the saved one and collects.
    const next = await o.world.runner.run("crashy", params(tenantId));
    assert.equal(next.exitCode, 0, next.stderr.join("\n"));
    assert.equal(events(tenantId).length, 30);
    assert.equal(await o.stored("input/crashy/refresh_token"), newest(tenantId));
  });

  it("lets two runs of the same input at once both succeed, one after the other on the lease", async () => {
    const { tenantId } = await signIn("twins");
    o.world.entra.setTenantPolicy(tenantId, { invalidateUsedRefreshTokens: true });
    const [a, b] = await Promise.all([
      o.world.runner.run("twins", params(tenantId)),
      o.world.runner.run("twins", params(tenantId)),
    ]);
    assert.deepEqual([a.exitCode, b.exitCode], [0, 0], [...a.stderr, ...b.stderr].join("\n"));
    assert.equal(await o.stored("input/twins/refresh_token"), newest(tenantId));
    assert.ok(o.world.entra.refreshTokens(tenantId).every((rt) => rt.redeemed <= 1), "no token redeemed twice");
    const next = await o.world.runner.run("twins", params(tenantId));
    assert.equal(next.exitCode, 0, next.stderr.join("\n"));
  });

  it("signs in and collects with a certificate account (the add-on's own PS256 assertion)", async () => {
    const cert = createAppCertificate("delegated-e2e");
    o.world.entra.updateApp(MSSP_CLIENT_ID, { certificates: [{ pem: cert.certPem }] });
    const stored = await o.onboard("store_certificate", {
      account: "mssp-cert", client_id: MSSP_CLIENT_ID, private_key: cert.keyPem, certificate: cert.certPem,
    });
    assert.equal(stored.status, 200, JSON.stringify(stored.payload));
    const { tenantId } = await signIn("certified", { account: "mssp-cert" });
    const run = await o.world.runner.run("certified", params(tenantId, { account: "mssp-cert" }));
    assert.equal(run.exitCode, 0, run.stderr.join("\n"));
    assert.equal(events(tenantId).length, 30);
    const calls = o.world.entra.requests.filter((r) => r.tenantId === tenantId);
    assert.deepEqual(calls.map((r) => [r.grantType, r.authMethods.join(), r.secretSent]),
      [["authorization_code", "private_key_jwt", false], ["refresh_token", "private_key_jwt", false]]);
  });

  it("uses the v1 endpoint and resource= for the legacy SIEM audience", async () => {
    const { url } = await signIn("legacy", { api: "siem", api_url: "https://127.0.0.1:9" });
    assert.equal(url.pathname.endsWith("/oauth2/authorize"), true);
    assert.equal(url.searchParams.get("resource"), "https://graph.windows.net");
    assert.equal(url.searchParams.get("scope"), null);
    const redeem = o.world.entra.requests.at(-1);
    assert.deepEqual([redeem?.protocol, redeem?.grantType, redeem?.resource], ["v1", "authorization_code", "https://graph.windows.net"]);
    assert.equal(redeem?.parameters.includes("scope"), false);
  });

  it("takes a pasted refresh token, proves it by redeeming it, and stores its successor", async () => {
    const { tenantId } = await signIn("donor");
    const pasted = await o.stored("input/donor/refresh_token");
    assert.ok(pasted);
    const answer = await o.onboard("store_refresh_token", {
      ...params(tenantId), ...o.cloud(), input: "pasted", refresh_token: pasted,
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.payload));
    assert.equal(answer.payload["verified"], "true");
    const saved = await o.stored("input/pasted/refresh_token");
    assert.notEqual(saved, pasted);
    assert.equal(saved, newest(tenantId));
    const run = await o.world.runner.run("pasted", params(tenantId));
    assert.equal(run.exitCode, 0, run.stderr.join("\n"));

    const garbage = await o.onboard("store_refresh_token", {
      ...params(tenantId), ...o.cloud(), input: "garbage", refresh_token: "1.AXYZ-not-a-token",
    });
    assert.equal((garbage.payload["error"] as Record<string, string>)["code"], "AUTH_REFRESH_TOKEN_INVALID");
    assert.equal(await o.stored("input/garbage/refresh_token"), undefined);
  });

  it("refuses a code from another sign-in, and a sign-in into another tenant", async () => {
    const customer = o.customer();
    const other = o.customer();
    const start = await o.onboard("sign_in_url", { ...params(customer.tenantId), ...o.cloud(), input: "wrong", redirect_uri: REDIRECT_URI });
    // The admin of another tenant signs in: Entra refuses them in this tenant.
    o.world.entra.signIn(other.admin);
    const back = await o.follow(String(start.payload["url"]));
    const answer = await o.onboard("sign_in_callback", Object.fromEntries(back));
    assert.equal(answer.status, 403);
    assert.match(String((answer.payload["error"] as Record<string, string>)["message"]), /AADSTS50020/);
    assert.equal(await o.stored("input/wrong/refresh_token"), undefined);
  });
});
