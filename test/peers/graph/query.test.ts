import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestTls } from "../../support/tls.ts";
import { createTokenSigner } from "../defender/peer-kit.ts";
import { generateGraphAlerts } from "./generate.ts";
import { createGraphClient, graphErrorOf, graphToken, graphUrl } from "./graph-kit.ts";
import { createGraphPeer, type GraphPeer } from "./peer.ts";

const tls = createTestTls();
const signer = createTokenSigner();
const client = createGraphClient(tls);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
let peer: GraphPeer;
let token: string;

before(async () => {
  peer = await createGraphPeer({ tls, verifyToken: signer.verify, rateLimits: false });
  peer.seed("tenant-q", generateGraphAlerts({ count: 12, tenantId: "tenant-q",
    startMs: Date.UTC(2024, 0, 1) }));
  token = await graphToken(signer, { tid: "tenant-q" });
});
after(async () => {
  await peer.close();
  await client.close();
});

describe("query options: only $count, $filter, $skip and $top", () => {
  it("accepts the four documented options together", async () => {
    const reply = await client.get(graphUrl(peer.url, { $count: "true", $skip: "2",
      $top: "3", $filter: "status ne 'unknownFutureValue'" }), token);
    assert.equal(reply.status, 200, reply.text);
  });

  // Every refusal is 400 in Graph's envelope and names the option at fault.
  const refused: [Record<string, string> | string, string][] = [
    [{ $orderby: "lastUpdateDateTime asc" }, "$orderby"],
    [{ $orderby: "createdDateTime desc" }, "$orderby"],
    [{ $select: "id,lastUpdateDateTime" }, "$select"],
    [{ $expand: "evidence" }, "$expand"],
    [{ $search: "\"malware\"" }, "$search"],
    [{ $skiptoken: "abc" }, "$skiptoken"],
    [{ $format: "json" }, "$format"],
    [{ $Top: "5" }, "$Top"],
    [{ top: "5" }, "top"],
    [{ "api-version": "1.0" }, "api-version"],
    [{ $top: "0" }, "$top"],
    [{ $top: "-1" }, "$top"],
    [{ $top: "ten" }, "$top"],
    [{ $top: "" }, "$top"],
    [{ $skip: "1.5" }, "$skip"],
    [{ $count: "True" }, "$count"],
    [{ $count: "1" }, "$count"],
    ["$top=5&$top=6", "$top"],
  ];
  for (const [options, option] of refused) {
    const label = typeof options === "string" ? options : JSON.stringify(options);
    it(`refuses ${label} naming ${option}`, async () => {
      const url = typeof options === "string"
        ? `${peer.url}/v1.0/security/alerts_v2?${options}`
        : graphUrl(peer.url, options);
      const reply = await client.get(url, token);
      assert.equal(reply.status, 400, reply.text);
      const error = graphErrorOf(reply);
      assert.equal(error.code, "BadRequest");
      assert.ok(error.message.includes(`'${option}'`), error.message);
      assert.match(error.innerError["request-id"], GUID);
      assert.match(error.innerError.date, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    });
  }

  it("answers an unknown segment with 400 and other methods with 405", async () => {
    for (const path of ["/v1.0/security/alerts_v2/", "/v1.0/security/alerts", "/beta/security/" +
      "alerts_v2", "/v1.0/Security/Alerts_v2", "/v1.0/security/incidents"]) {
      const reply = await client.get(`${peer.url}${path}`, token);
      assert.equal(reply.status, 400, path);
      assert.match(graphErrorOf(reply).message, /Resource not found for the segment/);
    }
    const post = await client.send("POST", graphUrl(peer.url), token);
    assert.equal(post.status, 405);
    assert.equal(graphErrorOf(post).code, "MethodNotAllowed");
  });

  it("logs option values it knows and redacts the others", async () => {
    await client.get(graphUrl(peer.url, { $top: "2", $secret: "s3cr3t" }), token);
    assert.deepEqual(peer.requests.at(-1)?.query, { $top: "2", $secret: "[redacted]" });
  });
});
