// The delegated token provider against the Entra and splunkd stand-ins: every rotated refresh
// token is saved before the access token is used, runs in a row and runs at once never lose
// the newest token, a crash between refresh and save leaves a working token, and each refusal
// maps to its permanent code.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";

import {
  createLeaseStore, createOAuthClient, createSecretStore, createTokenProvider, secretNames,
  type AppCredential, type DelegatedCredential, type SecretStore,
} from "../../src/auth/index.ts";
import { checkCertificateCredential } from "../../src/auth/index.ts";
import type { AddonError } from "../../src/errors.ts";
import { Secret } from "../../src/log/index.ts";
import type { SplunkdClient } from "../../src/splunkd/index.ts";
import { createAppCertificate } from "../peers/entra/certificates.ts";
import {
  CLIENT_ID, MDE_RESOURCE, REDIRECT_URI, SECRET, TENANT_A, TENANT_B, USER_ADMIN, authorizeCode,
  challengeOf, createRawClient, createSeededPeer, enableDelegated, type RawClient,
} from "../peers/entra/fixtures.ts";
import type { EntraPeer } from "../peers/entra/index.ts";
import { startServices, type Services } from "./support/services.ts";

const VERIFIER = "pkce-verifier-for-the-delegated-provider-tests-0123456789";
const APP: AppCredential = { kind: "client_secret", clientId: CLIENT_ID, secret: new Secret(SECRET) };

describe("delegated token provider (rotating refresh tokens)", () => {
  let services: Services;
  let entra: EntraPeer;
  let raw: RawClient;
  let secrets: SecretStore;
  let nowMs = Date.now();
  const sleep = async (ms: number): Promise<void> => {
    nowMs += ms;
    await new Promise((resolve) => setImmediate(resolve));
  };

  before(async () => {
    services = await startServices();
    entra = await createSeededPeer(services.tls);
    enableDelegated(entra);
    raw = createRawClient(entra, services.tls);
    secrets = createSecretStore({ splunkd: services.client, realm: "TA-defender-mssp", nowMs: () => nowMs });
  });
  after(async () => {
    await raw.close();
    await entra.close();
    await services.close();
  });
  beforeEach(() => entra.setTenantPolicy(TENANT_A, {}));

  /** Signs the admin in (authorize + the product's code redemption) and stores the token. */
  const onboard = async (input: string, opts: { protocol?: "v1" | "v2"; resource?: string; app?: AppCredential } = {}) => {
    const protocol = opts.protocol ?? "v2";
    const resource = opts.resource ?? MDE_RESOURCE;
    const params: Record<string, string> = {
      client_id: CLIENT_ID, response_type: "code", redirect_uri: REDIRECT_URI,
      code_challenge: challengeOf(VERIFIER), code_challenge_method: "S256",
      ...(protocol === "v2" ? { scope: `${resource}/.default offline_access openid` } : { resource }),
    };
    const code = (await authorizeCode(raw, TENANT_A, params, protocol)).get("code") ?? "";
    const tokens = await createOAuthClient({
      http: services.http, loginUrl: new URL(entra.url), tenantId: TENANT_A, protocol, resource,
      app: opts.app ?? APP, nowMs: Date.now,
    }).redeemCode({ code: new Secret(code), redirectUri: REDIRECT_URI, codeVerifier: new Secret(VERIFIER) });
    assert.equal(tokens.tenantId, TENANT_A);
    assert.ok(tokens.refreshToken);
    await secrets.write(secretNames.refreshToken(input), tokens.refreshToken);
    return tokens;
  };
  const provider = (input: string, opts: { protocol?: "v1" | "v2"; resource?: string; app?: AppCredential; splunkd?: SplunkdClient; tenantId?: string } = {}) => {
    const credential: DelegatedCredential = {
      kind: "refresh_token", app: opts.app ?? APP, input, refreshTokenStamp: "x",
    };
    const splunkd = opts.splunkd ?? services.client;
    return createTokenProvider({
      credential, tenantId: opts.tenantId ?? TENANT_A, loginUrl: new URL(entra.url),
      resource: opts.resource ?? MDE_RESOURCE, http: services.http, protocol: opts.protocol ?? "v2",
      delegated: {
        secrets: createSecretStore({ splunkd, realm: "TA-defender-mssp", nowMs: () => nowMs }),
        leases: createLeaseStore({ splunkd, nowMs: () => nowMs, sleep }),
        nowMs: Date.now,
      },
    });
  };
  const stored = async (input: string) => (await secrets.read(secretNames.refreshToken(input)))?.reveal();
  const newest = () => entra.refreshTokens(TENANT_A).at(-1)?.value;

  it("runs 200 times in a row, each redeeming the newest token and saving its successor first", async () => {
    // Strict: a token that was used once is refused, so any lost rotation would fail a run.
    entra.setTenantPolicy(TENANT_A, { invalidateUsedRefreshTokens: true });
    await onboard("rotation");
    for (let run = 1; run <= 200; run += 1) {
      const token = await provider("rotation").getToken();
      const claims = entra.verifyAccessToken(token.reveal());
      assert.deepEqual([claims.tid, claims.aud, claims.upn], [TENANT_A, MDE_RESOURCE, USER_ADMIN], `run ${run}`);
      assert.equal(await stored("rotation"), newest(), `run ${run} saved the rotated token`);
    }
    const used = entra.refreshTokens(TENANT_A).filter((rt) => rt.redeemed > 0);
    assert.ok(used.length >= 200 && used.every((rt) => rt.redeemed === 1), "each token redeemed once");
  });

  it("keeps a working token when the run dies between the refresh and the save", async () => {
    await onboard("crash");
    const before = await stored("crash");
    let posts = 0;
    // The first storage/passwords POST after the refresh is the first chunk of the new token.
    const dying: SplunkdClient = crashOnPasswordPost(services.client, () => (posts += 1) === 1);
    await assert.rejects(provider("crash", { splunkd: dying }).getToken(), /simulated crash/);
    assert.equal(await stored("crash"), before, "the saved token is the one redeemed");
    assert.notEqual(newest(), before, "Entra rotated it anyway");
    // Entra keeps used refresh tokens valid: the next run redeems the saved one and goes on.
    const token = await provider("crash").getToken();
    assert.equal(entra.verifyAccessToken(token.reveal()).tid, TENANT_A);
    assert.equal(await stored("crash"), newest());
  });

  it("serialises two runs of the same input so both succeed and the newest token is saved", async () => {
    entra.setTenantPolicy(TENANT_A, { invalidateUsedRefreshTokens: true });
    await onboard("twins");
    const tokens = await Promise.all([provider("twins").getToken(), provider("twins").getToken(),
      provider("twins").getToken()]);
    assert.equal(tokens.length, 3);
    assert.equal(await stored("twins"), newest());
    assert.equal((await provider("twins").getToken()).length > 0, true);
  });

  it("uses the v1 endpoint with resource= for the legacy SIEM audience, and v2 with scope= otherwise", async () => {
    await onboard("siem", { protocol: "v1", resource: "https://graph.windows.net" });
    const token = await provider("siem", { protocol: "v1", resource: "https://graph.windows.net" }).getToken();
    assert.equal(entra.verifyAccessToken(token.reveal()).aud, "https://graph.windows.net");
    const v1 = entra.requests.at(-1);
    assert.equal(v1?.protocol, "v1");
    assert.deepEqual(v1?.parameters, ["client_id", "client_secret", "grant_type", "refresh_token", "resource"]);

    await provider("rotation").getToken();
    const v2 = entra.requests.at(-1);
    assert.equal(v2?.protocol, "v2");
    assert.deepEqual(v2?.parameters, ["client_id", "client_secret", "grant_type", "refresh_token", "scope"]);
  });

  it("signs in and refreshes with a certificate (the add-on's own PS256 assertion)", async () => {
    const cert = createAppCertificate("delegated");
    entra.updateApp(CLIENT_ID, { certificates: [{ pem: cert.certPem }] });
    const parts = checkCertificateCredential(new Secret(cert.keyPem), cert.certPem, Date.now(), "mssp");
    const app: AppCredential = { kind: "certificate", clientId: CLIENT_ID, ...parts };
    await onboard("cert", { app });
    const token = await provider("cert", { app }).getToken();
    assert.equal(entra.verifyAccessToken(token.reveal()).appidacr, "2");
    assert.deepEqual(entra.requests.at(-1)?.authMethods, ["private_key_jwt"]);
  });

  const refusals: [string, () => void | Promise<void>, string][] = [
    ["revoked sessions", () => { entra.revokeUserSessions(TENANT_A, USER_ADMIN); }, "AUTH_REFRESH_TOKEN_REVOKED"],
    ["90 days without use", () => entra.advanceClock(91 * 86_400_000), "AUTH_REFRESH_TOKEN_EXPIRED"],
    ["a sign-in frequency policy", () => {
      entra.setTenantPolicy(TENANT_A, { signInFrequencyMs: 1 });
    }, "AUTH_SIGN_IN_REQUIRED"],
    ["MFA required", () => entra.injectError({ tenantId: TENANT_A, status: 400, error: "interaction_required", code: 50076 }), "AUTH_SIGN_IN_REQUIRED"],
    ["Conditional Access", () => entra.injectError({ tenantId: TENANT_A, status: 400, error: "access_denied", code: 53003 }), "AUTH_CONDITIONAL_ACCESS_BLOCKED"],
    ["throttling", () => entra.injectError({ tenantId: TENANT_A, status: 429, error: "temporarily_unavailable", code: 90055, retryAfterSeconds: 30 }), "AUTH_THROTTLED"],
    ["withdrawn consent", () => entra.withdrawDelegatedConsent(TENANT_A, CLIENT_ID, MDE_RESOURCE), "AUTH_CONSENT_REQUIRED"],
  ];
  for (const [name, arrange, code] of refusals) {
    it(`maps ${name} to ${code}, keeping the saved token`, async () => {
      const input = `refused-${code}-${name.length}`;
      await onboard(input);
      const before = await stored(input);
      await arrange();
      try {
        await assert.rejects(provider(input).getToken(), (error: AddonError) => {
          assert.equal(error.code, code, error.message);
          assert.match(error.message, new RegExp(`tenant ${TENANT_A}`));
          assert.match(String(error.details["aadsts"]), /^AADSTS\d+$/);
          assert.ok(!error.message.includes(before ?? "none"));
          return true;
        });
        assert.equal(await stored(input), before);
      } finally {
        entra.clearErrors();
        entra.setTenantPolicy(TENANT_A, {});
        entra.signIn(USER_ADMIN);
      }
    });
  }

  it("says so when no one signed in, and when the token belongs to another tenant", async () => {
    await assert.rejects(provider("never-signed-in").getToken(),
      (error: AddonError) => error.code === "REFRESH_TOKEN_NOT_FOUND");
    await onboard("elsewhere");
    // The token was issued in tenant A; the input says tenant B.
    await assert.rejects(provider("elsewhere", { tenantId: TENANT_B }).getToken(),
      (error: AddonError) => error.code === "AUTH_REFRESH_TOKEN_INVALID");
  });
});

/** A client whose storage/passwords POSTs throw "simulated crash" when `when()` says so. */
function crashOnPasswordPost(client: SplunkdClient, when: () => boolean): SplunkdClient {
  const make = (inner: SplunkdClient): SplunkdClient => ({
    ...inner,
    postForm: async (path, form) => {
      if (path.startsWith("storage/passwords") && when()) throw new Error("simulated crash");
      return inner.postForm(path, form);
    },
    expect: (statuses) => make(inner.expect(statuses)),
  });
  return make(client);
}
