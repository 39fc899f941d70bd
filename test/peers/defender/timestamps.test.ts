import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ODataQueryError } from "./errors.ts";
import { parseFilter } from "./filter.ts";
import { formatInstant, parseInstant, shapeTicks } from "./timestamps.ts";

const BASE = parseInstant("2021-01-26T20:33:59Z") ?? 0n;

describe("parseInstant / formatInstant", () => {
  const cases: [string, bigint | undefined][] = [
    ["2021-01-26T20:33:59Z", BASE],
    ["2021-01-26T20:33:59.2Z", BASE + 2_000_000n],
    ["2021-01-26T20:33:59.20Z", BASE + 2_000_000n],
    ["2021-01-26T20:33:59.2000000Z", BASE + 2_000_000n],
    ["2021-01-26T20:33:59.25Z", BASE + 2_500_000n],
    ["2021-01-26T20:33:59.0252869Z", BASE + 252_869n],
    ["2021-01-26T20:33:59.0000001Z", BASE + 1n],
    ["2021-01-26T21:33:59.2+01:00", BASE + 2_000_000n],
    ["2021-01-26T20:33Z", BASE - 59n * 10_000_000n],
    ["2021-01-26T20:33:59.00000001Z", undefined],
    ["2021-02-30T00:00:00Z", undefined],
    ["2021-01-26T24:00:00Z", undefined],
    ["2021-01-26T20:33:59", undefined],
    ["2021-01-26 20:33:59Z", undefined],
  ];
  for (const [text, expected] of cases) {
    it(`parses ${text}`, () => assert.equal(parseInstant(text), expected));
  }

  it("formats with trailing zeros trimmed, 0 to 7 digits", () => {
    assert.equal(formatInstant(BASE), "2021-01-26T20:33:59Z");
    assert.equal(formatInstant(BASE + 2_000_000n), "2021-01-26T20:33:59.2Z");
    assert.equal(formatInstant(BASE + 252_869n), "2021-01-26T20:33:59.0252869Z");
    assert.equal(formatInstant(BASE + 1n), "2021-01-26T20:33:59.0000001Z");
  });

  it("orders instants where text order is wrong", () => {
    // As text, ".2Z" sorts after ".25Z" and ":59Z" after ":59.1Z"; as instants they do not.
    const texts = ["2021-01-26T20:33:59.25Z", "2021-01-26T20:33:59.2Z",
      "2021-01-26T20:33:59.1999999Z", "2021-01-26T20:33:59Z"];
    const sorted = [...texts].sort((a, b) => {
      const x = parseInstant(a) ?? 0n;
      const y = parseInstant(b) ?? 0n;
      return x < y ? -1 : x > y ? 1 : 0;
    });
    assert.deepEqual(sorted, [texts[3], texts[2], texts[1], texts[0]]);
    assert.deepEqual([...texts].sort(), [texts[2], texts[0], texts[1], texts[3]]);
  });

  it("shapes sub-seconds the way Defender's stores write them", () => {
    assert.equal(formatInstant(shapeTicks(BASE, "sql", 17 / 300)),
      "2021-01-26T20:33:59.0566667Z");
    assert.equal(formatInstant(shapeTicks(BASE, "sql", 60 / 300)), "2021-01-26T20:33:59.2Z");
    assert.equal(formatInstant(shapeTicks(BASE + 5n, "whole", 0.5)), "2021-01-26T20:33:59Z");
    assert.equal(formatInstant(shapeTicks(BASE, "ms", 0.123)), "2021-01-26T20:33:59.123Z");
  });
});

describe("parseFilter", () => {
  const valid = [
    "lastUpdateTime ge 2019-11-22T00:00:00Z",
    "lastUpdateTime gt 2019-11-22T00:00:00.1234567Z and lastUpdateTime lt 2019-11-23T00:00Z",
    "(status eq 'New' or status eq 'InProgress') and severity ne 'Informational'",
    "incidentId eq 1126093 and assignedTo eq null",
    "id eq 'da637472900382838869_1364969609'",
    "assignedTo eq 'o''brien@contoso.com'",
    "detectionSource eq 'WindowsDefenderAv' and category eq 'Malware'",
    "alertCreationTime le 2021-01-26T20:33:57.7220239Z or lastEventTime ge 2021-01-01T00:00Z",
  ];
  for (const source of valid) it(`accepts ${source}`, () => assert.ok(parseFilter(source)));

  const invalid: [string, RegExp][] = [
    ["lastUpdateTime ge '2019-11-22T00:00:00Z'", /incompatible types/],
    ["lastUpdateTime ge 2019-11-22T00:00:00.12345678Z", /DateTimeOffset literal/],
    ["lastUpdateTime ge 2019-11-22", /not a valid literal|DateTimeOffset/],
    ["LastUpdateTime ge 2019-11-22T00:00:00Z", /property named 'LastUpdateTime'/],
    ["title eq 'x'", /property named 'title'/],
    ["status eq 'new'", /not valid for property 'status'/],
    ["status eq New", /not a valid literal/],
    ["status gt 'New'", /incompatible types/],
    ["lastUpdateTime gte 2019-11-22T00:00:00Z", /not a supported operator/],
    ["lastUpdateTime ge 2019-11-22T00:00:00Z AND status eq 'New'", /unexpected 'AND'/],
    ["lastUpdateTime gt null", /incompatible types/],
    ["(status eq 'New'", /expected '\)'/],
    ["status eq 'New", /unterminated string/],
    ["incidentId eq '7'", /incompatible types/],
    ["status eq", /expected a literal/],
  ];
  for (const [source, message] of invalid) {
    it(`refuses ${source}`, () => {
      assert.throws(() => parseFilter(source), (error: unknown) => {
        assert.ok(error instanceof ODataQueryError);
        assert.equal(error.option, "$filter");
        assert.match(error.message, message);
        return true;
      });
    });
  }
});
