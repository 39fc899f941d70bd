import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { AddonError } from "../../src/errors.ts";
import type { HttpClient, HttpResponse } from "../../src/http/index.ts";
import { createFakeHttp } from "../support/fake-http.ts";
import { createLogger, Secret } from "../../src/log/index.ts";
import { parseInstant } from "../../src/checkpoint/index.ts";
import { createMdeAlertsSource } from "../../src/sources/mde/index.ts";

const page = (ids: string[], nextLink?: string): HttpResponse => ({
  status: 200,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({
    "@odata.context": "https://api.securitycenter.microsoft.com/api/$metadata#Alerts",
    value: ids.map((id) => ({ id, lastUpdateTime: "2024-01-01T00:00:00Z" })),
    ...(nextLink === undefined ? {} : { "@odata.nextLink": nextLink }),
  }),
});

async function collect(http: HttpClient, apiUrl = "https://api.securitycenter.microsoft.com") {
  const sleeps: number[] = [];
  const source = createMdeAlertsSource({
    http,
    tokens: { scope: "https://api.securitycenter.microsoft.com/.default", getToken: async () => new Secret("tok") },
    apiUrl: new URL(apiUrl),
    pageSize: 2,
    tenantId: "t1",
    logger: createLogger({ write: () => {} }),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  const ids: string[] = [];
  for await (const p of source.pages(parseInstant("2024-01-01T00:00:00.1234567Z") as bigint)) {
    ids.push(...p.alerts.map((a) => String(a["id"])));
  }
  return { ids, sleeps };
}

describe("Defender alerts source", () => {
  it("asks for ascending pages since the cursor, with evidence, and follows nextLink", async () => {
    const http = createFakeHttp([
      page(["a", "b"], "https://api.securitycenter.microsoft.com/api/alerts?$skip=2&$top=2"),
      page(["c"]),
    ]);
    const { ids } = await collect(http);
    assert.deepEqual(ids, ["a", "b", "c"]);
    assert.equal(
      http.requests[0]?.url.href,
      "https://api.securitycenter.microsoft.com/api/alerts?$filter=lastUpdateTime%20ge%202024-01-01T00%3A00%3A00.1234567Z" +
        "&$orderby=lastUpdateTime%20asc&$expand=evidence&$top=2",
    );
    assert.equal(http.requests[1]?.url.href, "https://api.securitycenter.microsoft.com/api/alerts?$skip=2&$top=2");
    assert.equal(http.requests[0]?.headers?.["authorization"], "Bearer tok");
  });

  it("waits as long as Retry-After says, then goes on", async () => {
    const http = createFakeHttp([
      { status: 429, headers: { "retry-after": "3" }, body: '{"error":{"code":"TooManyRequests","message":"API calls quota exceeded! maximum allowed 100 per 00:01:00"}}' },
      { status: 503, headers: {}, body: "<html>proxy</html>" },
      page(["a"]),
    ]);
    const { ids, sleeps } = await collect(http);
    assert.deepEqual(ids, ["a"]);
    assert.equal(sleeps[0], 3000);
    assert.equal(sleeps.length, 2);
  });

  it("gives up after bounded retries with the service's own error", async () => {
    const body = '{"error":{"code":"InternalServerError","message":"boom","target":"c0ffee"}}';
    const http = createFakeHttp(Array.from({ length: 4 }, () => ({ status: 500, headers: {}, body })));
    await assert.rejects(collect(http), (error: AddonError) => {
      assert.equal(error.code, "API_SERVER_ERROR");
      assert.match(error.message, /HTTP 500: InternalServerError: boom/);
      assert.equal(error.details["target"], "c0ffee");
      return true;
    });
    assert.equal(http.requests.length, 4);
  });

  const invalid: [string, HttpResponse, RegExp][] = [
    ["an HTML page", { status: 200, headers: { "content-type": "text/html" }, body: "<html>login</html>" }, /not JSON \(text\/html, 18 bytes\)/],
    ["a truncated body", { status: 200, headers: {}, body: '{"value":[{"id":"a"' }, /not JSON/],
    ["JSON without value", { status: 200, headers: {}, body: '{"items":[]}' }, /no "value" array/],
  ];
  for (const [name, response, message] of invalid) {
    it(`reports ${name} as API_RESPONSE_INVALID`, async () => {
      await assert.rejects(collect(createFakeHttp([response, response, response, response])), (error: AddonError) => {
        assert.equal(error.code, "API_RESPONSE_INVALID");
        assert.match(error.message, message);
        return true;
      });
    });
  }

  it("never sends the token to a nextLink on a foreign host", async () => {
    const http = createFakeHttp([page(["a"], "https://evil.example.com/api/alerts?$skip=1")]);
    await assert.rejects(collect(http), /points to evil\.example\.com, which is not a Defender API host/);
    assert.equal(http.requests.length, 1);
  });

  it("accepts a nextLink on a sibling Defender host", async () => {
    const http = createFakeHttp([page(["a"], "https://api-eu.securitycenter.microsoft.com/api/alerts?$skip=1"), page(["b"])]);
    const { ids } = await collect(http, "https://eu.api.security.microsoft.com");
    assert.deepEqual(ids, ["a", "b"]);
  });
});
