// The v1 token endpoint `/{tenant}/oauth2/token`: `resource` instead of `scope`, the v1 body
// (numbers as strings, expires_on, not_before, resource), and the same client checks as v2.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { createTestTls, type TestTls } from "../../support/tls.ts";
import {
  CLIENT_ID, MDE_RESOURCE, MDE_SCOPE, SECRET, TENANT_A, TENANT_C, createRawClient,
  createSeededPeer, type RawClient,
} from "./fixtures.ts";
import type { EntraPeer } from "./index.ts";

describe("entra peer v1 token endpoint", () => {
  let tls: TestTls;
  let peer: EntraPeer;
  let client: RawClient;
  const nowMs = Date.parse("2026-06-01T12:00:00Z");

  before(async () => {
    tls = createTestTls();
    peer = await createSeededPeer(tls, () => nowMs);
    client = createRawClient(peer, tls);
  });
  after(async () => {
    await client.close();
    await peer.close();
  });

  const form = (extra: Record<string, string> = {}): Record<string, string> => ({
    client_id: CLIENT_ID, client_secret: SECRET, grant_type: "client_credentials",
    resource: MDE_RESOURCE, ...extra,
  });

  it("issues an app-only token in the documented v1 shape", async () => {
    const res = await client.tokenV1(TENANT_A, form());
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const nowS = nowMs / 1000;
    assert.deepEqual(
      { ...res.body, access_token: "…" },
      {
        token_type: "Bearer", expires_in: "3599", ext_expires_in: "3599",
        expires_on: String(nowS + 3599), not_before: String(nowS), resource: MDE_RESOURCE,
        access_token: "…",
      },
    );
    const claims = peer.verifyAccessToken(String(res.body.access_token));
    assert.deepEqual([claims.aud, claims.tid, claims.roles], [MDE_RESOURCE, TENANT_A,
      ["Alert.Read.All", "Machine.Read.All"]]);
    assert.deepEqual(peer.requests.at(-1)?.parameters,
      ["client_id", "client_secret", "grant_type", "resource"]);
  });

  it("needs resource, refuses a v2 scope, and checks the client like v2", async () => {
    const noResource = form();
    delete noResource.resource;
    assert.deepEqual((await client.tokenV1(TENANT_A, noResource)).body.error_codes, [900144]);
    assert.deepEqual((await client.tokenV1(TENANT_A, form({ scope: MDE_SCOPE }))).body.error_codes, [70011]);
    assert.deepEqual((await client.tokenV1(TENANT_A, form({ resource: "https://example.com" }))).body.error_codes, [500011]);
    assert.deepEqual((await client.tokenV1(TENANT_A, form({ client_secret: "wrong" }))).body.error_codes, [7000215]);
    assert.deepEqual((await client.tokenV1(TENANT_C, form())).body.error_codes, [700016]);
    assert.equal((await client.tokenV1(TENANT_A, form({ scope: "openid" }))).status, 200);
  });
});
