import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";

import { AddonError, ERROR_CATALOGUE, toAddonError } from "../src/errors.ts";

describe("error catalogue", () => {
  const page = readFileSync(new URL("../docs/ERRORS.md", import.meta.url), "utf8");
  const documented = new Map(
    [...page.matchAll(/^\| `([A-Z_]+)` \| (\w+) \| (.+) \|$/gm)].map((m) => [m[1], [m[2], m[3]]]),
  );

  for (const [code, entry] of Object.entries(ERROR_CATALOGUE)) {
    it(`documents ${code} with its disposition and action`, () => {
      assert.deepEqual(documented.get(code), [entry.disposition, entry.action]);
      assert.match(entry.action, /^[A-Z].*\.$/);
    });
  }

  it("documents no code that does not exist", () => {
    for (const code of documented.keys()) assert.ok(code !== undefined && code in ERROR_CATALOGUE, code);
  });

  it("wraps unknown failures as INTERNAL and keeps the cause", () => {
    const cause = new TypeError("boom");
    const error = toAddonError(cause);
    assert.equal(error.code, "INTERNAL");
    assert.equal(error.cause, cause);
    assert.equal(toAddonError(new AddonError("CONFIG_INVALID", "x")).code, "CONFIG_INVALID");
  });
});
