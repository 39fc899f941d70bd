// Per-tenant alert state with a full version history, on the shared versioned store
// (../shared/versioned-store.ts): alerts keyed by `id`, versions ordered by `lastUpdateTime`.

import { ticksFromMs } from "../shared/timestamps.ts";
import { clockOrNextTick, createVersionedStore } from "../shared/versioned-store.ts";
import type { Alert } from "./types.ts";

export interface AlertStore {
  seed(tenantId: string, alerts: readonly Alert[]): void;
  update(tenantId: string, alertId: string, changes: Partial<Alert>): Alert;
  /** Stored objects of the tenant's current state (not copies; the peer serves them). */
  current(tenantId: string): Iterable<Alert>;
  alerts(tenantId: string): Alert[];
  versions(tenantId: string): Alert[];
}

/**
 * `now` is the peer clock in ms; an update gets `lastUpdateTime` from it, or one tick after
 * the previous version when the clock has not moved past it. Throws on a duplicate seed, an
 * unknown id, an id change or an explicit `lastUpdateTime` that is not later.
 */
export function createAlertStore(now: () => number): AlertStore {
  const store = createVersionedStore<Alert>({ noun: "alert", idField: "id",
    timeField: "lastUpdateTime", nextTicks: clockOrNextTick(() => ticksFromMs(now())) });
  return {
    seed: (tenantId, alerts) => store.seed(tenantId, alerts),
    update: (tenantId, alertId, changes) => store.update(tenantId, alertId, changes),
    current: (tenantId) => store.current(tenantId),
    alerts: (tenantId) => store.items(tenantId),
    versions: (tenantId) => store.versions(tenantId),
  };
}
