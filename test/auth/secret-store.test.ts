// Long values in storage/passwords: chunks of at most 255 characters under a manifest that
// switches only after every chunk is written; readers never see a mix, a crash never loses the
// saved value, and leftovers are cleaned.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";

import { CHUNK_SIZE, createSecretStore } from "../../src/auth/index.ts";
import { AddonError } from "../../src/errors.ts";
import { Secret } from "../../src/log/index.ts";
import type { SplunkdClient, SplunkdResponse } from "../../src/splunkd/index.ts";
import { startServices, type Services } from "./support/services.ts";

const REALM = "TA-defender-mssp";
const token = (chars: number): string => randomBytes(chars).toString("base64url").slice(0, chars);

describe("secret store (storage/passwords, chunked)", () => {
  let services: Services;
  let nowMs = Date.parse("2026-02-01T00:00:00Z");

  before(async () => {
    services = await startServices();
  });
  after(() => services.close());

  const store = (client: SplunkdClient = services.client) =>
    createSecretStore({ splunkd: client, realm: REALM, nowMs: () => nowMs });
  const entries = (prefix: string) =>
    services.splunkd.passwords().filter((p) => p.realm === REALM && p.username.startsWith(prefix));

  it("keeps a short value in one entry, readable as an admin stores it by hand", async () => {
    await store().write("account/a/client_secret", new Secret("short~secret"));
    assert.deepEqual(entries("account/a/").map((e) => [e.username, e.clearPassword]),
      [["account/a/client_secret", "short~secret"]]);
    assert.equal((await store().read("account/a/client_secret"))?.reveal(), "short~secret");
    assert.equal(await store().read("account/a/nothing"), undefined);
  });

  it("splits a long value into chunks of at most 255 characters and joins it back", async () => {
    const value = token(1300);
    await store().write("input/x/refresh_token", new Secret(value));
    const stored = entries("input/x/refresh_token");
    assert.equal(stored.length, 1 + Math.ceil(1300 / CHUNK_SIZE));
    assert.ok(stored.every((e) => e.clearPassword.length <= 255), "every entry fits 255 characters");
    assert.ok(!stored.some((e) => e.clearPassword === value));
    assert.equal((await store().read("input/x/refresh_token"))?.reveal(), value);
  });

  it("replaces a value, deletes the old chunks, and changes the stamp", async () => {
    const s = store();
    const before = await s.stamp("input/x/refresh_token");
    const next = token(900);
    await s.write("input/x/refresh_token", new Secret(next));
    assert.notEqual(await s.stamp("input/x/refresh_token"), before);
    assert.equal(entries("input/x/refresh_token").length, 1 + Math.ceil(900 / CHUNK_SIZE));
    assert.equal((await s.read("input/x/refresh_token"))?.reveal(), next);
    await s.write("input/x/refresh_token", new Secret("short now"));
    assert.equal(entries("input/x/refresh_token").length, 1);
    await s.delete("input/x/refresh_token");
    assert.equal(entries("input/x/refresh_token").length, 0);
  });

  it("keeps the saved value whole when a write dies at any step, and sweeps what it left", async () => {
    const name = "input/crash/refresh_token";
    const saved = token(1100);
    await store().write(name, new Secret(saved));
    // Chunks, then the manifest: one update of the existing entry switches it.
    const posts = Math.ceil(1100 / CHUNK_SIZE) + 1;
    for (let failAt = 1; failAt <= posts; failAt += 1) {
      let calls = 0;
      // A client that dies (throws) on its failAt-th POST: a crash mid-write.
      const dying: SplunkdClient = wrap(services.client, () => {
        calls += 1;
        if (calls === failAt) throw new Error("crash");
      });
      const attempt = token(1100);
      await assert.rejects(store(dying).write(name, new Secret(attempt)), /crash/);
      assert.equal((await store().read(name))?.reveal(), saved, `after dying at POST ${failAt}`);
    }
    assert.ok(entries(name).length > 1 + Math.ceil(1100 / CHUNK_SIZE), "leftover chunks");
    nowMs += 16 * 60_000;
    const last = token(1100);
    await store().write(name, new Secret(last));
    assert.equal(entries(name).length, 1 + Math.ceil(1100 / CHUNK_SIZE), "leftovers swept");
    assert.equal((await store().read(name))?.reveal(), last);
  });

  it("re-reads when a concurrent writer switches the manifest in the middle of its listing", async () => {
    const name = "input/race/refresh_token";
    const first = token(800);
    const second = token(800);
    await store().write(name, new Secret(first));
    let swapped = false;
    // splunkd does not promise that a listing is a snapshot: this one shows the old manifest but,
    // by the time it reached the chunks, another process had written a new value and deleted the
    // old chunks.
    const racing = wrap(services.client, undefined, async (path, query, send) => {
      const res = await send();
      if (swapped || path !== "storage/passwords") return res;
      swapped = true;
      await store().write(name, new Secret(second));
      const now = await send();
      const manifest = (e: ListedEntry) => e.content?.["username"] === name;
      return { ...res, json: { entry: [...listed(res).filter(manifest), ...listed(now).filter((e) => !manifest(e))] } };
    });
    assert.equal((await store(racing).read(name))?.reveal(), second);
    assert.ok(swapped);
  });

  it("reads a chunked value with one request: the entry and its chunks in one listing", async () => {
    const name = "input/counted/access_token";
    const value = token(2000);
    await store().write(name, new Secret(value));
    const gets: string[] = [];
    const counting = wrap(services.client, undefined, (path, query, send) => {
      gets.push(`${path} ${JSON.stringify(query ?? {})}`);
      return send();
    });
    assert.equal((await store(counting).read(name))?.reveal(), value);
    assert.deepEqual(gets, [`storage/passwords {"search":"${name}","count":"0"}`]);
  });

  it("reads a value whose name splunkd's search would not take literally (=, space)", async () => {
    const name = "input/tenant=a b/refresh_token";
    const value = token(1000);
    await store().write(name, new Secret(value));
    // Another input's value that the same search finds: never mixed in.
    const other = token(1000);
    await store().write("input/ab/refresh_token", new Secret(other));
    const searches: string[] = [];
    const counting = wrap(services.client, undefined, (path, query, send) => {
      searches.push(query?.["search"] ?? path);
      return send();
    });
    assert.equal((await store(counting).read(name))?.reveal(), value);
    assert.deepEqual(searches, ["b/refresh_token"], "the longest literal run of the name, one listing");
    assert.equal((await store().read("input/ab/refresh_token"))?.reveal(), other);
    assert.equal(await store().read("input/tenant=x y/refresh_token"), undefined);

    // What a write that crashed before its manifest left is swept for such a name too.
    let posts = 0;
    const dying = wrap(services.client, () => {
      posts += 1;
      if (posts === Math.ceil(1000 / CHUNK_SIZE) + 1) throw new Error("crash");
    });
    await assert.rejects(store(dying).write(name, new Secret(token(1000))), /crash/);
    assert.ok(entries(`${name}/`).length > Math.ceil(1000 / CHUNK_SIZE), "leftover chunks");
    nowMs += 16 * 60_000;
    const last = token(1000);
    await store().write(name, new Secret(last));
    assert.equal(entries(`${name}/`).length, Math.ceil(1000 / CHUNK_SIZE), "leftovers swept");
    assert.equal((await store().read(name))?.reveal(), last);
  });

  it("looks for chunks its listing did not show by their generation before reading again", async () => {
    const name = "input/partial/access_token";
    const value = token(1200);
    await store().write(name, new Secret(value));
    const searches: string[] = [];
    // The name's listing shows the manifest but not its chunks.
    const partial = wrap(services.client, undefined, async (path, query, send) => {
      const res = await send();
      searches.push(query?.["search"] ?? path);
      if (query?.["search"] !== name) return res;
      return { ...res, json: { entry: listed(res).filter((e) => e.content?.["username"] === name) } };
    });
    assert.equal((await store(partial).read(name))?.reveal(), value);
    assert.equal(searches.length, 2, searches.join("\n"));
    assert.match(searches[1] ?? "", /^[0-9a-z]+-[0-9a-f]{10}$/, "the second listing searches the generation");
  });

  it("says which value is broken when a chunk is gone for good", async () => {
    const name = "input/broken/refresh_token";
    await store().write(name, new Secret(token(600)));
    const chunk = entries(`${name}/`)[0];
    assert.ok(chunk);
    await services.client.delete(`storage/passwords/${encodeURIComponent(chunk.name)}`);
    await assert.rejects(store().read(name), (error: AddonError) => {
      assert.equal(error.code, "SECRET_UNREADABLE");
      assert.match(error.message, /input\/broken\/refresh_token/);
      return true;
    });
  });
});

type ListedEntry = { content?: Record<string, unknown> };
const listed = (res: SplunkdResponse): ListedEntry[] => (res.json as { entry?: ListedEntry[] }).entry ?? [];

/** A client that calls `onPost` before each POST, and sends each GET through `aroundGet`. */
function wrap(
  client: SplunkdClient,
  onPost?: () => void,
  aroundGet?: (
    path: string,
    query: Record<string, string> | undefined,
    send: () => Promise<SplunkdResponse>,
  ) => Promise<SplunkdResponse>,
): SplunkdClient {
  const make = (inner: SplunkdClient): SplunkdClient => ({
    get: (path, query) => {
      const send = () => inner.get(path, query);
      return aroundGet === undefined ? send() : aroundGet(path, query, send);
    },
    delete: (path) => inner.delete(path),
    postForm: async (path, form) => {
      onPost?.();
      return inner.postForm(path, form);
    },
    postJson: (path, body) => inner.postJson(path, body),
    expect: (statuses) => make(inner.expect(statuses)),
  });
  return make(client);
}
