import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { formatInstant, type Instant, parseInstant } from "../../src/checkpoint/index.ts";
import type { HttpClient, HttpResponse } from "../../src/http/index.ts";
import { createLogger, Secret } from "../../src/log/index.ts";
import { createHeapKeeper } from "../../src/sources/heap-keeper.ts";
import { createGraphAlertsSource } from "../../src/sources/graph/index.ts";
import { createPacer } from "../../src/sources/pacer.ts";
import { createSiemAlertsSource } from "../../src/sources/siem/index.ts";
import type { AlertsSource } from "../../src/sources/types.ts";
import { createFakeHttp } from "../support/fake-http.ts";

const NOW = Date.parse("2024-01-01T06:00:00Z");
const FROM = parseInstant("2024-01-01T00:00:00Z") as Instant;
const json = (body: unknown): HttpResponse => ({ status: 200, headers: {}, body: JSON.stringify(body) });
const common = (http: HttpClient, maxCalls = 100) => {
  let clock = NOW;
  const sleep = async (ms: number) => {
    clock += ms;
  };
  return {
    http,
    tokens: { scope: "x/.default", getToken: async () => new Secret("tok"), discard: async () => {} },
    tenantId: "t1",
    logger: createLogger({ write: () => {} }),
    heap: createHeapKeeper({ logger: createLogger({ write: () => {} }), collect: () => {} }),
    nowMs: () => NOW,
    sleep,
    pacer: createPacer({ minIntervalMs: 0, burst: 100, maxCalls, nowMs: () => clock, sleep }),
  };
};

/** Runs a collect; `stopAfter` makes splunkd ask the input to stop once that many pages were read. */
async function run(source: AlertsSource, stopAfter = Infinity) {
  const ids: (string | undefined)[] = [];
  const completes: (Instant | undefined)[] = [];
  const result = await source.collect(FROM, {
    onAlert: (r) => ids.push(r.id),
    onOversize: () => {},
    onPageEnd: async (complete) => {
      completes.push(complete);
    },
    stopping: () => completes.length >= stopAfter,
    signal: new AbortController().signal,
  });
  return { ids, completes, result };
}

const query = (url: URL | undefined) => decodeURIComponent(url?.search ?? "");

describe("Graph alerts_v2 source", () => {
  const graph = (http: HttpClient, pageSize = 2) =>
    createGraphAlertsSource({
      ...common(http),
      apiUrl: new URL("https://graph.microsoft.com"),
      pageSize,
      serviceSources: ["microsoftDefenderForEndpoint"],
      filters: ["severity eq 'high'"],
    });

  it("reads closed windows with $count, never $orderby: one call for a quiet tenant", async () => {
    const http = createFakeHttp([
      json({ "@odata.count": 2, value: [{ id: "a", lastUpdateDateTime: "2024-01-01T00:30:00Z" }, { id: "b", lastUpdateDateTime: "2024-01-01T00:10:00Z" }] }),
    ]);
    const { ids, completes, result } = await run(graph(http));
    assert.deepEqual(ids, ["a", "b"]);
    assert.equal(result.calls, 1);
    assert.equal(
      query(http.requests[0]?.url),
      "?$filter=lastUpdateDateTime ge 2024-01-01T00:00:00.0000000Z and lastUpdateDateTime lt 2024-01-01T06:00:00.0000000Z " +
        "and (serviceSource eq 'microsoftDefenderForEndpoint') and (severity eq 'high')&$top=2&$count=true",
    );
    assert.equal(http.requests[0]?.headers?.["prefer"], "include-unknown-enum-members");
    assert.deepEqual(completes.map((c) => formatInstant(c as Instant)), ["2024-01-01T06:00:00.0000000Z"]);
  });

  it("shrinks a window that holds more than a page before writing any of it", async () => {
    const http = createFakeHttp([
      json({ "@odata.count": 8, value: [{ id: "x1", lastUpdateDateTime: "2024-01-01T05:50:00Z" }, { id: "x2", lastUpdateDateTime: "2024-01-01T05:40:00Z" }], "@odata.nextLink": "https://graph.microsoft.com/v1.0/security/alerts_v2?$skip=2" }),
      json({ "@odata.count": 1, value: [{ id: "a", lastUpdateDateTime: "2024-01-01T00:05:00Z" }] }),
      ...Array.from({ length: 12 }, () => json({ "@odata.count": 0, value: [] })),
    ]);
    const { ids } = await run(graph(http));
    assert.deepEqual(ids, ["a"], "nothing of the oversized window was handed on");
    const second = query(http.requests[1]?.url);
    assert.match(second, /lastUpdateDateTime ge 2024-01-01T00:00:00\.0000000Z and lastUpdateDateTime lt 2024-01-01T00:45:00\.0000000Z/, "8 alerts for a page of 2: an eighth of the six hours");
  });

  // The first window (six hours) counts 6 alerts for a page of 2 and shrinks to an hour (the sizer
  // aims at 80 % of a page: one alert's share of six hours); the next two hold one alert each.
  const windows = () => [
    json({ "@odata.count": 6, value: [] }),
    json({ "@odata.count": 1, value: [{ id: "a", lastUpdateDateTime: "2024-01-01T00:10:00Z" }] }),
    json({ "@odata.count": 1, value: [{ id: "b", lastUpdateDateTime: "2024-01-01T01:10:00Z" }] }),
    json({ "@odata.count": 0, value: [] }),
  ];

  it("stops between windows when splunkd asks, and says so", async () => {
    const http = createFakeHttp(windows());
    const { ids, completes, result } = await run(graph(http), 1);
    assert.deepEqual(ids, ["a"]);
    assert.equal(completes.length, 1, "only the window read whole is reported complete");
    assert.equal(http.requests.length, 2);
    assert.equal(result.stoppedBy, "signal");
  });

  it("stops when the run's share of calls is used, and says so", async () => {
    const http = createFakeHttp(windows());
    const { ids, completes, result } = await run(createGraphAlertsSource({
      ...common(http, 3),
      apiUrl: new URL("https://graph.microsoft.com"),
      pageSize: 2,
      serviceSources: [],
      filters: [],
    }));
    assert.deepEqual(ids, ["a", "b"]);
    assert.equal(completes.length, 2);
    assert.deepEqual([result.calls, result.pages, result.stoppedBy], [3, 3, "budget"]);
  });

  it("makes no call when the cursor is already at now", async () => {
    const http = createFakeHttp([]);
    const source = graph(http);
    const result = await source.collect(parseInstant("2024-01-01T06:00:00Z") as Instant, {
      onAlert: () => {},
      onOversize: () => {},
      onPageEnd: async () => {},
      stopping: () => false,
      signal: new AbortController().signal,
    });
    assert.equal(result.calls, 0);
  });
});

describe("legacy SIEM source", () => {
  const siem = (http: HttpClient) =>
    createSiemAlertsSource({ ...common(http), apiUrl: new URL("https://wdatp-alertexporter-us.windows.com"), pageSize: 100 });

  it("reads bare arrays by since/until windows, one record per detection", async () => {
    const detection = (fullId: string, t: string) => ({ AlertId: "da1", FullId: fullId, LastProcessedTimeUtc: t });
    const http = createFakeHttp([
      json([detection("da1:a", "2024-01-01T00:10:00.1234567Z"), detection("da1:b", "2024-01-01T00:10:00.1234567Z")]),
    ]);
    const { ids } = await run(siem(http));
    assert.deepEqual(ids, ["da1:a", "da1:b"]);
    assert.equal(
      query(http.requests[0]?.url),
      "?sinceTimeUtc=2024-01-01T00:00:00.0000000Z&untilTimeUtc=2024-01-01T06:00:00.0000000Z",
    );
  });

  for (const status of [404, 410]) {
    it(`says the API is retired and names the replacement on HTTP ${status}`, async () => {
      const http = createFakeHttp([{ status, headers: {}, body: "" }]);
      await assert.rejects(run(siem(http)), (error: Error & { code?: string }) => {
        assert.equal(error.code, "API_RETIRED");
        assert.match(error.message, /retired .*Microsoft Graph security alerts_v2: set the input's api to graph/);
        return true;
      });
    });
  }
});
