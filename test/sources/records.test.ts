import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { parseInstant } from "../../src/checkpoint/index.ts";
import { readRecord } from "../../src/sources/records.ts";
import { generateAlerts } from "../peers/defender/index.ts";

/** What a whole JSON.parse of the text says, the reference for valid JSON. */
function parsedRecord(raw: string, idField: string, timeField: string) {
  try {
    const fields = JSON.parse(raw) as Record<string, unknown>;
    const id = fields[idField];
    const time = fields[timeField];
    return {
      raw,
      id: typeof id === "string" && id !== "" ? id : typeof id === "number" ? String(id) : undefined,
      updated: typeof time === "string" ? parseInstant(time) : undefined,
    };
  } catch {
    return { raw, id: undefined, updated: undefined };
  }
}

const T = "2024-03-01T10:00:00.1234567Z";
const TICKS = parseInstant(T);

describe("alert records", () => {
  it("reads every generated alert as a whole parse does, heavy evidence included", () => {
    const alerts = generateAlerts({ count: 300, tenantId: "t", seed: 3, startMs: Date.UTC(2024, 0, 1), evidence: { min: 0, max: 40 } });
    for (const alert of alerts) {
      for (const raw of [JSON.stringify(alert), JSON.stringify(alert, null, 2)]) {
        assert.deepEqual(readRecord(raw, "id", "lastUpdateTime"), parsedRecord(raw, "id", "lastUpdateTime"));
      }
    }
  });

  const cases: [string, string, string | undefined, bigint | undefined][] = [
    ["fields in any order", `{"lastUpdateTime":"${T}","x":1,"id":"a"}`, "a", TICKS],
    ["a numeric id", `{"id":42,"lastUpdateTime":"${T}"}`, "42", TICKS],
    ["an empty id", `{"id":"","lastUpdateTime":"${T}"}`, undefined, TICKS],
    ["a null id", `{"id":null,"lastUpdateTime":"${T}"}`, undefined, TICKS],
    ["an id of another type", `{"id":{"v":"a"},"lastUpdateTime":"${T}"}`, undefined, TICKS],
    ["a time that is not a string", `{"id":"a","lastUpdateTime":1700000000}`, "a", undefined],
    ["an unparsable time", `{"id":"a","lastUpdateTime":"yesterday"}`, "a", undefined],
    ["no fields at all", "{}", undefined, undefined],
    ["neither field", `{"title":"x","evidence":[]}`, undefined, undefined],
    ["an escaped member name", `{"i\\u0064":"a","lastUpdateTime":"${T}"}`, "a", TICKS],
    ["escapes in the id", `{"id":"a\\"b\\\\","lastUpdateTime":"${T}"}`, 'a"b\\', TICKS],
    [
      "look-alikes inside strings and nested objects before the fields",
      `{"title":"\\"id\\":\\"fake\\" } ]","user":{"id":"nested","x":[{"lastUpdateTime":"2020-01-01T00:00:00Z"}]},"n":-1.5e3,"b":true,"z":null,"id":"real","lastUpdateTime":"${T}"}`,
      "real",
      TICKS,
    ],
    ["white space everywhere", `{ \n\t"id" :\r\n "a" ,\n "lastUpdateTime"\t:\t"${T}" \n}`, "a", TICKS],
    ["not JSON", "{id: a}", undefined, undefined],
    ["not an object", `["id","a"]`, undefined, undefined],
    ["a string cut short", `{"id":"a`, undefined, undefined],
  ];
  for (const [name, raw, id, updated] of cases) {
    it(`reads ${name}`, () => {
      assert.deepEqual(readRecord(raw, "id", "lastUpdateTime"), { raw, id, updated });
      // Where the text is JSON, a whole parse says the same.
      assert.deepEqual(readRecord(raw, "id", "lastUpdateTime"), parsedRecord(raw, "id", "lastUpdateTime"));
    });
  }

  it("reads other APIs' field names (Graph, legacy SIEM)", () => {
    const graph = `{"id":"g1","evidence":[{"id":"x"}],"lastUpdateDateTime":"${T}"}`;
    assert.deepEqual(readRecord(graph, "id", "lastUpdateDateTime"), { raw: graph, id: "g1", updated: TICKS });
    const siem = `{"AlertTime":"x","FullId":"s1","LastProcessedTimeUtc":"${T}"}`;
    assert.deepEqual(readRecord(siem, "FullId", "LastProcessedTimeUtc"), { raw: siem, id: "s1", updated: TICKS });
  });

  it("stops at the two fields: text after them is kept, not checked", () => {
    const raw = `{"id":"a","lastUpdateTime":"${T}","evidence":[oops]}`;
    assert.deepEqual(readRecord(raw, "id", "lastUpdateTime"), { raw, id: "a", updated: TICKS });
  });

  it("takes the first of a field given twice", () => {
    const raw = `{"id":"first","id":"second","lastUpdateTime":"${T}"}`;
    assert.equal(readRecord(raw, "id", "lastUpdateTime").id, "first");
  });

  it("keeps the text it was given, exactly", () => {
    const raw = `{ "id" : "a", "lastUpdateTime" : "${T}" }`;
    assert.equal(readRecord(raw, "id", "lastUpdateTime").raw, raw);
  });
});
