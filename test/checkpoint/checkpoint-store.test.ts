import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";

import {
  advance,
  type CheckpointDocument,
  createCheckpointStore,
  parseInstant,
  startCursor,
} from "../../src/checkpoint/index.ts";
import { AddonError } from "../../src/errors.ts";
import { createLogger } from "../../src/log/index.ts";
import type { KvCollection } from "../../src/splunkd/index.ts";
import { makeTempDir } from "../support/temp.ts";

const LAG = 3_000_000_000n;
const META = { tenantId: "t", api: "mde", alertsTotal: 3 };

function fakeKv() {
  const docs = new Map<string, CheckpointDocument>();
  let down = false;
  const check = (): void => {
    if (down) throw new AddonError("KVSTORE_UNAVAILABLE", "down");
  };
  const kv: KvCollection<CheckpointDocument> = {
    async get(key) {
      check();
      const doc = docs.get(key);
      return doc === undefined ? undefined : { ...structuredClone(doc), _key: key };
    },
    async put(key, doc) {
      check();
      docs.set(key, structuredClone(doc));
    },
    async delete(key) {
      check();
      docs.delete(key);
    },
  };
  return { kv, docs, setDown: (value: boolean) => (down = value) };
}

describe("checkpoint store", () => {
  const setup = () => {
    const kv = fakeKv();
    const dir = makeTempDir("ta-dm-ckpt-");
    const logs: string[] = [];
    const store = createCheckpointStore({
      kv: kv.kv,
      checkpointDir: dir,
      nowMs: () => Date.parse("2026-01-01T00:00:00Z"),
      logger: createLogger({ write: (l) => logs.push(l) }),
    });
    return { kv, dir, store, logs };
  };
  const at = (text: string) => parseInstant(text) as bigint;
  const cursor = advance(startCursor(at("2025-01-01T00:00:00Z"), LAG), [
    { id: "a", updated: at("2025-01-02T00:00:00.1234567Z") },
  ]);

  it("saves to the file and the KV store and reads back the same cursor", async () => {
    const { kv, dir, store } = setup();
    await store.save("contoso", cursor, META);
    const doc = kv.docs.get("contoso");
    assert.equal(doc?.watermark, "2025-01-02T00:00:00.1234567Z");
    assert.deepEqual(doc?.seen, ["2025-01-02T00:00:00.1234567Z|a"]);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, "contoso.json"), "utf8")), doc);
    const loaded = await store.load("contoso", LAG);
    assert.deepEqual(loaded?.cursor, cursor);
    assert.equal(loaded?.alertsTotal, 3);
  });

  it("keeps going on the file while the KV store is down, and the newer copy wins", async () => {
    const { kv, store, logs } = setup();
    await store.save("contoso", cursor, META);
    kv.setDown(true);
    const later = advance(cursor, [{ id: "b", updated: at("2025-01-03T00:00:00Z") }]);
    await store.save("contoso", later, META);
    assert.ok(logs.some((l) => l.startsWith("WARN KV store unavailable, checkpoint saved to file only")));
    assert.deepEqual((await store.load("contoso", LAG))?.cursor, later);
    kv.setDown(false);
    const loaded = await store.load("contoso", LAG);
    assert.equal(loaded?.from, "file", "the file's sequence is higher than the stale KV copy");
    assert.deepEqual(loaded?.cursor, later);
  });

  it("refuses to guess when the KV store is down and there is no file", async () => {
    const { kv, store } = setup();
    kv.setDown(true);
    await assert.rejects(store.load("never-saved", LAG), /down/);
  });

  it("starts over when an admin asks for a reset, and removes the file copy", async () => {
    const { kv, store } = setup();
    await store.save("contoso", cursor, META);
    kv.docs.set("contoso", { ...kv.docs.get("contoso")!, reset_requested: true });
    assert.equal(await store.load("contoso", LAG), undefined);
    await store.save("contoso", cursor, META);
    assert.equal(kv.docs.get("contoso")?.reset_requested, undefined, "the next save clears the request");
  });

  it("reads a version 1 checkpoint without re-ingesting its window", async () => {
    const { kv, store } = setup();
    kv.docs.set("old", {
      version: 1, sequence: 0, input: "old", tenant_id: "t", api: "mde", watermark: "2025-01-02T00:00:00Z",
      lag_seconds: 0, seen: [], alerts_total: 9, updated_at: "", ids_at_watermark: ["x"],
    });
    const loaded = await store.load("old", LAG);
    const from = at("2025-01-02T00:00:00Z");
    assert.equal(loaded?.cursor.watermark, from + LAG);
    assert.ok(loaded?.cursor.seen.has(`x@${from}`));
  });

  const unreadable: [string, Partial<CheckpointDocument>][] = [
    ["an unknown version", { version: 99 }],
    ["a bad watermark", { watermark: "yesterday" }],
    ["a malformed seen entry", { seen: ["nonsense"] }],
  ];
  for (const [name, change] of unreadable) {
    it(`stops with CHECKPOINT_UNREADABLE on ${name}, leaving it as it is`, async () => {
      const { kv, store } = setup();
      await store.save("contoso", cursor, META);
      const broken = { ...kv.docs.get("contoso")!, ...change, sequence: 99 };
      kv.docs.set("contoso", broken);
      await assert.rejects(store.load("contoso", LAG), (error: AddonError) => error.code === "CHECKPOINT_UNREADABLE");
      assert.deepEqual(kv.docs.get("contoso"), broken);
    });
  }

  it("stops with CHECKPOINT_UNREADABLE on a corrupt file", async () => {
    const { dir, store } = setup();
    writeFileSync(join(dir, "contoso.json"), "{ half a file");
    await assert.rejects(store.load("contoso", LAG), /not valid JSON; it was left as it is/);
  });
});
