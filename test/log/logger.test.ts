import assert from "node:assert/strict";
import { inspect } from "node:util";
import { describe, it } from "node:test";

import { AddonError } from "../../src/errors.ts";
import { createLogger, Secret } from "../../src/log/index.ts";

describe("logger", () => {
  it("writes LEVEL message key=value on one line", () => {
    const lines: string[] = [];
    const logger = createLogger({ write: (l) => lines.push(l) }).child({ input: "contoso" });
    logger.info("events ingested", { events: 12, note: 'two words "quoted"', multi: "a\nb" });
    assert.deepEqual(lines, ['INFO events ingested input=contoso events=12 note="two words \\"quoted\\"" multi="a b"\n']);
  });

  it("drops records below the level", () => {
    const lines: string[] = [];
    createLogger({ write: (l) => lines.push(l), level: "INFO" }).debug("page fetched");
    assert.equal(lines.length, 0);
  });

  it("never writes a secret", () => {
    const lines: string[] = [];
    const logger = createLogger({ write: (l) => lines.push(l) });
    const secret = new Secret("s3cr3t-value");
    logger.error("failed", {
      client_secret: "s3cr3t-value",
      session_key: "s3cr3t-value",
      Authorization: "Bearer s3cr3t-value",
      refresh_token: "s3cr3t-value",
      value: secret,
      error: new AddonError("AUTH_FAILED", `wrapped ${String(secret)}`),
    });
    assert.doesNotMatch(lines.join(""), /s3cr3t/);
    assert.equal(JSON.stringify({ secret }), '{"secret":"[redacted]"}');
    assert.equal(inspect(secret), "[redacted]");
    // The conversion is what is tested.
    // eslint-disable-next-line @typescript-eslint/restrict-template-expressions
    assert.equal(`${secret}`, "[redacted]");
  });
});
