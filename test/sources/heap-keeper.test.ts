import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { createLogger } from "../../src/log/index.ts";
import { createHeapKeeper } from "../../src/sources/heap-keeper.ts";

describe("heap keeper", () => {
  const logger = createLogger({ write: () => {} });

  it("collects once per budget of characters read, not before", () => {
    let calls = 0;
    const keeper = createHeapKeeper({ logger, everyChars: 100, collect: () => (calls += 1) });
    keeper.read(60);
    keeper.read(39);
    assert.equal(calls, 0);
    keeper.read(1);
    assert.equal(calls, 1);
    // The count starts again after a collection: a large read collects once, not once per budget.
    keeper.read(1000);
    keeper.read(99);
    assert.equal(calls, 2);
    assert.equal(keeper.collections, 2);
  });

  it("reaches V8's collector without the --expose-gc start flag", async () => {
    assert.equal(process.execArgv.includes("--expose-gc"), false);
    // Nothing but the WeakRef holds the object once this returns.
    const ref = ((): WeakRef<{ id: string }> => new WeakRef({ id: "da637472900382838869_1364969609" }))();
    // A WeakRef's target is kept until the job that made or read it has ended.
    await new Promise((resolve) => setImmediate(resolve));
    const keeper = createHeapKeeper({ logger, everyChars: 10 });
    keeper.read(10);
    assert.equal(keeper.collections, 1);
    assert.equal(ref.deref(), undefined);
  });
});
