import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { startHarness, type Harness } from "./test-harness.ts";

describe("splunkd stand-in: auth/login, server/info, routing", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  it("logs in with a form and answers a session key that works", async () => {
    const login = await h.call("/services/auth/login", {
      form: { username: "admin", password: "Chang3d!-admin" },
    });
    assert.equal(login.status, 200);
    const { sessionKey } = login.json as { sessionKey: string };
    assert.match(sessionKey, /^[\w-]+\^[\w-]+$/);

    const info = await h.call("/services/server/info", { key: sessionKey });
    assert.equal(info.status, 200);
  });

  it("refuses bad credentials with splunkd's 401 body", async () => {
    const login = await h.call("/services/auth/login", {
      form: { username: "admin", password: "wrong" },
    });
    assert.equal(login.status, 401);
    assert.deepEqual(login.json, {
      messages: [{ type: "WARN", code: "incorrect_username_or_password", text: "Login failed" }],
    });
  });

  it("answers 401 to a call without a valid session key", async () => {
    for (const key of [undefined, "not-a-session"]) {
      const answer = await h.call("/services/server/info", key === undefined ? {} : { key });
      assert.equal(answer.status, 401);
      assert.deepEqual(answer.json, {
        messages: [{ type: "WARN", text: "call not properly authenticated" }],
      });
    }
  });

  it("expires sessions on demand", async () => {
    const key = h.peer.sessionKeyFor("analyst");
    assert.equal((await h.call("/services/server/info", { key })).status, 200);
    h.peer.expireSessions();
    assert.equal((await h.call("/services/server/info", { key })).status, 401);
    h.adminKey = h.peer.sessionKeyFor("admin");
  });

  it("refuses a JSON endpoint called without output_mode=json, in XML", async () => {
    const answer = await h.call("/services/server/info", { key: h.adminKey, jsonMode: false });
    assert.equal(answer.status, 400);
    assert.match(answer.contentType, /text\/xml/);
    assert.match(answer.text, /<msg type="ERROR">.*output_mode=json/);
  });

  it("serves server/info in splunkd's envelope", async () => {
    const answer = await h.call("/services/server/info", { key: h.adminKey });
    const envelope = answer.json as Record<string, unknown>;
    for (const key of ["links", "origin", "updated", "generator", "entry", "paging", "messages"]) {
      assert.ok(key in envelope, `envelope has ${key}`);
    }
    const [entry] = answer.entries;
    assert.equal(entry?.name, "server-info");
    assert.equal(entry?.id, `${h.peer.url}/services/server/info/server-info`);
    assert.equal(entry?.content["serverName"], h.peer.serverName);
    assert.equal(entry?.content["kvStoreStatus"], "ready");
    for (const key of ["version", "build", "guid", "os_name", "cpu_arch", "product_type"]) {
      assert.ok(entry?.content[key], `content has ${key}`);
    }
  });

  it("answers 404 for unknown endpoints, apps and owners", async () => {
    const paths = [
      "/services/no/such/endpoint",
      "/servicesNS/nobody/NoSuchApp/storage/passwords",
      "/servicesNS/ghost/search/storage/passwords",
      "/not-rest",
    ];
    for (const path of paths) {
      const answer = await h.call(path, { key: h.adminKey });
      assert.equal(answer.status, 404, path);
      assert.ok(answer.message, path);
    }
  });

  it("records method, path and status, never bodies or query strings", async () => {
    await h.call("/services/auth/login", {
      form: { username: "admin", password: "Chang3d!-admin" },
    });
    const last = h.peer.requests.at(-1);
    assert.deepEqual(last, { method: "POST", path: "/services/auth/login", status: 200 });
    assert.ok(!JSON.stringify(h.peer.requests).includes("Chang3d"));
  });
});
