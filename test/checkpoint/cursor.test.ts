import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { advance, isPending, queryFrom, startCursor } from "../../src/checkpoint/index.ts";

describe("cursor", () => {
  const lag = 10n;

  it("starts at the start date with an empty window", () => {
    const cursor = startCursor(100n, lag);
    assert.equal(queryFrom(cursor), 100n);
    assert.equal(isPending(cursor, "a", 100n), true);
    assert.equal(isPending(cursor, "a", 99n), false);
  });

  it("reaches back by the lag and skips only the versions it wrote", () => {
    const cursor = advance(startCursor(0n, lag), [
      { id: "a", updated: 95n },
      { id: "b", updated: 100n },
    ]);
    assert.equal(cursor.watermark, 100n);
    assert.equal(queryFrom(cursor), 90n);
    assert.equal(isPending(cursor, "a", 95n), false, "written");
    assert.equal(isPending(cursor, "late", 93n), true, "visible late, inside the window");
    assert.equal(isPending(cursor, "old", 89n), false, "before the window");
    assert.equal(isPending(cursor, "b", 100n), false, "tie at the watermark, written");
    assert.equal(isPending(cursor, "c", 100n), true, "tie at the watermark, not written");
    assert.equal(isPending(cursor, "a", 101n), true, "a newer version of a written alert");
  });

  it("forgets versions that fall out of the window", () => {
    const cursor = advance(advance(startCursor(0n, lag), [{ id: "a", updated: 50n }]), [{ id: "b", updated: 70n }]);
    assert.deepEqual([...cursor.seen], ["b@70"]);
  });

  it("never moves backwards", () => {
    const cursor = advance(startCursor(0n, lag), [{ id: "a", updated: 50n }]);
    assert.equal(advance(cursor, [{ id: "z", updated: 3n }]).watermark, 50n);
  });
});
