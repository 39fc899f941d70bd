// Every Entra refusal an MSSP meets, by AADSTS number and grant, to its permanent code (the
// table of issue #3 and peer-failure-modes.md item 12).
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { codeForRefusal, readRefusal, refusalError, type GrantKind } from "../../src/auth/index.ts";
import type { ErrorCode } from "../../src/errors.ts";

const TABLE: [aadsts: string | undefined, status: number, grant: GrantKind, code: ErrorCode][] = [
  ["70008", 400, "refresh_token", "AUTH_REFRESH_TOKEN_EXPIRED"],
  ["700082", 400, "refresh_token", "AUTH_REFRESH_TOKEN_EXPIRED"],
  ["50173", 400, "refresh_token", "AUTH_REFRESH_TOKEN_REVOKED"],
  ["70000", 400, "refresh_token", "AUTH_REFRESH_TOKEN_INVALID"],
  ["9002313", 400, "refresh_token", "AUTH_REFRESH_TOKEN_INVALID"],
  ["70043", 400, "refresh_token", "AUTH_SIGN_IN_REQUIRED"],
  ["50076", 400, "refresh_token", "AUTH_SIGN_IN_REQUIRED"],
  ["50078", 400, "refresh_token", "AUTH_SIGN_IN_REQUIRED"],
  ["50079", 400, "refresh_token", "AUTH_SIGN_IN_REQUIRED"],
  ["53003", 400, "client_credentials", "AUTH_CONDITIONAL_ACCESS_BLOCKED"],
  ["65001", 400, "refresh_token", "AUTH_CONSENT_REQUIRED"],
  ["90094", 400, "authorization_code", "AUTH_CONSENT_REQUIRED"],
  ["65004", 400, "authorization_code", "AUTH_CONSENT_REQUIRED"],
  ["700016", 400, "client_credentials", "AUTH_APP_NOT_IN_TENANT"],
  ["7000215", 401, "client_credentials", "AUTH_INVALID_SECRET"],
  ["7000222", 401, "refresh_token", "AUTH_SECRET_EXPIRED"],
  ["700027", 401, "client_credentials", "AUTH_CERTIFICATE_REJECTED"],
  ["700024", 401, "client_credentials", "AUTH_CERTIFICATE_REJECTED"],
  ["90002", 400, "client_credentials", "AUTH_TENANT_NOT_FOUND"],
  ["90038", 400, "client_credentials", "AUTH_TENANT_OTHER_CLOUD"],
  ["500011", 400, "client_credentials", "AUTH_INVALID_SCOPE"],
  ["901002", 400, "refresh_token", "AUTH_INVALID_SCOPE"],
  ["90055", 429, "client_credentials", "AUTH_THROTTLED"],
  ["50196", 400, "refresh_token", "AUTH_THROTTLED"],
  [undefined, 429, "refresh_token", "AUTH_THROTTLED"],
  [undefined, 503, "client_credentials", "AUTH_THROTTLED"],
  ["54005", 400, "authorization_code", "AUTH_CODE_REJECTED"],
  ["70008", 400, "authorization_code", "AUTH_CODE_REJECTED"],
  ["501481", 400, "authorization_code", "AUTH_CODE_REJECTED"],
  ["70000", 400, "client_credentials", "AUTH_FAILED"],
  ["12345", 400, "client_credentials", "AUTH_FAILED"],
];

describe("Entra refusals to permanent codes", () => {
  for (const [aadsts, status, grant, code] of TABLE) {
    it(`AADSTS${aadsts ?? "-"} (HTTP ${status}, ${grant}) → ${code}`, () => {
      assert.equal(codeForRefusal(aadsts, status, grant), code);
    });
  }

  it("reads an ESTS body into a refusal without its trace lines, and words the error", () => {
    const refusal = readRefusal(400, {
      error: "invalid_grant",
      error_description: "AADSTS700082: The refresh token has expired due to inactivity.\r\nTrace ID: t\r\nCorrelation ID: c\r\nTimestamp: x",
      error_codes: [700082], trace_id: "t-1", correlation_id: "c-1",
    }, { "retry-after": "30" });
    assert.deepEqual(refusal, {
      status: 400, error: "invalid_grant", aadsts: "700082",
      description: "AADSTS700082: The refresh token has expired due to inactivity.",
      correlationId: "c-1", traceId: "t-1", retryAfterSeconds: 30,
    });
    const error = refusalError(refusal, { tenantId: "t1", audience: "scope x/.default", grant: "refresh_token" });
    assert.equal(error.code, "AUTH_REFRESH_TOKEN_EXPIRED");
    assert.equal(error.message, "Entra ID refused a token for tenant t1 (scope x/.default): AADSTS700082: The refresh token has expired due to inactivity.");
    assert.deepEqual(error.details, {
      tenant_id: "t1", aadsts: "AADSTS700082", oauth_error: "invalid_grant", status: 400,
      correlation_id: "c-1", trace_id: "t-1", retry_after: 30,
    });
  });

  it("reads an HTML error page (a proxy's) as an HTTP status", () => {
    const refusal = readRefusal(502, undefined);
    assert.equal(refusal.error, "HTTP 502");
    assert.equal(codeForRefusal(refusal.aadsts, refusal.status, "refresh_token"), "AUTH_THROTTLED");
  });
});
