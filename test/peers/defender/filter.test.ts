import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestTls } from "../../support/tls.ts";
import { generateAlerts } from "./generate.ts";
import { alertsUrl, createPeerClient, createTokenSigner } from "./peer-kit.ts";
import { createDefenderPeer, type DefenderPeer } from "./peer.ts";
import { parseInstant } from "./timestamps.ts";
import type { Alert } from "./types.ts";

const tls = createTestTls();
const signer = createTokenSigner();
const client = createPeerClient(tls);
let peer: DefenderPeer;
let token: string;

// Mixed fractional digits and a three-way tie at .2; listed in instant order.
const STAMPS = ["2024-01-01T00:00:59Z", "2024-01-01T00:00:59.1999999Z",
  "2024-01-01T00:00:59.2Z", "2024-01-01T00:00:59.2Z", "2024-01-01T00:00:59.2Z",
  "2024-01-01T00:00:59.25Z", "2024-01-01T00:00:59.2500001Z", "2024-01-01T00:01:00Z"];
const timed: Alert[] = generateAlerts({ count: STAMPS.length, tenantId: "tenant-t",
  startMs: Date.UTC(2023, 11, 31) }).map((a, i) => ({ ...a, lastUpdateTime: STAMPS[i] ?? "" }));
const mixed = generateAlerts({ count: 400, tenantId: "tenant-m", startMs: Date.UTC(2024, 0, 1) });

before(async () => {
  peer = await createDefenderPeer({ tls, verifyToken: signer.verify, rateLimits: false });
  // Seeded in reverse so the served order has to come from the values, not insertion.
  peer.seed("tenant-t", [...timed].reverse());
  peer.seed("tenant-m", mixed);
  token = await signer.sign({ tid: "tenant-t" });
});
after(async () => {
  await peer.close();
  await client.close();
});

async function served(tenantToken: string, options: Record<string, string>): Promise<string[]> {
  const { alerts } = await client.all(alertsUrl(peer.url, options), tenantToken);
  return alerts.map((a) => a.id);
}
const ids = (...indexes: number[]): string[] => indexes.map((i) => timed[i]?.id ?? "");
const sorted = (list: string[]): string[] => [...list].sort();
const at = (text: string | null): bigint => parseInstant(text ?? "") ?? -1n;

describe("$filter on timestamps compares exact instants", () => {
  const cases: [string, number[]][] = [
    ["lastUpdateTime ge 2024-01-01T00:00:59.2Z", [2, 3, 4, 5, 6, 7]],
    ["lastUpdateTime ge 2024-01-01T00:00:59.2000000Z", [2, 3, 4, 5, 6, 7]],
    ["lastUpdateTime ge 2024-01-01T01:00:59.2+01:00", [2, 3, 4, 5, 6, 7]],
    ["lastUpdateTime gt 2024-01-01T00:00:59.2Z", [5, 6, 7]],
    ["lastUpdateTime le 2024-01-01T00:00:59.2Z", [0, 1, 2, 3, 4]],
    ["lastUpdateTime lt 2024-01-01T00:00:59.2Z", [0, 1]],
    ["lastUpdateTime eq 2024-01-01T00:00:59.20Z", [2, 3, 4]],
    ["lastUpdateTime ne 2024-01-01T00:00:59.2Z", [0, 1, 5, 6, 7]],
    ["lastUpdateTime gt 2024-01-01T00:00:59.25Z and lastUpdateTime lt 2024-01-01T00:01Z", [6]],
    ["lastUpdateTime lt 2024-01-01T00:00:59.0000001Z or lastUpdateTime ge 2024-01-01T00:01Z",
      [0, 7]],
  ];
  for (const [filter, expected] of cases) {
    it(filter, async () => {
      assert.deepEqual(sorted(await served(token, { $filter: filter })), sorted(ids(...expected)));
    });
  }

  it("accepts the documented raw form, `+` for spaces", async () => {
    const url = `${peer.url}/api/alerts?$filter=lastUpdateTime+ge+2024-01-01T00:00:59.2Z`;
    const { alerts } = await client.all(url, token);
    assert.deepEqual(sorted(alerts.map((a) => a.id)), sorted(ids(2, 3, 4, 5, 6, 7)));
  });

  it("orders by instant, not by text, and keeps ties whole across page cuts", async () => {
    const tie = sorted(ids(2, 3, 4));
    const expected = [...ids(0, 1), ...tie, ...ids(5, 6, 7)];
    const url = alertsUrl(peer.url, { $orderby: "lastUpdateTime asc", $top: "3" });
    const { alerts, pages } = await client.all(url, token);
    assert.deepEqual(alerts.map((a) => a.id), expected);
    assert.equal(pages, 3);
    const desc = await served(token, { $orderby: "lastUpdateTime desc" });
    assert.deepEqual(desc, [...expected].reverse());
  });
});

describe("$filter on other documented fields", () => {
  const first = mixed[0] as Alert;
  const middle = mixed[200] as Alert;
  const cases: [string, (a: Alert) => boolean][] = [
    ["status eq 'New'", (a) => a.status === "New"],
    ["status ne 'Resolved' and severity eq 'High'",
      (a) => a.status !== "Resolved" && a.severity === "High"],
    ["(severity eq 'High' or severity eq 'Medium') and category eq 'Malware'",
      (a) => (a.severity === "High" || a.severity === "Medium") && a.category === "Malware"],
    ["detectionSource eq 'CustomerTI'", (a) => a.detectionSource === "CustomerTI"],
    [`incidentId ge ${String(middle.incidentId)}`,
      (a) => (a.incidentId ?? 0) >= (middle.incidentId ?? 0)],
    [`id eq '${first.id}'`, (a) => a.id === first.id],
    ["assignedTo eq null", (a) => a.assignedTo === null],
    ["assignedTo ne null and investigationId eq null",
      (a) => a.assignedTo !== null && a.investigationId === null],
    ["alertCreationTime ge 2024-01-01T03:00:00Z and lastEventTime lt 2024-01-01T05:00Z",
      (a) => at(a.alertCreationTime) >= at("2024-01-01T03:00:00Z") &&
        at(a.lastEventTime) < at("2024-01-01T05:00Z")],
  ];
  for (const [filter, predicate] of cases) {
    it(filter, async () => {
      const mixedToken = await signer.sign({ tid: "tenant-m" });
      const expected = mixed.filter(predicate).map((a) => a.id).sort();
      assert.ok(expected.length > 0 && expected.length < mixed.length, "case must discriminate");
      assert.deepEqual((await served(mixedToken, { $filter: filter })).sort(), expected);
    });
  }
});
