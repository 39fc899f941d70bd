// Successful client-credentials responses, the access token's claims, and its verification.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { createTestTls, type TestTls } from "../../support/tls.ts";
import {
  CLIENT_ID, DOMAIN_A, MDE_RESOURCE, SECRET, TENANT_A, TENANT_B, basicAuth, clientCredentialsForm,
  createRawClient, createSeededPeer, type RawClient,
} from "./fixtures.ts";
import { AccessTokenError, type AccessTokenFailure, type EntraPeer } from "./index.ts";

const START_MS = Date.parse("2026-03-01T08:00:00.250Z");
const START_S = Math.floor(START_MS / 1000);

describe("entra peer access tokens", () => {
  let tls: TestTls;
  let peer: EntraPeer;
  let client: RawClient;
  let nowMs = START_MS;

  before(async () => {
    tls = createTestTls();
    peer = await createSeededPeer(tls, () => nowMs);
    client = createRawClient(peer, tls);
  });
  after(async () => {
    await client.close();
    await peer.close();
  });

  const tokenFor = async (tenant: string, scope: string): Promise<string> => {
    const res = await client.token(tenant, clientCredentialsForm({ scope }));
    assert.equal(res.status, 200, String(res.body.error_description));
    return String(res.body.access_token);
  };

  it("answers with exactly the documented success body", async () => {
    const res = await client.token(TENANT_A, clientCredentialsForm({
      client_info: "1", "x-client-SKU": "msal.js.node", "x-ms-lib-capability": "retry-after, h429",
      "client-request-id": "5d1c2a3b-0000-4000-8000-000000000001",
    }), { query: "client-request-id=5d1c2a3b-0000-4000-8000-000000000001" });

    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body), [
      "token_type", "expires_in", "ext_expires_in", "access_token",
    ]);
    assert.equal(res.body.token_type, "Bearer");
    assert.equal(res.body.expires_in, 3599);
    assert.equal(res.body.ext_expires_in, 3599);
    assert.equal(res.headers["cache-control"], "no-store, no-cache");
  });

  it("carries the v1 app-only claims, valid for one hour", async () => {
    const claims = peer.verifyAccessToken(await tokenFor(TENANT_A, `${MDE_RESOURCE}/.default`));

    assert.equal(claims.aud, MDE_RESOURCE);
    assert.equal(claims.iss, `https://sts.windows.net/${TENANT_A}/`);
    assert.equal(claims.idp, claims.iss);
    assert.equal(claims.tid, TENANT_A);
    assert.equal(claims.appid, CLIENT_ID);
    assert.equal(claims.azp, CLIENT_ID);
    assert.equal(claims.sub, claims.oid);
    assert.match(claims.oid, /^[0-9a-f-]{36}$/);
    assert.deepEqual([claims.idtyp, claims.ver, claims.appidacr], ["app", "1.0", "1"]);
    assert.deepEqual([claims.iat, claims.nbf, claims.exp], [START_S, START_S, START_S + 3600]);
  });

  const AUDIENCES: [scope: string, aud: string, tenant: string, roles: string[] | undefined][] = [
    ["https://securitycenter.onmicrosoft.com/windowsatpservice/.default",
      "https://securitycenter.onmicrosoft.com/windowsatpservice", TENANT_A,
      ["Alert.Read.All", "Machine.Read.All"]],
    ["https://API.SecurityCenter.microsoft.com/.default", MDE_RESOURCE, TENANT_B,
      ["Alert.ReadWrite.All"]],
    ["https://api.security.microsoft.com/.default", "https://api.security.microsoft.com",
      TENANT_B, ["Alert.ReadWrite.All"]],
    ["https://api-gov.securitycenter.microsoft.us/.default",
      "https://api-gov.securitycenter.microsoft.us", TENANT_B, ["Alert.ReadWrite.All"]],
    ["https://graph.microsoft.com//.default", "https://graph.microsoft.com", TENANT_A,
      ["SecurityAlert.Read.All"]],
    ["https://graph.microsoft.us/.default", "https://graph.microsoft.us", TENANT_A,
      ["SecurityAlert.Read.All"]],
    ["https://graph.microsoft.com/.default", "https://graph.microsoft.com", TENANT_B, undefined],
    ["https://graph.windows.net/.default", "https://graph.windows.net", TENANT_A, undefined],
  ];
  for (const [scope, aud, tenant, roles] of AUDIENCES) {
    it(`${scope} in ${tenant.slice(0, 8)} → aud ${aud}, roles ${roles?.join(",") ?? "absent"}`,
      async () => {
        const claims = peer.verifyAccessToken(await tokenFor(tenant, scope));
        assert.equal(claims.aud, aud);
        assert.deepEqual(claims.roles, roles);
        assert.equal("roles" in claims, roles !== undefined);
      });
  }

  it("accepts HTTP Basic with form-encoded credentials and a tenant domain", async () => {
    const form = clientCredentialsForm();
    delete form.client_secret;
    delete form.client_id;
    const res = await client.token(DOMAIN_A, form,
      { headers: { authorization: basicAuth(CLIENT_ID, SECRET) } });

    assert.equal(res.status, 200, String(res.body.error_description));
    assert.equal(peer.verifyAccessToken(String(res.body.access_token)).tid, TENANT_A);
    const logged = peer.requests.at(-1);
    assert.deepEqual([logged?.tenant, logged?.tenantId, logged?.clientId],
      [DOMAIN_A, TENANT_A, CLIENT_ID]);
    assert.deepEqual([logged?.secretSent, logged?.authMethods], [true, ["client_secret_basic"]]);
    assert.ok(!JSON.stringify(peer.requests).includes(SECRET), "secret value in the request log");
  });

  it("counts issued tokens per tenant", async () => {
    peer.resetLogs();
    await tokenFor(TENANT_A, `${MDE_RESOURCE}/.default`);
    await tokenFor(TENANT_B, `${MDE_RESOURCE}/.default`);
    await tokenFor(TENANT_B, `${MDE_RESOURCE}/.default`);
    await client.token(TENANT_B, clientCredentialsForm({ client_secret: "wrong" }));

    assert.deepEqual([...peer.issued], [[TENANT_A, 1], [TENANT_B, 2]]);
    assert.equal(peer.requests.length, 4);
  });

  it("honours secret rotation and expiry on the peer clock", async () => {
    peer.setSecrets(CLIENT_ID, [{ value: "new-secret", expiresAt: START_MS + 60_000 }]);
    const old = await client.token(TENANT_A, clientCredentialsForm());
    assert.deepEqual(old.body.error_codes, [7000215]);
    const rotated = clientCredentialsForm({ client_secret: "new-secret" });
    const fresh = await client.token(TENANT_A, rotated);
    assert.equal(fresh.status, 200);

    nowMs = START_MS + 60_000;
    const expired = await client.token(TENANT_A, rotated);
    assert.deepEqual(expired.body.error_codes, [7000222]);
    nowMs = START_MS;
    peer.setSecrets(CLIENT_ID, [{ value: SECRET }]);
  });

  const rejects = (token: string, reason: AccessTokenFailure): void => {
    assert.throws(() => peer.verifyAccessToken(token),
      (error: unknown) => error instanceof AccessTokenError && error.reason === reason);
  };

  it("refuses expired, early, tampered, foreign and malformed tokens", async () => {
    const token = await tokenFor(TENANT_A, `${MDE_RESOURCE}/.default`);

    nowMs = START_MS + 3599_000;
    assert.equal(peer.verifyAccessToken(token).tid, TENANT_A);
    nowMs = START_S * 1000 + 3600_000;
    rejects(token, "expired");
    nowMs = START_MS - 1000;
    rejects(token, "not_yet_valid");
    nowMs = START_MS;

    const [header, payload, signature] = token.split(".");
    const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString()) as object;
    const forged = Buffer.from(JSON.stringify({ ...claims, tid: TENANT_B })).toString("base64url");
    rejects(`${header}.${forged}.${signature}`, "signature");
    rejects("not-a-jwt", "malformed");
    rejects(`${header}.${payload}`, "malformed");

    const head = JSON.parse(Buffer.from(header ?? "", "base64url").toString()) as object;
    const reheader = (change: object): string =>
      `${Buffer.from(JSON.stringify({ ...head, ...change })).toString("base64url")}.${payload}` +
      `.${signature}`;
    rejects(reheader({ alg: "none" }), "algorithm");
    rejects(reheader({ kid: "another-peers-key" }), "key");
  });
});
