import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestTls } from "../../support/tls.ts";
import { generateAlerts } from "./generate.ts";
import { alertsUrl, createPeerClient, createTokenSigner, errorOf } from "./peer-kit.ts";
import { createDefenderPeer, type DefenderPeer } from "./peer.ts";

const tls = createTestTls();
const signer = createTokenSigner();
const client = createPeerClient(tls);
const alerts = generateAlerts({ count: 12, tenantId: "tenant-l", startMs: Date.UTC(2024, 0, 1) });
let peer: DefenderPeer;
let token: string;

before(async () => {
  peer = await createDefenderPeer({ tls, verifyToken: signer.verify, rateLimits: false });
  peer.seed("tenant-l", alerts);
  token = await signer.sign({ tid: "tenant-l" });
});
after(async () => {
  await peer.close();
  await client.close();
});

describe("query option limits", () => {
  it("accepts $top from 1 to 10,000", async () => {
    for (const top of ["1", "10000"]) {
      const reply = await client.get(alertsUrl(peer.url, { $top: top }), token);
      assert.equal(reply.status, 200, reply.text);
    }
    const one = await client.page(alertsUrl(peer.url, { $top: "1" }), token);
    assert.equal(one.value.length, 1);
  });

  // Every refusal is 400 ODataError and names the option at fault.
  const refused: [Record<string, string> | string, string][] = [
    [{ $top: "10001" }, "$top"],
    [{ $top: "0" }, "$top"],
    [{ $top: "-1" }, "$top"],
    [{ $top: "1.5" }, "$top"],
    [{ $top: "ten" }, "$top"],
    [{ $top: "" }, "$top"],
    [{ $top: "99999999999" }, "$top"],
    ["$top=5&$top=6", "$top"],
    [{ $skip: "-3" }, "$skip"],
    [{ $skip: "x" }, "$skip"],
    [{ $expand: "comments" }, "$expand"],
    [{ $expand: "Evidence" }, "$expand"],
    [{ $orderby: "severity desc" }, "$orderby"],
    [{ $orderby: "lastUpdateTime sideways" }, "$orderby"],
    [{ $select: "id" }, "$select"],
    [{ $count: "true" }, "$count"],
    [{ $Filter: "status eq 'New'" }, "$Filter"],
    [{ "api-version": "1.0" }, "api-version"],
    [{ $filter: "lastUpdateTime ge '2024-01-01T00:00:00Z'" }, "$filter"],
    [{ $filter: "lastUpdateTime ge 2024-01-01T00:00:00.123456789Z" }, "$filter"],
    [{ $filter: "status eq 'Open'" }, "$filter"],
    [{ $filter: "title eq 'x'" }, "$filter"],
  ];
  for (const [options, option] of refused) {
    const label = typeof options === "string" ? options : JSON.stringify(options);
    it(`refuses ${label} naming ${option}`, async () => {
      const url = typeof options === "string"
        ? `${peer.url}/api/alerts?${options}`
        : alertsUrl(peer.url, options);
      const reply = await client.get(url, token);
      assert.equal(reply.status, 400, reply.text);
      const error = errorOf(reply);
      assert.equal(error.code, "ODataError");
      assert.ok(error.message.includes(`'${option}'`), error.message);
    });
  }

  it("says which limit $top exceeded", async () => {
    const reply = await client.get(alertsUrl(peer.url, { $top: "10001" }), token);
    assert.match(errorOf(reply).message, /limit of '10000'/);
  });
});

describe("throttling per tenant and app", () => {
  it("answers the 101st call in a minute with 429, Retry-After and the quota message",
    async () => {
      let clockMs = Date.now();
      const limited = await createDefenderPeer({ tls, verifyToken: signer.verify,
        now: () => clockMs });
      try {
        const url = alertsUrl(limited.url, { $top: "1" });
        for (let i = 0; i < 100; i += 1) {
          assert.equal((await client.get(url, token)).status, 200, `call ${i + 1}`);
        }
        const refused = await client.get(url, token);
        assert.equal(refused.status, 429);
        assert.equal(refused.headers["retry-after"], "1");
        assert.deepEqual({ ...errorOf(refused), target: "" }, { code: "TooManyRequests",
          message: "API calls quota exceeded! maximum allowed 100 per 00:01:00", target: "" });

        // Another app in the same tenant and another tenant have their own quota.
        const otherApp = await signer.sign({ tid: "tenant-l", appid: "app-2" });
        assert.equal((await client.get(url, otherApp)).status, 200);
        const otherTenant = await signer.sign({ tid: "tenant-x" });
        assert.equal((await client.get(url, otherTenant)).status, 200);

        assert.equal((await client.get(url, token)).status, 429, "early retry still refused");
        clockMs += 1000;
        assert.equal((await client.get(url, token)).status, 200, "allowed after Retry-After");
      } finally {
        await limited.close();
      }
    });

  it("enforces the hourly quota with its own message and wait", async () => {
    let clockMs = Date.now();
    const limited = await createDefenderPeer({ tls, verifyToken: signer.verify,
      now: () => clockMs, rateLimits: { perMinute: 100, perHour: 5 } });
    try {
      const url = alertsUrl(limited.url);
      for (let i = 0; i < 5; i += 1) {
        clockMs += 10_000;
        assert.equal((await client.get(url, token)).status, 200);
      }
      const refused = await client.get(url, token);
      assert.equal(refused.status, 429);
      assert.equal(errorOf(refused).message,
        "API calls quota exceeded! maximum allowed 5 per 01:00:00");
      // 3600 s / 5 calls: a call comes back every 720 s, less the 40 s since the first call.
      assert.equal(refused.headers["retry-after"], "680");
      assert.ok(limited.requests.some((r) => r.status === 429 && r.tenant === "tenant-l"));
    } finally {
      await limited.close();
    }
  });
});
