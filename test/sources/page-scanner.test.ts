import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { createPageScanner, type PageShape } from "../../src/sources/page-scanner.ts";

/** Feeds `body` in chunks of every size from 1 up, checking the same result each time. */
function scanAll(shape: PageShape, body: string, chunk: number): { elements: string[]; fields: Record<string, unknown> } {
  const elements: string[] = [];
  const scanner = createPageScanner(shape, (raw) => elements.push(raw));
  for (let i = 0; i < body.length; i += chunk) scanner.write(body.slice(i, i + chunk));
  return { elements, fields: scanner.end() };
}

describe("page scanner", () => {
  const alerts = [
    { id: "a", title: 'quote " and brace } and bracket ] inside', evidence: [{ x: [1, { y: "\\" }] }] },
    { id: "b", path: "C:\\\\Windows\\\\", nested: { value: [1, 2] }, unicode: "é中😀" },
    { id: "c", empty: {}, list: [] },
  ];
  const odata = JSON.stringify({
    "@odata.context": "https://api.securitycenter.microsoft.com/api/$metadata#Alerts",
    value: alerts,
    "@odata.nextLink": "https://api/alerts?$skip=3",
    "@odata.count": 42,
  });

  for (const chunk of [1, 2, 3, 7, 64, 100_000]) {
    it(`finds each alert's exact text in ${chunk}-character chunks`, () => {
      const { elements, fields } = scanAll("odata", odata, chunk);
      assert.deepEqual(elements, alerts.map((a) => JSON.stringify(a)));
      assert.deepEqual(fields, {
        "@odata.context": "https://api.securitycenter.microsoft.com/api/$metadata#Alerts",
        "@odata.nextLink": "https://api/alerts?$skip=3",
        "@odata.count": 42,
      });
    });
  }

  it("keeps pretty-printed text as the service sent it", () => {
    const pretty = JSON.stringify({ value: alerts }, null, 2);
    const { elements } = scanAll("odata", pretty, 5);
    assert.deepEqual(elements.map((e) => JSON.parse(e) as unknown), alerts);
    assert.match(elements[0] ?? "", /\n {6}"id": "a"/);
  });

  it("reads a bare array page (legacy SIEM API)", () => {
    const { elements, fields } = scanAll("array", JSON.stringify(alerts), 4);
    assert.equal(elements.length, 3);
    assert.deepEqual(fields, {});
  });

  it("reads an empty page", () => {
    assert.deepEqual(scanAll("odata", '{"@odata.context":"x","value":[]}', 3).elements, []);
    assert.deepEqual(scanAll("array", "[]", 1).elements, []);
  });

  const broken: [string, PageShape, string, RegExp][] = [
    ["a truncated body", "odata", odata.slice(0, odata.length - 40), /ended early/],
    ["an empty body", "odata", "", /body is empty/],
    ["an HTML page", "odata", "<html><body>Proxy error</body></html>", /outside the page/],
    ["an array where an object is expected", "odata", "[]", /not an object/],
    ["value that is not an array", "odata", '{"value":{"id":1}}', /"value" is not an array/],
    ["an entry that is not an object", "odata", '{"value":[1,2]}', /entry is not an object/],
    ["text after the page", "odata", '{"value":[]} {"value":[]}', /more than one top-level value/],
    ["a malformed field", "odata", '{"value":[],"@odata.nextLink":nope}', /field @odata.nextLink is malformed/],
  ];
  for (const [name, shape, body, message] of broken) {
    it(`rejects ${name}`, () => {
      assert.throws(() => scanAll(shape, body, 5), (error: Error & { code?: string }) => {
        assert.equal(error.code, "API_RESPONSE_INVALID");
        assert.match(error.message, message);
        return true;
      });
    });
  }

  it("skips an alert above the size limit, naming it, and goes on with the page", () => {
    const elements: string[] = [];
    const oversized: [string, number][] = [];
    const scanner = createPageScanner("odata", (raw) => elements.push(raw), 100, (head, chars) => oversized.push([head, chars]));
    const big = `{"id":"huge","x":"${"a".repeat(300)}"}`;
    const body = `{"value":[{"id":"a"},${big},{"id":"b"}]}`;
    for (let i = 0; i < body.length; i += 40) scanner.write(body.slice(i, i + 40));
    scanner.end();
    assert.deepEqual(elements, ['{"id":"a"}', '{"id":"b"}']);
    assert.equal(oversized.length, 1);
    assert.match(oversized[0]![0], /^\{"id":"huge"/);
    assert.equal(oversized[0]![1], big.length);
  });
});
