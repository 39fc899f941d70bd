import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { ERROR_CATALOGUE, type ErrorCode } from "../../src/errors.ts";
import {
  BACKOFF_BASE_MS, BACKOFF_MAX_MS, backoffFor, DEAD_CREDENTIAL_CODES, RECONSENT_CODES,
} from "../../src/health/index.ts";

describe("token call back-off per tenant", () => {
  const now = 1_700_000_000_000;

  it("pauses a dead credential 15 minutes, doubling per failure in a row, at most a day", () => {
    const waits = [1, 2, 3, 4, 5, 8, 30].map((n) => (backoffFor("AUTH_INVALID_SECRET", n, now)?.untilMs ?? 0) - now);
    assert.deepEqual(waits, [1, 2, 4, 8, 16, 96, 96].map((m) => Math.min(m * BACKOFF_BASE_MS, BACKOFF_MAX_MS)));
    assert.equal(backoffFor("AUTH_INVALID_SECRET", 1, now)?.scope, "credential");
  });

  it("waits out throttling for Retry-After (or a minute), whatever the credential", () => {
    assert.deepEqual(backoffFor("AUTH_THROTTLED", 1, now, 120), { untilMs: now + 120_000, scope: "any" });
    assert.deepEqual(backoffFor("AUTH_THROTTLED", 3, now), { untilMs: now + 60_000, scope: "any" });
  });

  it("never pauses transient or data failures", () => {
    for (const code of ["AUTH_UNREACHABLE", "API_FORBIDDEN", "API_SERVER_ERROR", "KVSTORE_UNAVAILABLE", "AUTH_LEASE_BUSY"] as ErrorCode[]) {
      assert.equal(backoffFor(code, 5, now), undefined, code);
    }
  });

  it("pauses only refusals of the tenant's own credential or consent", () => {
    for (const code of DEAD_CREDENTIAL_CODES) {
      assert.equal(ERROR_CATALOGUE[code].disposition, "tenant", code);
      assert.ok(code.startsWith("AUTH_"), code);
    }
    for (const code of RECONSENT_CODES) assert.match(ERROR_CATALOGUE[code].action, /consent|sign in|Sign in/, code);
  });
});
