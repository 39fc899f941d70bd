import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { AddonError } from "../../src/errors.ts";
import { decideRetry, retryAfterMs } from "../../src/http/retry.ts";

const response = (status: number, headers: Record<string, string> = {}, body = "") => ({
  response: { status, headers, body },
});
const half = (): number => 0.5;

describe("retry decisions", () => {
  const table: [string, number, Parameters<typeof decideRetry>[1], boolean, number | undefined][] = [
    ["429 with Retry-After seconds", 1, response(429, { "retry-after": "7" }), true, 7000],
    ["429 with a body only (Graph form)", 1, response(429, {}, "Rate limit. Try again in 12 seconds."), true, 12000],
    ["429 without any hint backs off", 2, response(429), true, 1000],
    ["429 asking for longer than a run", 1, response(429, { "retry-after": "3600" }), false, undefined],
    ["500", 1, response(500), true, 500],
    ["503", 3, response(503), true, 2000],
    ["400 is not transient", 1, response(400), false, undefined],
    ["401 is not transient", 1, response(401), false, undefined],
    ["403 is not transient", 1, response(403), false, undefined],
    ["attempts exhausted", 4, response(500), false, undefined],
    ["connection failure", 1, { error: new AddonError("API_UNREACHABLE", "x") }, true, 500],
    ["TLS failure", 1, { error: new AddonError("TLS_UNTRUSTED", "x") }, false, undefined],
  ];
  for (const [name, attempt, outcome, retry, delay] of table) {
    it(name, () => {
      const decision = decideRetry(attempt, outcome, half);
      assert.equal(decision.retry, retry, decision.reason);
      if (decision.retry) assert.equal(decision.delayMs, delay);
    });
  }

  it("reads Retry-After as an HTTP date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    const res = { status: 429, headers: { "retry-after": "Thu, 01 Jan 2026 00:00:30 GMT" }, body: "" };
    assert.equal(retryAfterMs(res, now), 30_000);
  });
});
