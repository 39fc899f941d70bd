import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { createHeapKeeper, pageHeap } from "../../src/sources/heap.ts";

describe("heap keeper", () => {
  it("collects once per budget of characters read, not before", () => {
    let collections = 0;
    const keeper = createHeapKeeper(100, () => (collections += 1));
    keeper.read(60);
    assert.equal(collections, 0);
    keeper.read(39);
    assert.equal(collections, 0);
    keeper.read(1);
    assert.equal(collections, 1);
    // The count starts again after a collection: a large read collects once, not once per budget.
    keeper.read(1000);
    assert.equal(collections, 2);
    keeper.read(99);
    assert.equal(collections, 2);
  });

  it("reaches V8's collector without the --expose-gc start flag", async () => {
    assert.equal(process.execArgv.includes("--expose-gc"), false);
    // Nothing but the WeakRef holds the object once this returns.
    const ref = ((): WeakRef<{ id: string }> => new WeakRef({ id: "da637472900382838869_1364969609" }))();
    // A WeakRef's target is kept until the job that made or read it has ended.
    await new Promise((resolve) => setImmediate(resolve));
    // One read over the process keeper's budget makes it run a full collection.
    pageHeap.read(64 * 1024 * 1024);
    assert.equal(ref.deref(), undefined);
  });
});
