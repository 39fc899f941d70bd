// Per-tenant alert state with a full version history: the ground truth tests compare the
// product's output against ("every version exactly once").

import { formatInstant, parseInstant, ticksFromMs } from "./timestamps.ts";
import type { Alert } from "./types.ts";

export interface AlertStore {
  seed(tenantId: string, alerts: readonly Alert[]): void;
  update(tenantId: string, alertId: string, changes: Partial<Alert>): Alert;
  /** Stored objects of the tenant's current state (not copies; the peer serves them). */
  current(tenantId: string): Iterable<Alert>;
  alerts(tenantId: string): Alert[];
  versions(tenantId: string): Alert[];
}

interface TenantState {
  current: Map<string, Alert>;
  versions: Alert[];
}

/** `now` is the peer clock in ms; updates get `lastUpdateTime` from it. */
export function createAlertStore(now: () => number): AlertStore {
  const tenants = new Map<string, TenantState>();
  const stateOf = (tenantId: string): TenantState => {
    let state = tenants.get(tenantId);
    if (!state) {
      state = { current: new Map(), versions: [] };
      tenants.set(tenantId, state);
    }
    return state;
  };

  return {
    seed(tenantId, alerts) {
      const state = stateOf(tenantId);
      for (const alert of alerts) {
        if (state.current.has(alert.id)) {
          throw new Error(`alert ${alert.id} is already seeded for tenant ${tenantId}; ` +
            "use update() for a new version");
        }
        // Deep copies: later mutation of the caller's objects must not change served data.
        const stored = structuredClone(alert);
        state.current.set(alert.id, stored);
        state.versions.push(stored);
      }
    },

    update(tenantId, alertId, changes) {
      const state = stateOf(tenantId);
      const previous = state.current.get(alertId);
      if (!previous) throw new Error(`no alert ${alertId} for tenant ${tenantId}`);
      if (changes.id !== undefined && changes.id !== alertId) {
        throw new Error("update() cannot change an alert's id");
      }

      const previousTicks = parseInstant(previous.lastUpdateTime) ?? 0n;
      let updateTicks: bigint;
      if (changes.lastUpdateTime !== undefined) {
        const explicit = parseInstant(changes.lastUpdateTime);
        if (explicit === undefined || explicit <= previousTicks) {
          throw new Error(`lastUpdateTime ${changes.lastUpdateTime} must be a valid instant ` +
            `later than ${previous.lastUpdateTime}`);
        }
        updateTicks = explicit;
      } else {
        // A new version is always strictly later, even when the clock has not moved.
        const clockTicks = ticksFromMs(now());
        updateTicks = clockTicks > previousTicks ? clockTicks : previousTicks + 1n;
      }

      const next: Alert = structuredClone({ ...previous, ...changes,
        lastUpdateTime: formatInstant(updateTicks) });
      state.current.set(alertId, next);
      state.versions.push(next);
      return structuredClone(next);
    },

    current: (tenantId) => tenants.get(tenantId)?.current.values() ?? [],
    alerts: (tenantId) => structuredClone([...(tenants.get(tenantId)?.current.values() ?? [])]),
    versions: (tenantId) => structuredClone(tenants.get(tenantId)?.versions ?? []),
  };
}
