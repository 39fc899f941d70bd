// @azure/msal-node 7 against the stand-in: the product's real token path, end to end over TLS.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { ConfidentialClientApplication, ServerError } from "@azure/msal-node";

import { createTestTls, type TestTls } from "../../support/tls.ts";
import {
  CLIENT_ID, MDE_RESOURCE, MDE_SCOPE, SECRET, TENANT_A, TENANT_B, createSeededPeer,
} from "./fixtures.ts";
import type { EntraPeer } from "./index.ts";
import { createUndiciNetworkClient, type UndiciNetworkClient } from "./undici-network-client.ts";

describe("entra peer with @azure/msal-node", () => {
  let tls: TestTls;
  let peer: EntraPeer;
  const clients: UndiciNetworkClient[] = [];

  before(async () => {
    tls = createTestTls();
    peer = await createSeededPeer(tls);
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await peer.close();
  });

  const app = (tenantId: string, clientSecret = SECRET): ConfidentialClientApplication => {
    const networkClient = createUndiciNetworkClient(tls.ca);
    clients.push(networkClient);
    return new ConfidentialClientApplication({
      auth: {
        clientId: CLIENT_ID,
        authority: `${peer.url}/${tenantId}`,
        clientSecret,
        knownAuthorities: [peer.host],
      },
      system: { networkClient },
    });
  };

  it("issues an MDE token that verifies, then serves the next call from cache", async () => {
    peer.resetLogs();
    const cca = app(TENANT_A);

    const first = await cca.acquireTokenByClientCredential({ scopes: [MDE_SCOPE] });
    assert.ok(first);
    assert.equal(first.fromCache, false);
    const claims = peer.verifyAccessToken(first.accessToken);
    assert.equal(claims.tid, TENANT_A);
    assert.equal(claims.aud, MDE_RESOURCE);
    assert.deepEqual(claims.roles, ["Alert.Read.All", "Machine.Read.All"]);
    assert.equal(claims.appid, CLIENT_ID);

    const second = await cca.acquireTokenByClientCredential({ scopes: [MDE_SCOPE] });
    assert.equal(second?.fromCache, true);
    assert.equal(peer.requests.length, 1);
    assert.equal(peer.issued.get(TENANT_A), 1);
    assert.deepEqual(peer.discoveryRequests.map((d) => [d.tenant, d.document, d.status]),
      [[TENANT_A, "openid-configuration", 200]]);

    const [logged] = peer.requests;
    assert.equal(logged?.grantType, "client_credentials");
    assert.equal(logged?.scope, MDE_SCOPE);
    assert.equal(logged?.secretSent, true);
    assert.deepEqual(logged?.authMethods, ["client_secret_post"]);
    assert.ok(!JSON.stringify(peer.requests).includes(SECRET), "secret value in the request log");
  });

  it("serves two tenants from one application with a per-request authority", async () => {
    const cca = app(TENANT_A);

    const a = await cca.acquireTokenByClientCredential({ scopes: [MDE_SCOPE] });
    const b = await cca.acquireTokenByClientCredential({
      scopes: [MDE_SCOPE], authority: `${peer.url}/${TENANT_B}`,
    });
    assert.ok(a && b);
    assert.equal(peer.verifyAccessToken(a.accessToken).tid, TENANT_A);
    const claimsB = peer.verifyAccessToken(b.accessToken);
    assert.equal(claimsB.tid, TENANT_B);
    assert.deepEqual(claimsB.roles, ["Alert.ReadWrite.All"]);
  });

  it("surfaces a wrong secret as ServerError invalid_client with the AADSTS number", async () => {
    const cca = app(TENANT_A, "not-the-secret");

    await assert.rejects(cca.acquireTokenByClientCredential({ scopes: [MDE_SCOPE] }),
      (error: unknown) => {
        assert.ok(error instanceof ServerError);
        assert.equal(error.errorCode, "invalid_client");
        assert.equal(String(error.errorNo), "7000215");
        assert.match(error.errorMessage, /Description: AADSTS7000215: /);
        // ESTS answers with the client's own client-request-id as the correlation id.
        assert.ok(error.errorMessage.includes(`Correlation ID: ${error.correlationId}`));
        return true;
      });
  });

  it("throttles locally after a 429 with Retry-After, as MSAL documents", async () => {
    const cca = app(TENANT_B);
    peer.injectError({
      tenantId: TENANT_B, status: 429, error: "temporarily_unavailable", code: 90055,
      retryAfterSeconds: 30,
    });
    const before = peer.requests.length;
    const scopes = ["https://graph.microsoft.com/.default"];

    const isThrottled = (error: unknown): boolean => {
      assert.ok(error instanceof ServerError);
      assert.equal(String(error.errorNo ?? error.errorCode), "90055");
      return true;
    };
    await assert.rejects(cca.acquireTokenByClientCredential({ scopes }), isThrottled);
    await assert.rejects(cca.acquireTokenByClientCredential({ scopes }), isThrottled);
    assert.equal(peer.requests.length, before + 1, "MSAL should not call again within Retry-After");
    assert.equal(peer.requests.at(-1)?.status, 429);
  });
});
