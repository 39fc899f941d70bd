import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { formatInstant, parseInstant } from "../../src/checkpoint/index.ts";
import type { TokenProvider } from "../../src/auth/index.ts";
import { AddonError } from "../../src/errors.ts";
import type { HttpClient, HttpResponse } from "../../src/http/index.ts";
import { createLogger, Secret } from "../../src/log/index.ts";
import { createHeapKeeper } from "../../src/sources/heap-keeper.ts";
import { createMdeAlertsSource } from "../../src/sources/mde/index.ts";
import { createPacer } from "../../src/sources/pacer.ts";
import type { AlertRecord } from "../../src/sources/types.ts";
import { createFakeHttp } from "../support/fake-http.ts";

const T = (s: number) => `2024-01-01T00:00:0${s}Z`;

const page = (alerts: [string, string][], nextLink?: string, chunkSize?: number): HttpResponse & { chunkSize?: number } => ({
  status: 200,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({
    "@odata.context": "https://api.securitycenter.microsoft.com/api/$metadata#Alerts",
    value: alerts.map(([id, lastUpdateTime]) => ({ id, lastUpdateTime, title: "t" })),
    ...(nextLink === undefined ? {} : { "@odata.nextLink": nextLink }),
  }),
  ...(chunkSize === undefined ? {} : { chunkSize }),
});

const unauthorized: HttpResponse = {
  status: 401,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ error: { code: "Unauthorized", message: "The access token has expired" } }),
};

async function collect(
  http: HttpClient & { requests: unknown[] },
  opts: { maxCalls?: number; evidence?: boolean; filters?: string[]; tokens?: TokenProvider; stopAfterRequests?: number } = {},
) {
  const sleeps: number[] = [];
  const records: AlertRecord[] = [];
  const bounds: string[] = [];
  let clock = 0;
  const sleep = async (ms: number) => {
    sleeps.push(ms);
    clock += ms;
  };
  const source = createMdeAlertsSource({
    http,
    tokens: opts.tokens ??
      { scope: "https://api.securitycenter.microsoft.com/.default", getToken: async () => new Secret("tok"), discard: async () => {} },
    apiUrl: new URL("https://api.securitycenter.microsoft.com"),
    query: { pageSize: 2, evidence: opts.evidence ?? true, filters: opts.filters ?? [] },
    tenantId: "t1",
    logger: createLogger({ write: () => {} }),
    heap: createHeapKeeper({ logger: createLogger({ write: () => {} }), collect: () => {} }),
    sleep,
    pacer: createPacer({ minIntervalMs: 600, maxCalls: opts.maxCalls ?? 100, burst: 100, nowMs: () => clock, sleep }),
  });
  const result = await source.collect(parseInstant(T(0)) as bigint, {
    onAlert: (r) => records.push(r),
    onOversize: () => {},
    onPageEnd: async () => {},
    forgetBefore: (instant) => bounds.push(formatInstant(instant)),
    stopping: () => opts.stopAfterRequests !== undefined && http.requests.length >= opts.stopAfterRequests,
    signal: new AbortController().signal,
  });
  return { ids: records.map((r) => r.id), sleeps, result, records, bounds };
}

const filterOf = (url: URL) => decodeURIComponent(/\$filter=([^&]*)/.exec(url.search)?.[1] ?? "");

/** Hands out tok1, tok2, … and counts discards. */
function rotatingTokens(): TokenProvider & { discarded: number } {
  let n = 1;
  const tokens = {
    scope: "https://api.securitycenter.microsoft.com/.default",
    discarded: 0,
    getToken: async () => new Secret(`tok${n}`),
    discard: async () => {
      tokens.discarded += 1;
      n += 1;
    },
  };
  return tokens;
}

describe("Defender alerts source", () => {
  it("replaces a refused token once (401), then reads the page with the new one", async () => {
    const http = createFakeHttp([unauthorized, page([["a", T(1)]])]);
    const tokens = rotatingTokens();
    const { ids } = await collect(http, { tokens });
    assert.deepEqual(ids, ["a"]);
    assert.equal(tokens.discarded, 1);
    assert.deepEqual(http.requests.map((r) => r.headers?.["authorization"]), ["Bearer tok1", "Bearer tok2"]);
  });

  it("fails with the API's error when the new token is refused too", async () => {
    const http = createFakeHttp([unauthorized, unauthorized]);
    const tokens = rotatingTokens();
    await assert.rejects(collect(http, { tokens }), (error: unknown) => {
      assert.ok(error instanceof AddonError);
      assert.equal(error.details["status"], 401);
      return true;
    });
    assert.equal(tokens.discarded, 1);
    assert.equal(http.requests.length, 2);
  });

  it("pages by keyset: each request starts at the newest time already read", async () => {
    const http = createFakeHttp([
      page([["a", T(1)], ["b", T(2)]], "https://api.securitycenter.microsoft.com/api/alerts?$skip=2"),
      page([["b", T(2)], ["c", T(3)]]),
      page([["c", T(3)]]),
    ]);
    const { ids, result, bounds } = await collect(http);
    assert.deepEqual(ids, ["a", "b", "b", "c", "c"], "repeats are for the receiver to skip");
    // Before each request, the receiver hears that nothing older is asked for again.
    assert.deepEqual(bounds, ["2024-01-01T00:00:00.0000000Z", "2024-01-01T00:00:02.0000000Z", "2024-01-01T00:00:03.0000000Z"]);
    assert.equal(
      http.requests[0]?.url.href,
      "https://api.securitycenter.microsoft.com/api/alerts?$filter=lastUpdateTime%20ge%202024-01-01T00%3A00%3A00.0000000Z" +
        "&$orderby=lastUpdateTime%20asc&$expand=evidence&$top=2",
    );
    assert.deepEqual(http.requests.map((r) => filterOf(r.url)), [
      "lastUpdateTime ge 2024-01-01T00:00:00.0000000Z",
      "lastUpdateTime ge 2024-01-01T00:00:02.0000000Z",
      "lastUpdateTime ge 2024-01-01T00:00:03.0000000Z",
    ]);
    assert.equal(http.requests[0]?.headers?.["authorization"], "Bearer tok");
    assert.equal(result.pages, 3);
  });

  it("reads a tie wider than a page with eq and $skip, then moves past it", async () => {
    const http = createFakeHttp([
      page([["a", T(1)], ["b", T(1)]]),
      page([["c", T(1)], ["d", T(1)]]),
      page([["e", T(1)]]),
      page([["f", T(2)]]),
    ]);
    const { ids } = await collect(http);
    assert.deepEqual(ids, ["a", "b", "c", "d", "e", "f"]);
    assert.deepEqual(http.requests.map((r) => [filterOf(r.url), /\$skip=(\d+)/.exec(r.url.search)?.[1]]), [
      ["lastUpdateTime ge 2024-01-01T00:00:00.0000000Z", undefined],
      ["lastUpdateTime eq 2024-01-01T00:00:01.0000000Z", "2"],
      ["lastUpdateTime eq 2024-01-01T00:00:01.0000000Z", "4"],
      ["lastUpdateTime gt 2024-01-01T00:00:01.0000000Z", undefined],
    ]);
  });

  it("follows nextLink when the service answers out of order", async () => {
    const http = createFakeHttp([
      page([["b", T(2)], ["a", T(1)]], "https://api.securitycenter.microsoft.com/api/alerts?$skip=2"),
      page([["c", T(3)]]),
    ]);
    const { ids } = await collect(http);
    assert.deepEqual(ids, ["b", "a", "c"]);
    assert.equal(http.requests[1]?.url.href, "https://api.securitycenter.microsoft.com/api/alerts?$skip=2");
  });

  it("keeps keyset paging when a page is retried after being cut short", async () => {
    const full = page([["a", T(1)], ["b", T(2)]], "https://api.securitycenter.microsoft.com/api/alerts?$skip=2", 9);
    const http = createFakeHttp([{ ...full, body: full.body.slice(0, full.body.length - 30) }, full, page([["c", T(3)]])]);
    const { ids } = await collect(http);
    assert.deepEqual(ids, ["a", "b", "a", "b", "c"]);
    assert.equal(filterOf(http.requests[2]!.url), "lastUpdateTime ge 2024-01-01T00:00:02.0000000Z", "not the $skip link");
  });

  it("adds the input's filters and leaves evidence out when asked", async () => {
    const http = createFakeHttp([page([])]);
    await collect(http, { evidence: false, filters: ["severity eq 'High'", "status eq 'New'"] });
    const url = http.requests[0]?.url;
    assert.equal(filterOf(url!), "lastUpdateTime ge 2024-01-01T00:00:00.0000000Z and (severity eq 'High') and (status eq 'New')");
    assert.doesNotMatch(url!.search, /expand/);
  });

  it("waits as long as Retry-After says, and retries a page cut short", async () => {
    const full = page([["a", T(1)]], undefined, 7);
    const http = createFakeHttp([
      { status: 429, headers: { "retry-after": "3" }, body: '{"error":{"code":"TooManyRequests","message":"API calls quota exceeded! maximum allowed 100 per 00:01:00"}}' },
      { ...full, body: full.body.slice(0, 60) },
      { ...full, failAt: { chars: 21, error: new AddonError("API_UNREACHABLE", "reset") } },
      full,
    ]);
    const { ids, sleeps } = await collect(http);
    assert.deepEqual(ids, ["a"]);
    assert.equal(sleeps[0], 3000);
    assert.equal(http.requests.length, 4);
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

  it("reports a stop that comes while it follows nextLink, so the run saves no cursor past the pages read", async () => {
    const http = createFakeHttp([
      page([["b", T(2)], ["a", T(1)]], "https://api.securitycenter.microsoft.com/api/alerts?$skip=2"),
      page([["d", T(4)], ["c", T(3)]], "https://api.securitycenter.microsoft.com/api/alerts?$skip=4"),
      page([["e", T(5)]]),
    ]);
    const { ids, result } = await collect(http, { stopAfterRequests: 2 });
    assert.deepEqual(ids, ["b", "a", "d", "c"]);
    assert.equal(http.requests.length, 2);
    assert.equal(result.stoppedBy, "signal", "the pages after the stop were never read");
  });

  it("never sends the token to a nextLink on a foreign host", async () => {
    const http = createFakeHttp([page([["b", T(2)], ["a", T(1)]], "https://evil.example.com/api/alerts?$skip=1")]);
    await assert.rejects(collect(http), /points to evil\.example\.com, which is not a Defender API host/);
    assert.equal(http.requests.length, 1);
  });

  it("stops cleanly when the run's share of calls is used", async () => {
    const http = createFakeHttp([page([["a", T(1)], ["b", T(2)]]), page([["c", T(3)], ["d", T(4)]])]);
    const { ids, result } = await collect(http, { maxCalls: 2 });
    assert.deepEqual(ids, ["a", "b", "c", "d"]);
    assert.equal(result.stoppedBy, "budget");
  });

  it("keeps each alert's text exactly and reads odd alerts without dropping them", async () => {
    const body = '{"value":[{"id":"a","lastUpdateTime":"2024-01-01T00:00:01Z","n":1.50},{"id":7,"lastUpdateTime":null},{"title":"no id"}]}';
    const http = createFakeHttp([{ status: 200, headers: {}, body }, page([]), page([])]);
    const { records } = await collect(http);
    assert.equal(records[0]?.raw, '{"id":"a","lastUpdateTime":"2024-01-01T00:00:01Z","n":1.50}');
    assert.deepEqual(records.map((r) => [r.id, r.updated === undefined]), [["a", false], ["7", true], [undefined, true]]);
  });
});
