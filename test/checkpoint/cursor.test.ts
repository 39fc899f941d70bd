import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { advance, isPending, startCursor } from "../../src/checkpoint/index.ts";

describe("cursor", () => {
  const t = (n: number): bigint => BigInt(n);

  it("treats later versions as pending and earlier ones as done", () => {
    const cursor = { watermark: t(100), idsAtWatermark: new Set(["a"]) };
    assert.equal(isPending(cursor, "x", t(101)), true);
    assert.equal(isPending(cursor, "x", t(99)), false);
  });

  it("keeps ties at the watermark: only the listed ids are done", () => {
    const cursor = { watermark: t(100), idsAtWatermark: new Set(["a", "b"]) };
    assert.equal(isPending(cursor, "a", t(100)), false);
    assert.equal(isPending(cursor, "c", t(100)), true);
  });

  it("advances to a later instant and collects ids at the same instant", () => {
    let cursor = startCursor(t(0));
    cursor = advance(cursor, "a", t(5));
    cursor = advance(cursor, "b", t(5));
    assert.deepEqual([cursor.watermark, [...cursor.idsAtWatermark]], [t(5), ["a", "b"]]);
    cursor = advance(cursor, "c", t(7));
    assert.deepEqual([cursor.watermark, [...cursor.idsAtWatermark]], [t(7), ["c"]]);
  });

  it("never moves backwards", () => {
    const cursor = advance(startCursor(t(10)), "a", t(10));
    assert.equal(advance(cursor, "z", t(3)), cursor);
    assert.equal(advance(cursor, "a", t(10)), cursor);
  });
});
