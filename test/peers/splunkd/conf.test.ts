import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { parseConf } from "./conf-file.ts";
import { startHarness, type Harness } from "./test-harness.ts";

const CONF = "/servicesNS/nobody/TA-defender-mssp/configs/conf-ta_defender_mssp_account";

describe("splunkd stand-in: configs/conf-*", () => {
  let h: Harness;
  let shipped: string;
  before(async () => {
    h = await startHarness();
    shipped = readFileSync(join(h.appDir, "default", "ta_defender_mssp_account.conf"), "utf8");
  });
  after(async () => {
    await h.close();
  });

  it("parses .conf syntax: comments, [default], continuation lines", () => {
    const stanzas = parseConf("top = 1\n# c\n[a]\nk = v = w\nlong = x \\\ny\nnoequals\n[a]\nm=2\n");
    assert.deepEqual(Object.fromEntries([...stanzas].map(([n, k]) => [n, Object.fromEntries(k)])), {
      default: { top: "1" },
      a: { k: "v = w", long: "x \ny", m: "2" },
    });
  });

  it("lists the app's default stanzas with [default] inherited", async () => {
    const answer = await h.call(CONF, { key: h.adminKey });
    assert.equal(answer.status, 200);
    assert.deepEqual(
      answer.entries.map((entry) => entry.name),
      ["example"],
    );
    const content = answer.entries[0]?.content ?? {};
    assert.equal(content["client_id"], "0000");
    assert.equal(content["authority"], "global");
    assert.equal(content["description"], "first line \nsecond line");
    assert.equal(content["disabled"], false);
    assert.equal(content["eai:appName"], "TA-defender-mssp");
  });

  it("creates a stanza (201), refuses a duplicate (409) and reads it back", async () => {
    const created = await h.call(CONF, {
      key: h.adminKey,
      form: { name: "tenant-a", client_id: "1111", tenant_id: "t-a" },
    });
    assert.equal(created.status, 201);
    assert.equal(created.entries[0]?.name, "tenant-a");
    const duplicate = await h.call(CONF, { key: h.adminKey, form: { name: "tenant-a" } });
    assert.equal(duplicate.status, 409);

    const read = await h.call(`${CONF}/tenant-a`, { key: h.adminKey });
    assert.equal(read.entries[0]?.content["client_id"], "1111");
    assert.equal(read.entries[0]?.content["authority"], "global");
  });

  it("updates a stanza in the local layer, never in appDir", async () => {
    const updated = await h.call(`${CONF}/example`, {
      key: h.adminKey,
      form: { client_id: "2222" },
    });
    assert.equal(updated.status, 200);
    assert.equal(updated.entries[0]?.content["client_id"], "2222");
    assert.equal(h.peer.conf("ta_defender_mssp_account")["example"]?.["client_id"], "2222");

    assert.equal(
      readFileSync(join(h.appDir, "default", "ta_defender_mssp_account.conf"), "utf8"),
      shipped,
    );
    assert.deepEqual(readdirSync(h.appDir), ["default"]);
  });

  it("answers 404 to an update of an unknown stanza", async () => {
    const answer = await h.call(`${CONF}/ghost`, { key: h.adminKey, form: { client_id: "x" } });
    assert.equal(answer.status, 404);
    assert.equal(answer.message, "Could not find object id=ghost");
  });

  it("deletes a local stanza but not one shipped in default/", async () => {
    const deleted = await h.call(`${CONF}/tenant-a`, { key: h.adminKey, method: "DELETE" });
    assert.equal(deleted.status, 200);
    assert.deepEqual(
      deleted.entries.map((entry) => entry.name),
      ["example"],
    );
    const shippedStanza = await h.call(`${CONF}/example`, { key: h.adminKey, method: "DELETE" });
    assert.equal(shippedStanza.status, 400);
  });

  it("needs admin_all_objects to write and an explicit namespace", async () => {
    const analyst = h.peer.sessionKeyFor("analyst");
    const refused = await h.call(CONF, { key: analyst, form: { name: "x" } });
    assert.equal(refused.status, 403);
    const read = await h.call(CONF, { key: analyst });
    assert.equal(read.status, 200);
    const wildcard = await h.call("/servicesNS/-/-/configs/conf-ta_defender_mssp_account", {
      key: h.adminKey,
      form: { name: "x" },
    });
    assert.equal(wildcard.status, 400);
  });

  it("refuses a conf name that could leave the app folder", async () => {
    const answer = await h.call(
      `/servicesNS/nobody/TA-defender-mssp/configs/${encodeURIComponent("conf-../x")}`,
      {
        key: h.adminKey,
      },
    );
    assert.equal(answer.status, 400);
  });
});
