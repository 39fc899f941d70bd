import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { epochSeconds, formatInstant, parseInstant } from "../../src/checkpoint/index.ts";

describe("instants", () => {
  // Defender trims trailing zeros: 0 to 7 fractional digits (peer-failure-modes.md item 5).
  const ordered = [
    "2021-01-26T20:33:59Z",
    "2021-01-26T20:33:59.0000001Z",
    "2021-01-26T20:33:59.2Z",
    "2021-01-26T20:33:59.25Z",
    "2021-01-26T20:33:59.2500001Z",
    "2021-01-26T20:33:59.9999999Z",
    "2021-01-26T20:34:00Z",
  ];

  it("orders 0-7 fractional digits by instant, not by text", () => {
    const ticks = ordered.map((t) => parseInstant(t));
    for (let i = 1; i < ticks.length; i += 1) {
      assert.ok((ticks[i - 1] as bigint) < (ticks[i] as bigint), `${ordered[i - 1]} < ${ordered[i]}`);
    }
    // The text order of the same values is wrong, which is the bug this guards against.
    assert.ok("2021-01-26T20:33:59.2Z" > "2021-01-26T20:33:59.25Z");
    assert.ok("2021-01-26T20:33:59Z" > "2021-01-26T20:33:59.2Z");
  });

  const equal: [string, string][] = [
    ["2021-01-26T20:33:59.2Z", "2021-01-26T20:33:59.2000000Z"],
    ["2021-01-26T20:33:59Z", "2021-01-26T20:33:59.000Z"],
    ["2021-01-26T22:33:59.5+02:00", "2021-01-26T20:33:59.5Z"],
    ["2021-01-26t20:33:59z", "2021-01-26T20:33:59Z"],
  ];
  for (const [a, b] of equal) {
    it(`treats ${a} and ${b} as one instant`, () => assert.equal(parseInstant(a), parseInstant(b)));
  }

  for (const text of ["", "2021-01-26", "2021-02-30T00:00:00Z", "2021-01-26T24:00:00Z", "2021-01-26T20:33:59.12345678Z", "yesterday"]) {
    it(`rejects '${text}'`, () => assert.equal(parseInstant(text), undefined));
  }

  it("formats with exactly seven digits and round-trips", () => {
    for (const text of ordered) {
      const ticks = parseInstant(text) as bigint;
      assert.match(formatInstant(ticks), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
      assert.equal(parseInstant(formatInstant(ticks)), ticks);
    }
  });

  it("gives epoch seconds with milliseconds for <time>", () => {
    assert.equal(epochSeconds(parseInstant("2021-01-26T20:33:57.7220239Z") as bigint), "1611693237.722");
    assert.equal(epochSeconds(parseInstant("1970-01-01T00:00:01Z") as bigint), "1.000");
  });
});
