import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { AddonError } from "../../src/errors.ts";
import type { HttpResponse } from "../../src/http/index.ts";
import { createLogger, Secret } from "../../src/log/index.ts";
import { createHeapKeeper } from "../../src/sources/heap-keeper.ts";
import { apiError } from "../../src/sources/mde/responses.ts";
import { collectPaced, type SourceDeps } from "../../src/sources/paced-collect.ts";
import { createPacer } from "../../src/sources/pacer.ts";
import type { CollectHooks } from "../../src/sources/types.ts";
import { createFakeHttp } from "../support/fake-http.ts";

const PAGE_URL = new URL("https://api.securitycenter.microsoft.com/api/alerts");
const page = (ids: string[]): HttpResponse => ({
  status: 200,
  headers: {},
  body: JSON.stringify({ value: ids.map((id) => ({ id, lastUpdateTime: "2024-01-01T00:00:01Z" })) }),
});
const quiet = createLogger({ write: () => {} });

function setUp(answers: Parameters<typeof createFakeHttp>[0], opts: { maxCalls?: number } = {}) {
  const http = createFakeHttp(answers);
  const controller = new AbortController();
  let stop = false;
  const deps: SourceDeps = {
    http,
    tokens: { scope: "x/.default", getToken: async () => new Secret("tok"), discard: async () => {} },
    apiUrl: new URL("https://api.securitycenter.microsoft.com"),
    tenantId: "t1",
    logger: quiet,
    sleep: async () => {},
    pacer: createPacer({
      minIntervalMs: 0, burst: 100, maxCalls: opts.maxCalls ?? 100, nowMs: () => 0, sleep: async () => {},
    }),
    heap: createHeapKeeper({ logger: quiet, collect: () => {} }),
  };
  const hooks: CollectHooks = {
    onAlert: () => {},
    onOversize: () => {},
    onPageEnd: async () => {},
    stopping: () => stop,
    signal: controller.signal,
  };
  return {
    http,
    deps,
    hooks,
    controller,
    stopNow: () => {
      stop = true;
    },
  };
}

const format = { shape: "odata" as const, idField: "id", toError: apiError };

describe("paced collect (shared by the alert sources)", () => {
  it("counts pages, characters and calls, and reports a read to the end as such", async () => {
    const { http, deps, hooks } = setUp([page(["a", "b"]), page([])]);
    const seen: number[] = [];
    const result = await collectPaced(deps, hooks, format, async (requester, progress) => {
      await requester.fetch(PAGE_URL, () => {});
      seen.push(progress.pages);
      await requester.fetch(PAGE_URL, () => {});
    });
    assert.deepEqual(seen, [1]);
    const chars = page(["a", "b"]).body.length + page([]).body.length;
    assert.deepEqual(result, { pages: 2, calls: 2, bytes: chars, stoppedBy: undefined });
    assert.equal(http.requests.length, 2);
  });

  it("ends with `budget` when the run's share of calls is used, keeping what was read", async () => {
    const { deps, hooks } = setUp([page(["a"])], { maxCalls: 1 });
    const result = await collectPaced(deps, hooks, format, async (requester) => {
      for (;;) await requester.fetch(PAGE_URL, () => {});
    });
    assert.deepEqual([result.pages, result.calls, result.stoppedBy], [1, 1, "budget"]);
  });

  it("ends with `signal` when splunkd's stop cuts a request", async () => {
    const { deps, hooks, controller } = setUp([new AddonError("API_UNREACHABLE", "The operation was aborted")]);
    controller.abort();
    const result = await collectPaced(deps, hooks, format, async (requester) => {
      await requester.fetch(PAGE_URL, () => {});
    });
    assert.deepEqual([result.pages, result.stoppedBy], [0, "signal"]);
  });

  it("reports `signal` when the stop came during the read, even if the read just returned", async () => {
    const { deps, hooks, stopNow } = setUp([page(["a"])]);
    const result = await collectPaced(deps, hooks, format, async (requester) => {
      await requester.fetch(PAGE_URL, () => {});
      stopNow();
      // A source that forgot to say why it returned early.
    });
    assert.equal(result.stoppedBy, "signal");
  });

  it("passes any other failure on", async () => {
    const { deps, hooks } = setUp([{ status: 403, headers: {}, body: '{"error":{"code":"Forbidden","message":"no"}}' }]);
    await assert.rejects(
      collectPaced(deps, hooks, format, async (requester) => {
        await requester.fetch(PAGE_URL, () => {});
      }),
      (error: AddonError) => error instanceof AddonError && /HTTP 403/.test(error.message),
    );
  });
});
