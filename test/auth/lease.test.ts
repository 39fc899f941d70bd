// KV store leases: one holder at a time, waiting and giving up, expiry, a dead holder on this
// host, and a racer acting on an old view.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { createLeaseStore, LEASE_COLLECTION } from "../../src/auth/index.ts";
import type { AddonError } from "../../src/errors.ts";
import { startServices, type Services } from "./support/services.ts";

describe("KV store leases", () => {
  let services: Services;
  let nowMs = 1_000_000;
  const sleep = async (ms: number): Promise<void> => {
    nowMs += ms;
  };

  before(async () => {
    services = await startServices();
  });
  after(() => services.close());

  const leases = (isAlive: (pid: number) => boolean = () => true) =>
    createLeaseStore({ splunkd: services.client, nowMs: () => nowMs, sleep, isAlive });
  const docs = (name: string) =>
    services.splunkd.kv(LEASE_COLLECTION).filter((d) => d["lease"] === name);

  it("gives the lease to one holder; the other waits, then gets it once released", async () => {
    const a = leases();
    const b = leases();
    const held = await a.acquire("refresh_token/one");
    await assert.rejects(b.acquire("refresh_token/one", { waitMs: 2_000, pollMs: 500 }),
      (error: AddonError) => error.code === "AUTH_LEASE_BUSY" && /refresh_token\/one/.test(error.message));
    await held.release();
    const next = await b.acquire("refresh_token/one", { waitMs: 0 });
    assert.ok(next.expiresAtMs > nowMs);
    await next.release();
    await held.release();
    assert.deepEqual(docs("refresh_token/one").map((d) => [d["generation"], d["released"]]),
      [[1, true], [2, true]]);
  });

  it("takes over an expired lease, and one whose holder on this host has died", async () => {
    const stuck = await leases().acquire("refresh_token/two", { ttlMs: 10_000 });
    assert.ok(stuck);
    nowMs += 10_001;
    const after = await leases().acquire("refresh_token/two", { waitMs: 0 });
    // The holder is alive (this process) but its lease has expired.
    assert.equal(docs("refresh_token/two").length, 2);
    await after.release();

    await leases().acquire("refresh_token/three");
    await assert.rejects(leases(() => true).acquire("refresh_token/three", { waitMs: 0 }));
    // A crashed run leaves its lease behind; a process that is gone no longer holds it. (The
    // holder here is this very process, so "dead" is simulated by the liveness check.)
    const holderDoc = docs("refresh_token/three")[0];
    assert.ok(holderDoc);
    await services.client.postJson(
      `storage/collections/data/${LEASE_COLLECTION}/${encodeURIComponent(holderDoc["_key"] as string)}`,
      { ...holderDoc, pid: 999_999 });
    const taken = await leases((pid) => pid !== 999_999).acquire("refresh_token/three", { waitMs: 0 });
    await taken.release();
  });

  it("lets only one of two simultaneous takers win", async () => {
    const results = await Promise.allSettled([
      leases().acquire("refresh_token/race", { waitMs: 0 }),
      leases().acquire("refresh_token/race", { waitMs: 0 }),
      leases().acquire("refresh_token/race", { waitMs: 0 }),
    ]);
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
  });

  it("backs off when a higher generation appeared behind its back", async () => {
    // Someone else already runs generation 7; a stale writer inserts generation 3.
    const base = `storage/collections/data/${LEASE_COLLECTION}`;
    const doc = (generation: number) => ({
      _key: `refresh_token/stale#${generation}`, lease: "refresh_token/stale", generation,
      owner: "other", host: "elsewhere", pid: 1, acquired_at: nowMs, expires_at: nowMs - 1, released: false,
    });
    await services.client.postJson(base, doc(2));
    const store = leases();
    // Between its read (top = 2, expired) and its check, generation 7 is written live.
    const racing = createLeaseStore({
      splunkd: {
        ...services.client,
        expect: (statuses) => {
          const inner = services.client.expect(statuses);
          return {
            ...inner,
            postJson: async (path, body) => {
              const res = await inner.postJson(path, body);
              if (path === base && (body as { generation?: number }).generation === 3) {
                await services.client.postJson(base, { ...doc(7), expires_at: nowMs + 60_000 });
              }
              return res;
            },
          };
        },
      },
      nowMs: () => nowMs, sleep, isAlive: () => true,
    });
    await assert.rejects(racing.acquire("refresh_token/stale", { waitMs: 0 }),
      (error: AddonError) => error.code === "AUTH_LEASE_BUSY");
    assert.equal(docs("refresh_token/stale").find((d) => d["generation"] === 3)?.["released"], true);
    await assert.rejects(store.acquire("refresh_token/stale", { waitMs: 0 }));
  });
});
