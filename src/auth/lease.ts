import { randomUUID } from "node:crypto";
import { hostname } from "node:os";

import { AddonError } from "../errors.ts";
import type { SplunkdClient } from "../splunkd/index.ts";

export const LEASE_COLLECTION = "ta_defender_mssp_leases";

/** A held lease; `release` ends it (idempotent, never throws). */
export interface Lease {
  readonly name: string;
  readonly expiresAtMs: number;
  release(): Promise<void>;
}

export interface LeaseStore {
  /**
   * Takes the lease `name`, waiting up to `waitMs` while someone else holds it.
   *
   * @throws AddonError AUTH_LEASE_BUSY when it stays held; KVSTORE_UNAVAILABLE, SPLUNKD_*
   */
  acquire(name: string, opts?: { ttlMs?: number; waitMs?: number; pollMs?: number }): Promise<Lease>;
}

interface LeaseDoc {
  lease: string;
  generation: number;
  owner: string;
  host: string;
  pid: number;
  acquired_at: number;
  expires_at: number;
  released: boolean;
}

const DEFAULTS = { ttlMs: 60_000, waitMs: 30_000, pollMs: 500 };

/**
 * Leases in the KV store, one document per (lease, generation), keyed `<lease>#<generation>`.
 *
 * The KV store has no conditional update, but inserting a document whose `_key` exists fails
 * with 409. Taking a lease is therefore: read the highest generation; if it is released,
 * expired, or held by a process of this host that no longer runs, insert generation + 1; a 409
 * means another process won that generation. A process that acted on an old view may insert a
 * lower generation that was swept already, so after inserting, the holder checks that no higher
 * generation exists, and backs off if one does. The holder of the highest live generation is
 * the only holder. Releasing marks the document released; old generations are deleted.
 */
export function createLeaseStore(deps: {
  splunkd: SplunkdClient;
  nowMs: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Whether a local process still runs; defaults to `process.kill(pid, 0)`. */
  isAlive?: (pid: number) => boolean;
}): LeaseStore {
  const client = deps.splunkd.expect([404, 409, 503]);
  const base = `storage/collections/data/${LEASE_COLLECTION}`;
  const owner = randomUUID();
  const host = hostname();
  const isAlive = deps.isAlive ?? processAlive;

  const unavailable = (status: number): void => {
    if (status === 503) {
      throw new AddonError("KVSTORE_UNAVAILABLE", "The KV store is not available (HTTP 503)",
        { collection: LEASE_COLLECTION });
    }
    if (status === 404) {
      throw new AddonError("SPLUNKD_ERROR",
        `The KV store collection ${LEASE_COLLECTION} does not exist; reinstall the add-on`,
        { collection: LEASE_COLLECTION });
    }
  };
  const generations = async (name: string): Promise<(LeaseDoc & { _key: string })[]> => {
    const res = await client.get(base, {
      query: JSON.stringify({ lease: name }), sort: "generation:-1", limit: "10",
    });
    unavailable(res.status);
    return Array.isArray(res.json) ? (res.json as (LeaseDoc & { _key: string })[]) : [];
  };
  const free = (doc: LeaseDoc | undefined, now: number): boolean =>
    doc === undefined || doc.released || doc.expires_at <= now ||
    (doc.host === host && doc.pid !== process.pid && !isAlive(doc.pid));

  const tryTake = async (name: string, ttlMs: number): Promise<Lease | undefined> => {
    const now = deps.nowMs();
    const docs = await generations(name);
    const top = docs[0];
    if (!free(top, now)) return undefined;

    const generation = (top?.generation ?? 0) + 1;
    const key = `${name}#${generation}`;
    const doc: LeaseDoc = {
      lease: name, generation, owner, host, pid: process.pid, acquired_at: now,
      expires_at: now + ttlMs, released: false,
    };
    const inserted = await client.postJson(base, { ...doc, _key: key });
    unavailable(inserted.status);
    if (inserted.status === 409) return undefined;

    const release = async (): Promise<void> => {
      await client.postJson(`${base}/${encodeURIComponent(key)}`, { ...doc, released: true })
        .catch(() => undefined);
    };
    const [highest] = await generations(name);
    if (highest !== undefined && highest.generation > generation) {
      await release();
      return undefined;
    }
    // Generations two or more behind can no longer be anyone's view of the lease.
    for (const old of docs.filter((d) => d.generation < generation - 1)) {
      await client.delete(`${base}/${encodeURIComponent(old._key)}`).catch(() => undefined);
    }
    let released = false;
    return {
      name,
      expiresAtMs: doc.expires_at,
      async release() {
        if (released) return;
        released = true;
        await release();
      },
    };
  };

  return {
    async acquire(name, opts = {}) {
      const { ttlMs, waitMs, pollMs } = { ...DEFAULTS, ...opts };
      const deadline = deps.nowMs() + waitMs;
      for (;;) {
        const lease = await tryTake(name, ttlMs);
        if (lease !== undefined) return lease;
        if (deps.nowMs() >= deadline) {
          throw new AddonError("AUTH_LEASE_BUSY",
            `Another run holds the lease '${name}' and did not release it within ` +
            `${Math.round(waitMs / 1000)} s`, { lease: name });
        }
        await deps.sleep(pollMs);
      }
    },
  };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
