import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestTls } from "../../support/tls.ts";
import { loadPublicAlerts } from "./generate.ts";
import { alertsUrl, createPeerClient, createTokenSigner } from "./peer-kit.ts";
import { createDefenderPeer, type DefenderPeer } from "./peer.ts";
import type { Alert } from "./types.ts";

const tls = createTestTls();
const signer = createTokenSigner();
const client = createPeerClient(tls);
const SAMPLES = ["mde_api_alerts_docs_list_expand_evidence.json",
  "mde_api_alerts_xsoar_fetch_first_page.json"];
let peer: DefenderPeer;

before(async () => {
  peer = await createDefenderPeer({ tls, verifyToken: signer.verify, rateLimits: false });
  for (const file of SAMPLES) peer.seed(file, loadPublicAlerts(file));
});
after(async () => {
  await peer.close();
  await client.close();
});

const byId = (alerts: Alert[]): Map<string, Alert> => new Map(alerts.map((a) => [a.id, a]));

describe("public MDE samples served back", () => {
  for (const file of SAMPLES) {
    it(`serves ${file} with $expand=evidence as the same JSON values`, async () => {
      const original = loadPublicAlerts(file);
      const token = await signer.sign({ tid: file });
      const page = await client.page(alertsUrl(peer.url, { $expand: "evidence" }), token);
      const served = byId(page.value);
      assert.equal(served.size, original.length);
      for (const alert of original) {
        // Same values and same key order: the stand-in re-serialises nothing.
        assert.equal(JSON.stringify(served.get(alert.id)), JSON.stringify(alert));
      }
    });

    it(`serves ${file} without $expand with evidence emptied, nothing else changed`,
      async () => {
        const token = await signer.sign({ tid: file });
        const page = await client.page(alertsUrl(peer.url), token);
        for (const alert of loadPublicAlerts(file)) {
          const expected = Object.hasOwn(alert, "evidence") ? { ...alert, evidence: [] } : alert;
          assert.deepEqual(page.value.find((a) => a.id === alert.id), expected);
        }
      });
  }

  it("filters the xsoar sample's 2- and 7-digit lastUpdateTime values as instants", async () => {
    const token = await signer.sign({ tid: SAMPLES[1] ?? "" });
    // 13:29:38.32Z, 13:31:08.57Z and 13:13:29.0566667Z: only the first two are at or after.
    const page = await client.page(alertsUrl(peer.url,
      { $filter: "lastUpdateTime ge 2019-09-01T13:29:38.3200000Z" }), token);
    assert.deepEqual(page.value.map((a) => a.id), ["da637029414680409372_735564929",
      "da637029413772554314_295039533"]);
  });
});
