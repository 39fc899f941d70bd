// Every Entra refusal an MSSP meets, through the built executable: its permanent code, its
// next step and the tenant in the ERROR line, the tenant's health record, a pause instead of a
// retry storm against a dead credential, the other tenants collecting all along, and no secret
// anywhere the add-on writes.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";

import { ERROR_CATALOGUE, type ErrorCode } from "../../src/errors.ts";
import { generateAlerts } from "../peers/defender/index.ts";
import { createAppCertificate } from "../peers/entra/certificates.ts";
import type { InjectedError } from "../peers/entra/index.ts";
import type { RunResult } from "../peers/splunkd/index.ts";
import { MSSP_CLIENT_ID } from "../support/world.ts";
import { REDIRECT_URI, startOnboardingWorld, type OnboardingWorld } from "../auth/support/onboarding.ts";

const SECRET = "failures-secret~Gq7.Lm2-known";
const HEALTH = "ta_defender_mssp_health";

describe("Entra failures per tenant: code, next step, health, back-off", () => {
  let o: OnboardingWorld;
  /** Every stdout and stderr the executable wrote, for the secrets scan. */
  const outputs: string[] = [];
  /** A tenant that keeps collecting while the others fail. */
  let healthy: string;

  before(async () => {
    o = await startOnboardingWorld();
    o.world.entra.setSecrets(MSSP_CLIENT_ID, [{ value: SECRET }]);
    const stored = await o.onboard("store_client_secret", { account: "mssp", client_id: MSSP_CLIENT_ID, client_secret: SECRET });
    assert.equal(stored.status, 200);
    healthy = o.world.addTenant([]);
  });
  after(() => o.close());

  const run = async (input: string, params: Record<string, string>): Promise<RunResult> => {
    const result = await o.world.runner.run(input, params);
    outputs.push(...result.stderr);
    return result;
  };
  const health = (input: string) => o.world.splunkd.kv(HEALTH).find((d) => d["_key"] === `input:${input}`);
  const errorLine = (result: RunResult) => result.stderr.find((l) => l.startsWith("ERROR ")) ?? "";
  const tokenCalls = (tenantId: string) => o.world.entra.requests.filter((r) => r.tenantId === tenantId).length;
  const consented = () => o.world.addTenant([]);
  const delegatedTenant = async (input: string): Promise<string> => {
    const customer = o.customer([]);
    const start = await o.onboard("sign_in_url", {
      ...o.world.params(customer.tenantId, { auth_mode: "delegated" }), ...o.cloud(), input, redirect_uri: REDIRECT_URI,
    });
    o.world.entra.signIn(customer.admin);
    const done = await o.onboard("sign_in_callback", Object.fromEntries(await o.follow(String(start.payload["url"]))));
    outputs.push(done.stdout, done.stderr);
    assert.equal(done.status, 200, JSON.stringify(done.payload));
    return customer.tenantId;
  };
  const inject = (tenantId: string, status: number, error: string, code: number, extra: Partial<InjectedError> = {}) =>
    o.world.entra.injectError({ tenantId, status, error, code, times: Infinity, ...extra });

  interface Case {
    name: string;
    mode: "app_only" | "delegated";
    arrange(tenantId: string): void | Promise<void>;
    code: ErrorCode;
    aadsts?: string;
    reconsent: boolean;
    paused: boolean;
    params?: Record<string, string>;
  }
  const cases: Case[] = [
    { name: "wrong client secret", mode: "app_only", arrange: (t) => inject(t, 401, "invalid_client", 7000215), code: "AUTH_INVALID_SECRET", aadsts: "7000215", reconsent: false, paused: true },
    { name: "expired client secret", mode: "app_only", arrange: (t) => inject(t, 401, "invalid_client", 7000222), code: "AUTH_SECRET_EXPIRED", aadsts: "7000222", reconsent: false, paused: true },
    { name: "certificate refused", mode: "app_only", arrange: (t) => inject(t, 401, "invalid_client", 700027), code: "AUTH_CERTIFICATE_REJECTED", aadsts: "700027", reconsent: false, paused: true },
    { name: "unknown tenant", mode: "app_only", arrange: () => undefined, code: "AUTH_TENANT_NOT_FOUND", aadsts: "90002", reconsent: false, paused: true, params: { tenant_id: randomUUID() } },
    { name: "tenant in another cloud", mode: "app_only", arrange: (t) => inject(t, 400, "invalid_request", 90038), code: "AUTH_TENANT_OTHER_CLOUD", aadsts: "90038", reconsent: false, paused: true },
    { name: "app not consented in the tenant", mode: "app_only", arrange: (t) => o.world.entra.revokeConsent(t, MSSP_CLIENT_ID), code: "AUTH_APP_NOT_IN_TENANT", aadsts: "700016", reconsent: true, paused: true },
    { name: "admin consent required", mode: "app_only", arrange: (t) => inject(t, 400, "invalid_grant", 90094), code: "AUTH_CONSENT_REQUIRED", aadsts: "90094", reconsent: true, paused: true },
    { name: "Conditional Access block", mode: "app_only", arrange: (t) => inject(t, 400, "access_denied", 53003), code: "AUTH_CONDITIONAL_ACCESS_BLOCKED", aadsts: "53003", reconsent: false, paused: true },
    { name: "unknown API audience", mode: "app_only", arrange: () => undefined, code: "AUTH_INVALID_SCOPE", aadsts: "500011", reconsent: false, paused: true, params: { api_resource: "https://api.example.com" } },
    { name: "token endpoint throttling", mode: "app_only", arrange: (t) => inject(t, 429, "temporarily_unavailable", 90055, { retryAfterSeconds: 120 }), code: "AUTH_THROTTLED", aadsts: "90055", reconsent: false, paused: true },
    { name: "wrong audience (403 from Defender)", mode: "app_only", arrange: (t) => { o.world.entra.consent({ tenantId: t, clientId: MSSP_CLIENT_ID, grants: [] }); }, code: "API_FORBIDDEN", reconsent: false, paused: false },
    { name: "refresh token revoked", mode: "delegated", arrange: async (t) => { o.world.entra.revokeUserSessions(t, o.world.entra.refreshTokens(t)[0]?.userOid ?? ""); }, code: "AUTH_REFRESH_TOKEN_REVOKED", aadsts: "50173", reconsent: true, paused: true },
    { name: "refresh token inactive 90 days", mode: "delegated", arrange: (t) => inject(t, 400, "invalid_grant", 700082), code: "AUTH_REFRESH_TOKEN_EXPIRED", aadsts: "700082", reconsent: true, paused: true },
    { name: "sign-in frequency", mode: "delegated", arrange: (t) => o.world.entra.setTenantPolicy(t, { signInFrequencyMs: 1 }), code: "AUTH_SIGN_IN_REQUIRED", aadsts: "70043", reconsent: true, paused: true },
    { name: "MFA required", mode: "delegated", arrange: (t) => inject(t, 400, "interaction_required", 50076), code: "AUTH_SIGN_IN_REQUIRED", aadsts: "50076", reconsent: true, paused: true },
    { name: "consent withdrawn", mode: "delegated", arrange: (t) => o.world.entra.withdrawDelegatedConsent(t, MSSP_CLIENT_ID, "https://api.securitycenter.microsoft.com"), code: "AUTH_CONSENT_REQUIRED", aadsts: "65001", reconsent: true, paused: true },
  ];

  it("maps every refusal to its code and next step, for that tenant only, while the others collect", async () => {
    // One process carries every stanza, as splunkd's document can: the failures of some must
    // not stop the others.
    const stanzas: Record<string, Record<string, string>> = { healthy: o.world.params(healthy) };
    const tenants: string[] = [];
    for (const [index, c] of cases.entries()) {
      let tenantId: string;
      if (c.mode === "app_only") {
        tenantId = consented();
      } else {
        const customer = o.customer([]);
        await o.signInDirect(`broken-${index}`, customer.tenantId, customer.admin, SECRET);
        tenantId = customer.tenantId;
      }
      await c.arrange(tenantId);
      tenants.push(tenantId);
      stanzas[`broken-${index}`] = o.world.params(tenantId,
        { ...(c.mode === "delegated" ? { auth_mode: "delegated" } : {}), ...c.params });
    }
    o.world.defender.seed(healthy, generateAlerts({ count: 12, tenantId: "x", seed: 77, startMs: Date.parse("2025-03-01T00:00:00Z") }));
    const result = await o.runStanzas(stanzas).finally(() => o.world.entra.clearErrors());
    outputs.push(result.stdout, ...result.stderr);
    assert.equal(result.exitCode, 1);
    assert.equal(result.stdout.split(`<source>defender_alerts:${healthy}</source>`).length - 1, 12,
      "the healthy tenant collected all its alerts");
    assert.equal(health("healthy")?.["last_outcome"], "success");

    for (const [index, c] of cases.entries()) {
      const input = `broken-${index}`;
      const lines: string[] = result.stderr.filter((l) => l.startsWith("ERROR ") && l.includes(` input=${input} `));
      assert.equal(lines.length, 1, `${c.name}: ${lines.join("\n")}`);
      const line = lines[0] ?? "";
      assert.match(line, new RegExp(` code=${c.code} `), `${c.name}: ${line}`);
      assert.ok(line.includes(`action="${ERROR_CATALOGUE[c.code].action.replace(/"/g, '\\"')}"`), line);
      assert.ok(line.includes(stanzas[input]?.["tenant_id"] ?? "?"), line);
      if (c.aadsts !== undefined) assert.match(line, new RegExp(`aadsts=AADSTS${c.aadsts}`), line);
      const record = health(input);
      assert.deepEqual(
        [record?.["last_outcome"], record?.["last_error_code"], record?.["needs_reconsent"], record?.["blocked_until"] !== ""],
        ["failure", c.code, c.reconsent, c.paused], c.name);
      assert.equal(record?.["last_error_action"], ERROR_CATALOGUE[c.code].action);
    }
  });

  it("pauses a dead credential instead of retrying it, until the admin stores a new one", async () => {
    const tenantId = consented();
    inject(tenantId, 401, "invalid_client", 7000215);
    try {
      const first = await run("dead", o.world.params(tenantId));
      assert.match(errorLine(first), /code=AUTH_INVALID_SECRET/);
      const calls = tokenCalls(tenantId);
      for (let i = 0; i < 2; i += 1) {
        const skipped = await run("dead", o.world.params(tenantId));
        assert.equal(skipped.exitCode, 1);
        assert.match(errorLine(skipped), /paused until .* code=AUTH_INVALID_SECRET /);
      }
      const other = await run("healthy", o.world.params(healthy));
      assert.equal(other.exitCode, 0, "another tenant still calls Entra and collects");
      assert.equal(tokenCalls(tenantId), calls, "no token call while paused");
      assert.equal(health("dead")?.["last_outcome"], "skipped");
      assert.equal(health("dead")?.["consecutive_failures"], 1);
    } finally {
      o.world.entra.clearErrors();
    }
    // A new secret is a new credential: the pause no longer applies to it.
    const renewed = "failures-secret~renewed-9";
    o.world.entra.setSecrets(MSSP_CLIENT_ID, [{ value: SECRET }, { value: renewed }]);
    const stored = await o.onboard("store_client_secret", { account: "mssp", client_id: MSSP_CLIENT_ID, client_secret: renewed });
    outputs.push(stored.stdout, stored.stderr);
    const back = await run("dead", o.world.params(tenantId));
    assert.equal(back.exitCode, 0, back.stderr.join("\n"));
    assert.deepEqual([health("dead")?.["last_outcome"], health("dead")?.["blocked_until"]], ["success", ""]);
  });

  it("marks a withdrawn consent for re-consent, and lifts it when the admin consents again", async () => {
    const { tenantId, admin } = o.customer([]);
    o.world.entra.consent({ tenantId, clientId: MSSP_CLIENT_ID, grants: [{ resource: "https://api.securitycenter.microsoft.com", roles: ["Alert.Read.All"] }] });
    assert.equal((await run("withdrawn", o.world.params(tenantId))).exitCode, 0);
    o.world.entra.revokeConsent(tenantId, MSSP_CLIENT_ID);
    // The token the last run kept serves until it expires; the run after that finds out.
    await o.world.expireStoredToken("withdrawn");
    const failed = await run("withdrawn", o.world.params(tenantId));
    assert.match(errorLine(failed), /code=AUTH_APP_NOT_IN_TENANT/);
    assert.deepEqual([health("withdrawn")?.["consent_state"], health("withdrawn")?.["needs_reconsent"]], ["withdrawn", true]);

    const start = await o.onboard("admin_consent_url", { ...o.cloud(), account: "mssp", redirect_uri: REDIRECT_URI, tenant: tenantId });
    o.world.entra.signIn(admin);
    const done = await o.onboard("admin_consent_callback", Object.fromEntries(await o.follow(String(start.payload["url"]))));
    assert.equal(done.status, 200, JSON.stringify(done.payload));
    assert.deepEqual([health("withdrawn")?.["needs_reconsent"], health("withdrawn")?.["blocked_until"]], [false, ""]);
    assert.equal((await run("withdrawn", o.world.params(tenantId))).exitCode, 0);
  });

  it("never writes a secret, token, key, assertion or session key anywhere", async () => {
    // A certificate account and a delegated input, so every kind of secret exists.
    const cert = createAppCertificate("scan");
    o.world.entra.updateApp(MSSP_CLIENT_ID, { certificates: [{ pem: cert.certPem }] });
    const stored = await o.onboard("store_certificate", { account: "scan", client_id: MSSP_CLIENT_ID, private_key: cert.keyPem, certificate: cert.certPem });
    outputs.push(stored.stdout, stored.stderr);
    const scanTenant = consented();
    assert.equal((await run("scan-cert", o.world.params(scanTenant, { account: "scan" }))).exitCode, 0);
    const delegated = await delegatedTenant("scan-delegated");
    assert.equal((await run("scan-delegated", o.world.params(delegated, { auth_mode: "delegated" }))).exitCode, 0);

    const keyLines = cert.keyPem.split("\n").filter((l) => l.length > 40 && !l.startsWith("-----"));
    const refreshTokens = o.world.entra.refreshTokens().map((rt) => rt.value);
    const secrets = [SECRET, "failures-secret~renewed-9", ...keyLines, ...refreshTokens, ...o.sessionKeys(),
      ...refreshTokens.map((rt) => rt.slice(100, 355))];
    const places: [string, string][] = [
      ["stdout and stderr", outputs.join("\n")],
      ["splunkd.log", o.world.runner.splunkdLog.join("\n")],
      ["events", o.world.runner.index.search(() => true).map((e) => e.raw).join("\n")],
      ["conf", JSON.stringify(o.world.splunkd.conf("ta_defender_mssp_account"))],
      ["KV store", JSON.stringify(["ta_defender_mssp_health", "ta_defender_mssp_leases", "ta_defender_mssp_oauth_state",
        "ta_defender_mssp_checkpoints"].map((c) => o.world.splunkd.kv(c)))],
    ];
    for (const [where, text] of places) {
      for (const secret of secrets) assert.ok(!text.includes(secret), `a secret in ${where}`);
      assert.doesNotMatch(text, /eyJ[\w-]{10,}\.eyJ[\w-]{10,}/, `a JWT (access token or assertion) in ${where}`);
      assert.doesNotMatch(text, /PRIVATE KEY/, `a private key in ${where}`);
    }
    assert.ok(refreshTokens.length > 5 && outputs.length > 20, "the scan saw real material");
  });
});
