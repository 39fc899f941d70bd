import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { createTokenProvider } from "../../src/auth/index.ts";
import type { ErrorCode } from "../../src/errors.ts";
import { createHttpClient, type HttpClient } from "../../src/http/index.ts";
import { Secret } from "../../src/log/index.ts";
import { createEntraPeer, MDE, type EntraPeer } from "../peers/entra/index.ts";
import { createTestTls } from "../support/tls.ts";

const CLIENT_ID = "0c1a5f0e-3b5e-4a43-9c43-0b1d5c0f3a11";
const TENANT = "d2c9e3a4-1f7b-4e8e-9a1c-5b6f7e8d9c0a";
const MDE_RESOURCE = "https://api.securitycenter.microsoft.com";

describe("token provider (client credentials with @azure/msal-node)", () => {
  let entra: EntraPeer;
  let http: HttpClient;

  before(async () => {
    const tls = createTestTls();
    entra = await createEntraPeer({ tls });
    entra.addTenant(TENANT);
    entra.registerApp({ clientId: CLIENT_ID, secrets: [{ value: "good" }] });
    entra.consent({ tenantId: TENANT, clientId: CLIENT_ID, grants: [{ resource: MDE_RESOURCE, roles: ["Alert.Read.All"] }] });
    http = createHttpClient({ ca: [tls.ca], userAgent: "test", unreachableCode: "AUTH_UNREACHABLE" });
  });
  after(async () => {
    await http.close();
    await entra.close();
  });

  const provider = (opts: { secret?: string; tenantId?: string; resource?: string } = {}) =>
    createTokenProvider({
      credential: { kind: "client_secret", clientId: CLIENT_ID, secret: new Secret(opts.secret ?? "good") },
      tenantId: opts.tenantId ?? TENANT,
      loginUrl: new URL(entra.url),
      resource: opts.resource ?? MDE_RESOURCE,
      http,
    });

  it("gets a token for the customer tenant's own authority and caches it", async () => {
    const tokens = provider();
    const claims = entra.verifyAccessToken((await tokens.getToken()).reveal());
    assert.equal(claims.tid, TENANT);
    assert.equal(claims.aud, MDE_RESOURCE);
    assert.deepEqual(claims.roles, ["Alert.Read.All"]);
    const issued = entra.issued.get(TENANT);
    await tokens.getToken();
    assert.equal(entra.issued.get(TENANT), issued, "second call served from MSAL's cache");
    assert.equal(MDE.identifierUris.includes(MDE_RESOURCE), true);
  });

  const failures: [string, () => ReturnType<typeof provider>, (() => void) | undefined, ErrorCode, RegExp][] = [
    ["a wrong secret", () => provider({ secret: "bad" }), undefined, "AUTH_INVALID_SECRET", /AADSTS7000215/],
    ["an unknown tenant", () => provider({ tenantId: "00000000-0000-0000-0000-00000000dead" }), undefined, "AUTH_TENANT_NOT_FOUND", /AADSTS90002/],
    ["an unknown resource", () => provider({ resource: "https://nothing.example.com" }), undefined, "AUTH_INVALID_SCOPE", /AADSTS500011/],
    ["an expired secret", () => provider(), () => entra.injectError({ tenantId: TENANT, status: 401, error: "invalid_client", code: 7000222 }), "AUTH_SECRET_EXPIRED", /AADSTS7000222/],
    ["an app without consent", () => provider(), () => entra.injectError({ tenantId: TENANT, status: 400, error: "unauthorized_client", code: 700016 }), "AUTH_APP_NOT_IN_TENANT", /AADSTS700016/],
    ["throttling", () => provider(), () => entra.injectError({ tenantId: TENANT, status: 429, error: "temporarily_unavailable", code: 90055, retryAfterSeconds: 5 }), "AUTH_THROTTLED", /AADSTS90055|429/],
  ];
  for (const [name, make, arrange, code, message] of failures) {
    it(`maps ${name} to ${code}`, async () => {
      arrange?.();
      try {
        await assert.rejects(make().getToken(), (error: Error & { code?: string; details?: Record<string, unknown> }) => {
          assert.equal(error.code, code, error.message);
          assert.match(`${error.message} ${String(error.details?.["aadsts"])}`, message);
          assert.doesNotMatch(error.message, /good|bad/);
          return true;
        });
      } finally {
        entra.clearErrors();
      }
    });
  }

  it("reports an unreachable login host with its name", async () => {
    const tokens = createTokenProvider({
      credential: { kind: "client_secret", clientId: CLIENT_ID, secret: new Secret("good") },
      tenantId: TENANT,
      loginUrl: new URL("https://127.0.0.1:9"),
      resource: MDE_RESOURCE,
      http,
    });
    await assert.rejects(tokens.getToken(), (error: Error & { code?: string }) => {
      assert.equal(error.code, "AUTH_UNREACHABLE");
      assert.match(error.message, /Could not reach 127\.0\.0\.1:9/);
      return true;
    });
  });
});
