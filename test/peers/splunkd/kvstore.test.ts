import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { startHarness, type Harness } from "./test-harness.ts";

const NS = "/servicesNS/nobody/TA-defender-mssp";
const DATA = `${NS}/storage/collections/data/ta_defender_mssp_checkpoints`;

describe("splunkd stand-in: KV store", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  it("inserts, reads, replaces and deletes one document", async () => {
    const inserted = await h.call(DATA, { key: h.adminKey, json: { state: '{"a":1}' } });
    assert.equal(inserted.status, 201);
    const { _key: key } = inserted.json as { _key: string };
    assert.match(key, /^[0-9a-f]{24}$/);

    const read = await h.call(`${DATA}/${key}`, { key: h.adminKey });
    assert.deepEqual(read.json, { state: '{"a":1}', _user: "nobody", _key: key });

    const replaced = await h.call(`${DATA}/${key}`, { key: h.adminKey, json: { state: "2" } });
    assert.equal(replaced.status, 200);
    assert.deepEqual(h.peer.kv("ta_defender_mssp_checkpoints"), [
      { state: "2", _user: "nobody", _key: key },
    ]);

    const deleted = await h.call(`${DATA}/${key}`, { key: h.adminKey, method: "DELETE" });
    assert.equal(deleted.status, 200);
    const absent = await h.call(`${DATA}/${key}`, { key: h.adminKey });
    assert.equal(absent.status, 404);
    assert.equal(absent.message, "Could not find object.");
  });

  it("answers KV data as JSON whether or not output_mode is given", async () => {
    const answer = await h.call(DATA, { key: h.adminKey, jsonMode: false });
    assert.equal(answer.status, 200);
    assert.ok(Array.isArray(answer.json));
  });

  it("upserts with batch_save and answers the keys", async () => {
    const docs = [
      { _key: "tenant-a", state: "1", num: 3 },
      { _key: "tenant-b", state: "2", num: 1 },
      { state: "3", num: 2 },
    ];
    const saved = await h.call(`${DATA}/batch_save`, { key: h.adminKey, json: docs });
    assert.equal(saved.status, 200);
    const keys = saved.json as string[];
    assert.deepEqual(keys.slice(0, 2), ["tenant-a", "tenant-b"]);
    assert.equal(keys.length, 3);

    const again = await h.call(`${DATA}/batch_save`, {
      key: h.adminKey,
      json: [{ _key: "tenant-a", state: "1b", num: 3 }],
    });
    assert.deepEqual(again.json, ["tenant-a"]);
    const a = await h.call(`${DATA}/tenant-a`, { key: h.adminKey });
    assert.equal((a.json as { state: string }).state, "1b");

    const notArray = await h.call(`${DATA}/batch_save`, { key: h.adminKey, json: { a: 1 } });
    assert.equal(notArray.status, 400);
  });

  it("queries with query, sort, limit, skip and fields", async () => {
    const get = async (query: Record<string, string>) =>
      (await h.call(DATA, { key: h.adminKey, query })).json as Record<string, unknown>[];

    assert.deepEqual(
      (await get({ query: '{"num":{"$gte":2}}', sort: "num:-1" })).map((d) => d["num"]),
      [3, 2],
    );
    assert.deepEqual(
      (await get({ sort: "num", skip: "1", limit: "1" })).map((d) => d["num"]),
      [2],
    );
    assert.deepEqual(await get({ query: '{"_key":"tenant-b"}', fields: "state,_key:0" }), [
      { state: "2" },
    ]);
    assert.deepEqual(await get({ query: '{"_key":"tenant-b"}', fields: "num" }), [
      { num: 1, _key: "tenant-b" },
    ]);
    const bad = await h.call(DATA, { key: h.adminKey, query: { query: "{not json" } });
    assert.equal(bad.status, 400);
  });

  it("needs Content-Type: application/json and a JSON body to write", async () => {
    const form = await h.call(DATA, { key: h.adminKey, form: { state: "x" } });
    assert.equal(form.status, 400);
    const garbage = await h.call(DATA, {
      key: h.adminKey,
      json: undefined,
      form: undefined,
      contentType: "application/json",
      method: "POST",
    });
    assert.equal(garbage.status, 400);
  });

  it("answers 409 to an insert with an existing _key", async () => {
    const answer = await h.call(DATA, { key: h.adminKey, json: { _key: "tenant-a" } });
    assert.equal(answer.status, 409);
  });

  it("answers 404 for a collection not declared in collections.conf", async () => {
    const undeclared = await h.call(`${NS}/storage/collections/data/nope`, { key: h.adminKey });
    assert.equal(undeclared.status, 404);
    const otherApp = await h.call(
      "/servicesNS/nobody/search/storage/collections/data/ta_defender_mssp_checkpoints",
      { key: h.adminKey },
    );
    assert.equal(otherApp.status, 404);
    const config = await h.call(`${NS}/storage/collections/config`, { key: h.adminKey });
    assert.deepEqual(config.entries.map((entry) => entry.name).sort(), [
      "other_collection",
      "ta_defender_mssp_checkpoints",
    ]);
  });

  it("answers 503 while the KV store is starting or failed", async () => {
    for (const status of ["starting", "failed"] as const) {
      h.peer.setKvStoreStatus(status);
      const answer = await h.call(`${DATA}/tenant-a`, { key: h.adminKey });
      assert.equal(answer.status, 503, status);
      assert.ok(answer.message, status);
      const info = await h.call("/services/server/info", { key: h.adminKey });
      assert.equal(info.entries[0]?.content["kvStoreStatus"], status);
    }
    h.peer.setKvStoreStatus("ready");
    const ready = await h.call(`${DATA}/tenant-a`, { key: h.adminKey });
    assert.equal(ready.status, 200);
  });

  it("deletes the documents a query matches", async () => {
    const deleted = await h.call(DATA, {
      key: h.adminKey,
      method: "DELETE",
      query: { query: '{"num":{"$lt":3}}' },
    });
    assert.equal(deleted.status, 200);
    assert.deepEqual(
      h.peer.kv("ta_defender_mssp_checkpoints").map((doc) => doc["_key"]),
      ["tenant-a"],
    );
  });
});
