// OpenID discovery and the key set: what MSAL reads, and what a resource server verifies with.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from "jose";

import { createTestTls, type TestTls } from "../../support/tls.ts";
import {
  DOMAIN_A, MDE_RESOURCE, TENANT_A, clientCredentialsForm, createRawClient, createSeededPeer,
  type RawClient,
} from "./fixtures.ts";
import type { EntraPeer } from "./index.ts";

describe("entra peer discovery", () => {
  let tls: TestTls;
  let peer: EntraPeer;
  let client: RawClient;

  before(async () => {
    tls = createTestTls();
    peer = await createSeededPeer(tls);
    client = createRawClient(peer, tls);
  });
  after(async () => {
    await client.close();
    await peer.close();
  });

  it("serves the v2 document on the peer's origin, cacheable for a day", async () => {
    const res = await client.get(`/${TENANT_A}/v2.0/.well-known/openid-configuration`);

    assert.equal(res.status, 200);
    assert.equal(res.headers["cache-control"], "max-age=86400, private");
    const base = `${peer.url}/${TENANT_A}`;
    assert.equal(res.body.issuer, `${base}/v2.0`);
    assert.equal(res.body.authorization_endpoint, `${base}/oauth2/v2.0/authorize`);
    assert.equal(res.body.token_endpoint, `${base}/oauth2/v2.0/token`);
    assert.equal(res.body.jwks_uri, `${base}/discovery/v2.0/keys`);
    assert.equal(res.body.end_session_endpoint, `${base}/oauth2/v2.0/logout`);
    assert.deepEqual(res.body.token_endpoint_auth_methods_supported,
      ["client_secret_post", "private_key_jwt", "client_secret_basic"]);
    assert.deepEqual(res.body.id_token_signing_alg_values_supported, ["RS256"]);
    assert.equal(res.body.cloud_instance_name, "microsoftonline.com");
  });

  it("names the tenant id in the endpoints when the URL uses its domain", async () => {
    const res = await client.get(`/${DOMAIN_A}/v2.0/.well-known/openid-configuration`);

    assert.equal(res.body.issuer, `${peer.url}/${TENANT_A}/v2.0`);
    assert.equal(res.body.token_endpoint, `${peer.url}/${TENANT_A}/oauth2/v2.0/token`);
  });

  it("gives `common` a templated issuer", async () => {
    const res = await client.get("/common/v2.0/.well-known/openid-configuration");

    assert.equal(res.body.issuer, `${peer.url}/{tenantid}/v2.0`);
    assert.equal(res.body.token_endpoint, `${peer.url}/common/oauth2/v2.0/token`);
    assert.equal(res.body.tenant_region_scope, null);
  });

  it("answers an unknown tenant with AADSTS90002 on both documents", async () => {
    for (const path of ["v2.0/.well-known/openid-configuration", "discovery/v2.0/keys"]) {
      const res = await client.get(`/00000000-0000-4000-8000-00000000dead/${path}`);
      assert.equal(res.status, 400);
      assert.equal(res.body.error, "invalid_tenant");
      assert.deepEqual(res.body.error_codes, [90002]);
      assert.match(String(res.body.error_description), /^AADSTS90002: Tenant '[^']+' not found\./);
    }
  });

  it("publishes the key that verifies its access tokens", async () => {
    const keys = await client.get(`/${TENANT_A}/discovery/v2.0/keys`);
    const token = await client.token(TENANT_A, clientCredentialsForm());

    assert.equal(keys.status, 200);
    const jwks = createLocalJWKSet(keys.body as unknown as JSONWebKeySet);
    const { payload, protectedHeader } = await jwtVerify(String(token.body.access_token), jwks, {
      issuer: `https://sts.windows.net/${TENANT_A}/`,
      audience: MDE_RESOURCE,
    });
    assert.equal(protectedHeader.alg, "RS256");
    assert.equal(protectedHeader.typ, "JWT");
    assert.equal(payload.tid, TENANT_A);
  });

  it("logs discovery requests and answers unknown paths with 404", async () => {
    const seen = peer.discoveryRequests.length;
    assert.equal((await client.get("/nowhere")).status, 404);
    assert.equal((await client.get(`/${TENANT_A}/oauth2/v2.0/devicecode`)).status, 404);
    assert.equal(peer.discoveryRequests.length, seen);
    assert.deepEqual(peer.discoveryRequests.map((d) => d.document).slice(0, 2),
      ["openid-configuration", "openid-configuration"]);
  });
});
