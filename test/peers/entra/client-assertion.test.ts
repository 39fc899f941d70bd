// Certificate credentials: the stand-in really verifies client assertions (signature against
// the registered certificate, x5t#S256, aud, iss/sub, exp), for MSAL's and the add-on's own.
import assert from "node:assert/strict";
import { constants, createPrivateKey, randomUUID, sign } from "node:crypto";
import { after, before, describe, it } from "node:test";

import { ConfidentialClientApplication } from "@azure/msal-node";

import { createClientAssertion } from "../../../src/auth/index.ts";
import { Secret } from "../../../src/log/index.ts";
import { createTestTls, type TestTls } from "../../support/tls.ts";
import { createAppCertificate, type AppCertificateFiles } from "./certificates.ts";
import {
  CLIENT_ID, MDE_RESOURCE, MDE_SCOPE, TENANT_A, createRawClient, createSeededPeer,
  type RawClient, type RawResponse,
} from "./fixtures.ts";
import type { EntraPeer } from "./index.ts";
import { createUndiciNetworkClient, type UndiciNetworkClient } from "./undici-network-client.ts";

const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString("base64url");

/** A hand-made assertion, to break one rule at a time. */
function assertion(key: string, header: Record<string, unknown>, claims: Record<string, unknown>, pss = true): string {
  const input = `${b64(header)}.${b64(claims)}`;
  const signature = sign("sha256", Buffer.from(input), pss
    ? { key: createPrivateKey(key), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
    : createPrivateKey(key));
  return `${input}.${signature.toString("base64url")}`;
}

describe("entra peer client assertions", () => {
  let tls: TestTls;
  let peer: EntraPeer;
  let client: RawClient;
  let cert: AppCertificateFiles;
  let other: AppCertificateFiles;
  const networks: UndiciNetworkClient[] = [];

  before(async () => {
    tls = createTestTls();
    peer = await createSeededPeer(tls);
    cert = createAppCertificate("registered");
    other = createAppCertificate("not-registered");
    peer.updateApp(CLIENT_ID, { certificates: [{ pem: cert.certPem }] });
    client = createRawClient(peer, tls);
  });
  after(async () => {
    await Promise.all(networks.map((n) => n.close()));
    await client.close();
    await peer.close();
  });

  const v2Endpoint = (): string => `${peer.url}/${TENANT_A}/oauth2/v2.0/token`;
  const nowS = (): number => Math.floor(Date.now() / 1000);
  const claims = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    aud: v2Endpoint(), iss: CLIENT_ID, sub: CLIENT_ID, jti: randomUUID(), nbf: nowS(),
    exp: nowS() + 600, ...extra,
  });
  const send = (jwt: string): Promise<RawResponse> => client.token(TENANT_A, {
    client_id: CLIENT_ID, scope: MDE_SCOPE, grant_type: "client_credentials",
    client_assertion_type: JWT_BEARER, client_assertion: jwt,
  });
  const refused = (res: RawResponse, code: number, reason: RegExp): void => {
    assert.deepEqual([res.status, res.body.error, res.body.error_codes], [401, "invalid_client", [code]],
      String(res.body.error_description));
    assert.match(String(res.body.error_description), reason);
  };

  it("accepts MSAL's PS256 assertion with x5t#S256 and marks the token appidacr 2", async () => {
    const networkClient = createUndiciNetworkClient(tls.ca);
    networks.push(networkClient);
    const cca = new ConfidentialClientApplication({
      auth: {
        clientId: CLIENT_ID, authority: `${peer.url}/${TENANT_A}`, knownAuthorities: [peer.host],
        clientCertificate: { thumbprintSha256: cert.thumbprintSha256, privateKey: cert.keyPem, x5c: cert.certPem },
      },
      system: { networkClient },
    });
    const result = await cca.acquireTokenByClientCredential({ scopes: [MDE_SCOPE] });
    assert.ok(result);
    const token = peer.verifyAccessToken(result.accessToken);
    assert.deepEqual([token.tid, token.aud, token.appidacr], [TENANT_A, MDE_RESOURCE, "2"]);
    assert.deepEqual(peer.requests.at(-1)?.authMethods, ["private_key_jwt"]);
    assert.equal(peer.requests.at(-1)?.secretSent, false);
  });

  it("accepts the add-on's own assertion, on v2 and (with the v1 audience) on v1", async () => {
    const make = (endpoint: string): string => createClientAssertion({
      clientId: CLIENT_ID, tokenEndpoint: endpoint, privateKey: new Secret(cert.keyPem),
      thumbprintSha256: cert.thumbprintSha256, nowMs: Date.now(),
    });
    assert.equal((await send(make(v2Endpoint()))).status, 200);
    const v1 = `${peer.url}/${TENANT_A}/oauth2/token`;
    const form = {
      client_id: CLIENT_ID, resource: MDE_RESOURCE, grant_type: "client_credentials",
      client_assertion_type: JWT_BEARER,
    };
    const ok = await client.tokenV1(TENANT_A, { ...form, client_assertion: make(v1) });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.resource, MDE_RESOURCE);
    refused(await client.tokenV1(TENANT_A, { ...form, client_assertion: make(v2Endpoint()) }),
      700027, /audience/);
  });

  it("accepts RS256 with the SHA-1 x5t header", async () => {
    const { createHash, X509Certificate } = await import("node:crypto");
    const x5t = createHash("sha1").update(new X509Certificate(cert.certPem).raw).digest("base64url");
    const res = await send(assertion(cert.keyPem, { alg: "RS256", typ: "JWT", x5t }, claims(), false));
    assert.equal(res.status, 200, JSON.stringify(res.body));
  });

  const cases: [string, () => string, number, RegExp][] = [
    ["a certificate that is not registered",
      () => assertion(other.keyPem, { alg: "PS256", "x5t#S256": other.x5tS256 }, claims()), 700027, /key was not found/],
    ["a signature by another key under the registered thumbprint",
      () => assertion(other.keyPem, { alg: "PS256", "x5t#S256": cert.x5tS256 }, claims()), 700027, /invalid signature/],
    ["another audience",
      () => assertion(cert.keyPem, { alg: "PS256", "x5t#S256": cert.x5tS256 }, claims({ aud: "https://login.microsoftonline.com/x/oauth2/v2.0/token" })), 700027, /audience/],
    ["another issuer",
      () => assertion(cert.keyPem, { alg: "PS256", "x5t#S256": cert.x5tS256 }, claims({ iss: "someone-else" })), 700027, /issuer/],
    ["an expired assertion",
      () => assertion(cert.keyPem, { alg: "PS256", "x5t#S256": cert.x5tS256 }, claims({ nbf: nowS() - 7200, exp: nowS() - 3600 })), 700024, /valid time range/],
    ["an HS256 assertion",
      () => `${b64({ alg: "HS256", "x5t#S256": cert.x5tS256 })}.${b64(claims())}.c2ln`, 700027, /algorithm/],
  ];
  for (const [name, make, code, reason] of cases) {
    it(`refuses ${name} with AADSTS${code}`, async () => {
      refused(await send(make()), code, reason);
    });
  }

  it("refuses a registered certificate past its expiry with 700027 'key used is expired'", async () => {
    peer.updateApp(CLIENT_ID, { certificates: [{ pem: cert.certPem, expiresAt: Date.now() - 1000 }] });
    try {
      refused(await send(assertion(cert.keyPem, { alg: "PS256", "x5t#S256": cert.x5tS256 }, claims())),
        700027, /key used is expired/);
    } finally {
      peer.updateApp(CLIENT_ID, { certificates: [{ pem: cert.certPem }] });
    }
  });
});
