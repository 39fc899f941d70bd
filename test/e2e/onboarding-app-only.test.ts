// App-only onboarding end to end, through the built executable: store the MSSP's credential
// (client secret or certificate), send the customer's admin through admin consent, verify the
// returned tenant with a token before trusting it, record the consent, then collect.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { createAppCertificate } from "../peers/entra/certificates.ts";
import { MSSP_CLIENT_ID } from "../support/world.ts";
import { REDIRECT_URI, startOnboardingWorld, type OnboardingWorld } from "../auth/support/onboarding.ts";

const SECRET = "onboarding-secret~Zq81.Kk4-known";
const HEALTH = "ta_defender_mssp_health";

describe("app-only onboarding: admin consent, then collection", () => {
  let o: OnboardingWorld;

  before(async () => {
    o = await startOnboardingWorld();
    const stored = await o.onboard("store_client_secret", {
      account: "mssp", client_id: MSSP_CLIENT_ID, client_secret: SECRET,
    });
    assert.equal(stored.status, 200, JSON.stringify(stored.payload));
    o.world.entra.setSecrets(MSSP_CLIENT_ID, [{ value: SECRET }]);
  });
  after(() => o.close());

  const health = (key: string) => o.world.splunkd.kv(HEALTH).find((d) => d["_key"] === key);
  const events = (tenantId: string) =>
    o.world.runner.index.search((e) => e.source === `defender_alerts:${tenantId}`);

  it("consents, checks the tenant with a token, records it, and collects", async () => {
    const { tenantId, admin } = o.customer();
    const start = await o.onboard("admin_consent_url", { ...o.cloud(), account: "mssp", redirect_uri: REDIRECT_URI });
    assert.equal(start.status, 200, JSON.stringify(start.payload));
    const url = new URL(String(start.payload["url"]));
    assert.equal(`${url.origin}${url.pathname}`, `${o.world.entra.url}/organizations/adminconsent`);
    assert.deepEqual([...url.searchParams.keys()], ["client_id", "redirect_uri", "state"]);
    assert.equal(url.searchParams.get("client_id"), MSSP_CLIENT_ID);

    // The customer's admin consents in the browser; Entra redirects back to the setup page.
    o.world.entra.signIn(admin);
    const back = await o.follow(url.href);
    assert.equal(back.get("tenant"), tenantId);
    const done = await o.onboard("admin_consent_callback", Object.fromEntries(back));
    assert.equal(done.status, 200, JSON.stringify(done.payload));
    assert.equal(done.payload["tenant_id"], tenantId);
    // The tenant was proven with a client-credentials token before it was recorded.
    const proof = o.world.entra.requests.filter((r) => r.tenantId === tenantId);
    assert.deepEqual(proof.map((r) => [r.grantType, r.status]), [["client_credentials", 200]]);
    const consent = health(`consent:mssp:${tenantId}`);
    assert.equal(consent?.["consent_state"], "granted");
    assert.equal(consent?.["recorded_by"], "admin");

    const run = await o.world.runner.run("contoso", o.world.params(tenantId));
    assert.equal(run.exitCode, 0, run.stderr.join("\n"));
    assert.equal(events(tenantId).length, 30);
    const record = health("input:contoso");
    assert.deepEqual(
      [record?.["last_outcome"], record?.["consent_state"], record?.["alerts_last_run"], record?.["needs_reconsent"]],
      ["success", "granted", 30, false]);
    assert.ok(Number(record?.["checkpoint_age_seconds"]) > 0);
    // The record repeats the checkpoint the run saved, without reading it back.
    const checkpoint = o.world.splunkd.kv("ta_defender_mssp_checkpoints").find((d) => d["_key"] === "contoso");
    assert.equal(record?.["checkpoint_watermark"], checkpoint?.["watermark"]);
    assert.equal(record?.["alerts_total"], 30);
    const before = o.world.splunkd.requests.length;
    const tokenRequests = o.world.entra.requests.length;
    const idle = await o.world.runner.run("contoso", o.world.params(tenantId));
    assert.equal(o.world.entra.requests.length, tokenRequests, "the token the first run kept serves the next");
    assert.ok(o.world.splunkd.passwords().some((p) => p.username === "input/contoso/access_token"));
    assert.equal(idle.exitCode, 0, idle.stderr.join("\n"));
    const reads = o.world.splunkd.requests.slice(before)
      .filter((r) => r.method === "GET" && r.path.includes("/ta_defender_mssp_checkpoints/"));
    assert.equal(reads.length, 1, "an idle run reads its checkpoint once");
    assert.equal(health("input:contoso")?.["checkpoint_watermark"], checkpoint?.["watermark"]);
  });

  it("does not trust a forged tenant id, a replayed state, another session or a declined consent", async () => {
    const { tenantId, admin } = o.customer();
    const stranger = o.customer();
    const start = await o.onboard("admin_consent_url", { ...o.cloud(), account: "mssp", redirect_uri: REDIRECT_URI, endpoint_version: "v2" });
    const url = new URL(String(start.payload["url"]));
    assert.equal(url.pathname, "/organizations/v2.0/adminconsent");
    assert.equal(url.searchParams.get("scope"), "https://api.securitycenter.microsoft.com/.default");
    o.world.entra.signIn(admin);
    const back = await o.follow(url.href);

    // Someone edits the redirect to name a tenant that never consented.
    const forged = await o.onboard("admin_consent_callback", { ...Object.fromEntries(back), tenant: stranger.tenantId });
    assert.equal(forged.status, 502);
    assert.equal((forged.payload["error"] as Record<string, string>)["code"], "AUTH_APP_NOT_IN_TENANT");
    assert.equal(health(`consent:mssp:${stranger.tenantId}`), undefined);

    // The state was used up by that attempt: the genuine redirect cannot be replayed either.
    const replay = await o.onboard("admin_consent_callback", Object.fromEntries(back));
    assert.equal((replay.payload["error"] as Record<string, string>)["code"], "ONBOARDING_STATE_INVALID");

    const again = await o.onboard("admin_consent_url", { ...o.cloud(), account: "mssp", redirect_uri: REDIRECT_URI });
    const back2 = await o.follow(String(again.payload["url"]));
    const otherSession = await o.onboard("admin_consent_callback", Object.fromEntries(back2), o.session());
    assert.match(String((otherSession.payload["error"] as Record<string, string>)["message"]), /another Splunk session/);
    assert.equal(health(`consent:mssp:${tenantId}`), undefined);

    o.world.entra.answerConsent("decline");
    try {
      const declined = await o.onboard("admin_consent_url", { ...o.cloud(), account: "mssp", redirect_uri: REDIRECT_URI });
      const back3 = await o.follow(String(declined.payload["url"]));
      const answer = await o.onboard("admin_consent_callback", Object.fromEntries(back3));
      assert.equal(answer.status, 403);
      const error = answer.payload["error"] as Record<string, string>;
      assert.equal(error["code"], "ONBOARDING_DENIED");
      assert.match(error["action"] ?? "", /approve the MSSP app/);
    } finally {
      o.world.entra.answerConsent("accept");
    }
  });

  it("collects with a certificate: stored chunked, signed PS256 with x5t#S256, verified by Entra", async () => {
    const cert = createAppCertificate("mssp-onboarding");
    o.world.entra.updateApp(MSSP_CLIENT_ID, { certificates: [{ pem: cert.certPem }] });
    const stored = await o.onboard("store_certificate", {
      account: "mssp-cert", client_id: MSSP_CLIENT_ID, private_key: cert.keyPem, certificate: cert.certPem,
    });
    assert.equal(stored.status, 200, JSON.stringify(stored.payload));
    assert.equal(stored.payload["thumbprint_sha256"], cert.thumbprintSha256.toUpperCase());
    const entries = o.world.splunkd.passwords().filter((p) => p.username.startsWith("account/mssp-cert/"));
    assert.ok(entries.length > 4, "key and certificate are chunked");
    assert.ok(entries.every((p) => p.clearPassword.length <= 255));
    assert.equal(o.world.splunkd.conf("ta_defender_mssp_account")["mssp-cert"]?.["credential_type"], "certificate");

    const { tenantId, admin } = o.customer();
    o.world.entra.signIn(admin);
    const start = await o.onboard("admin_consent_url", { ...o.cloud(), account: "mssp-cert", redirect_uri: REDIRECT_URI, tenant: tenantId });
    const back = await o.follow(String(start.payload["url"]));
    const done = await o.onboard("admin_consent_callback", Object.fromEntries(back));
    assert.equal(done.status, 200, JSON.stringify(done.payload));

    const run = await o.world.runner.run("fabrikam", o.world.params(tenantId, { account: "mssp-cert" }));
    assert.equal(run.exitCode, 0, run.stderr.join("\n"));
    assert.equal(events(tenantId).length, 30);
    const tokenCalls = o.world.entra.requests.filter((r) => r.tenantId === tenantId);
    assert.ok(tokenCalls.length >= 2 && tokenCalls.every((r) => r.authMethods.join() === "private_key_jwt" && !r.secretSent));
  });

  it("refuses a certificate that does not match its key, and reports it in plain words", async () => {
    const one = createAppCertificate("one");
    const two = createAppCertificate("two");
    const answer = await o.onboard("store_certificate", {
      account: "mismatch", client_id: MSSP_CLIENT_ID, private_key: one.keyPem, certificate: two.certPem,
    });
    assert.equal(answer.status, 400);
    const error = answer.payload["error"] as Record<string, string>;
    assert.equal(error["code"], "CERTIFICATE_UNUSABLE");
    assert.match(error["message"] ?? "", /does not belong to the certificate/);
    assert.ok(!JSON.stringify(answer.payload).includes("PRIVATE KEY"));
    assert.ok(!answer.stderr.includes("PRIVATE KEY"));
  });
});
