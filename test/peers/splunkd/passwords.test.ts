import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { credentialName } from "./passwords-endpoint.ts";
import { startHarness, type Harness } from "./test-harness.ts";

const APP = "/servicesNS/nobody/TA-defender-mssp/storage/passwords";
const REALM = "TA-defender-mssp";

const entryPath = (name: string) => `${APP}/${encodeURIComponent(name)}`;

describe("splunkd stand-in: storage/passwords", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  const create = (name: string, password: string, realm = REALM, key = h.adminKey) =>
    h.call(APP, { key, form: { name, password, realm } });

  // js-sdk's storagepasswords tests, run against a real splunkd, pin these names.
  const names: [realm: string, username: string, expected: string][] = [
    [":start::x", "u:end", "\\:start\\:\\:x:u\\:end:"],
    ["", "nobody-realm", ":nobody-realm:"],
    ["back\\slash", "user", "back\\\\slash:user:"],
    [REALM, "account/tenant-a/client_secret", `${REALM}:account/tenant-a/client_secret:`],
    ["ünï", "!@#$%^&*()_+{}|<>?", "ünï:!@#$%^&*()_+{}|<>?:"],
  ];

  it("names entries realm:username: with splunkd's escaping", async () => {
    for (const [realm, username, expected] of names) {
      assert.equal(credentialName(realm, username), expected);
      const created = await create(username, `secret-of-${username}`, realm);
      assert.equal(created.status, 201, expected);
      assert.equal(created.entries[0]?.name, expected);

      const fetched = await h.call(entryPath(expected), { key: h.adminKey });
      assert.equal(fetched.status, 200, expected);
      const content = fetched.entries[0]?.content ?? {};
      assert.equal(content["username"], username);
      assert.equal(content["realm"], realm);
      assert.equal(content["clear_password"], `secret-of-${username}`);
      assert.equal(content["password"], "********");
      assert.match(String(content["encr_password"]), /^\$7\$[A-Za-z0-9+/=]+$/);
    }
  });

  it("answers 409 to a duplicate and lets the entry be updated instead", async () => {
    await create("dup", "first");
    const duplicate = await create("dup", "second");
    assert.equal(duplicate.status, 409);
    assert.equal(duplicate.message, `An object with name=${REALM}:dup: already exists`);

    const name = `${REALM}:dup:`;
    const updated = await h.call(entryPath(name), {
      key: h.adminKey,
      form: { password: "second" },
    });
    assert.equal(updated.status, 200);
    assert.equal(updated.entries[0]?.content["clear_password"], "second");
    assert.equal(h.peer.passwords().find((p) => p.name === name)?.clearPassword, "second");

    const renamed = await h.call(entryPath(name), { key: h.adminKey, form: { realm: "x" } });
    assert.equal(renamed.status, 400);
    assert.equal(renamed.message, 'Argument "realm" is not supported by this handler.');
  });

  it("lists with count, offset and search", async () => {
    const all = await h.call(APP, { key: h.adminKey, query: { count: "0" } });
    assert.ok(all.entries.length >= names.length);
    const page = await h.call(APP, { key: h.adminKey, query: { count: "2", offset: "1" } });
    assert.equal(page.entries.length, 2);
    assert.deepEqual((page.json as { paging: unknown }).paging, {
      total: all.entries.length,
      perPage: 2,
      offset: 1,
    });
    const realm = await h.call(APP, { key: h.adminKey, query: { search: `realm=${REALM}` } });
    assert.ok(realm.entries.length > 0);
    assert.ok(realm.entries.every((entry) => entry.content["realm"] === REALM));
  });

  it("shows clear_password only to roles with list_storage_passwords", async () => {
    const analyst = h.peer.sessionKeyFor("analyst");
    const listed = await h.call(APP, { key: analyst, query: { count: "0" } });
    assert.equal(listed.status, 200);
    assert.ok(listed.entries.length > 0);
    assert.ok(listed.entries.every((entry) => !("clear_password" in entry.content)));
    assert.ok(!listed.text.includes("secret-of-"));

    const refused = await create("by-analyst", "x", REALM, analyst);
    assert.equal(refused.status, 403);
    assert.match(refused.message ?? "", /user=analyst.*admin_all_objects/);
  });

  it("deletes, then answers 404 for the entry", async () => {
    await create("to-delete", "x");
    const name = `${REALM}:to-delete:`;
    const deleted = await h.call(entryPath(name), { key: h.adminKey, method: "DELETE" });
    assert.equal(deleted.status, 200);
    assert.ok(deleted.entries.every((entry) => entry.name !== name));
    const again = await h.call(entryPath(name), { key: h.adminKey });
    assert.equal(again.status, 404);
    assert.equal(again.message, `Could not find object id=${name}`);
    const gone = await h.call(entryPath(name), { key: h.adminKey, method: "DELETE" });
    assert.equal(gone.status, 404);
  });

  it("keeps entries per app and refuses to create in a wildcard namespace", async () => {
    const wildcard = await h.call("/servicesNS/-/-/storage/passwords", {
      key: h.adminKey,
      form: { name: "w", password: "x", realm: REALM },
    });
    assert.equal(wildcard.status, 400);

    const inSearch = await h.call("/servicesNS/nobody/search/storage/passwords", {
      key: h.adminKey,
      form: { name: "dup", password: "other-app", realm: REALM },
    });
    assert.equal(inSearch.status, 201, "same name in another app is another object");
    const listed = await h.call("/servicesNS/-/-/storage/passwords", {
      key: h.adminKey,
      query: { search: "username=dup" },
    });
    assert.deepEqual(listed.entries.map((entry) => entry.acl.app).sort(), [
      "TA-defender-mssp",
      "search",
    ]);
  });

  it("refuses a create without a name", async () => {
    const answer = await h.call(APP, { key: h.adminKey, form: { password: "x" } });
    assert.equal(answer.status, 400);
  });
});
