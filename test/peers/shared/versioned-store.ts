// Per-tenant items (alerts, detections) with a full version history: the ground truth tests
// compare the product's output against ("every version exactly once"). Each item has an id
// field and a last-change time field; an update is a new version whose time is strictly later.

import type { InstantReader } from "./odata-filter.ts";
import { formatInstant, parseInstant } from "./timestamps.ts";

export interface VersionedStore<T extends object> {
  seed(tenantId: string, items: readonly T[]): void;
  update(tenantId: string, id: string, changes: Partial<T>): T;
  /** Stored objects of the tenant's current state (not copies; the peer serves them). */
  current(tenantId: string): Iterable<T>;
  items(tenantId: string): T[];
  versions(tenantId: string): T[];
}

export interface VersionedStoreOptions {
  /** What an item is called in error messages (`alert`, `detection`). */
  noun: string;
  idField: string;
  /** The DateTimeOffset field every new version moves forward. */
  timeField: string;
  /** The new version's time (ticks) given the previous one's; must be strictly later. */
  nextTicks: (previousTicks: bigint) => bigint;
  /** How the new time is written; default trimmed to 0-7 digits (formatInstant). */
  format?: (ticks: bigint) => string;
}

interface TenantState<T> {
  current: Map<string, T>;
  versions: T[];
}

const field = (item: object, name: string): unknown => (item as Record<string, unknown>)[name];

export function createVersionedStore<T extends object>(opts: VersionedStoreOptions):
  VersionedStore<T> {
  const { noun, idField, timeField } = opts;
  const format = opts.format ?? formatInstant;
  const tenants = new Map<string, TenantState<T>>();
  const stateOf = (tenantId: string): TenantState<T> => {
    let state = tenants.get(tenantId);
    if (!state) {
      state = { current: new Map(), versions: [] };
      tenants.set(tenantId, state);
    }
    return state;
  };

  return {
    seed(tenantId, items) {
      const state = stateOf(tenantId);
      for (const item of items) {
        const id = String(field(item, idField));
        if (state.current.has(id)) {
          throw new Error(`${noun} ${id} is already seeded for tenant ${tenantId}; ` +
            "use update() for a new version");
        }
        // Deep copies: later mutation of the caller's objects must not change served data.
        const stored = structuredClone(item);
        state.current.set(id, stored);
        state.versions.push(stored);
      }
    },

    update(tenantId, id, changes) {
      const state = stateOf(tenantId);
      const previous = state.current.get(id);
      if (!previous) throw new Error(`no ${noun} ${id} for tenant ${tenantId}`);
      const newId = field(changes, idField);
      if (newId !== undefined && newId !== id) {
        throw new Error(`update() cannot change the ${idField} of ${noun} ${id}`);
      }

      const previousText = String(field(previous, timeField));
      const previousTicks = parseInstant(previousText) ?? 0n;
      const explicit = field(changes, timeField);
      let ticks: bigint;
      if (explicit !== undefined) {
        const parsed = typeof explicit === "string" ? parseInstant(explicit) : undefined;
        if (parsed === undefined || parsed <= previousTicks) {
          throw new Error(`${timeField} ${JSON.stringify(explicit)} must be a valid instant ` +
            `later than ${previousText}`);
        }
        ticks = parsed;
      } else {
        ticks = opts.nextTicks(previousTicks);
        if (ticks <= previousTicks) throw new Error(`nextTicks must move ${timeField} forward`);
      }

      // Spreading keeps the key order of the stored item; only values change.
      const next = structuredClone({ ...previous, ...changes, [timeField]: format(ticks) });
      state.current.set(id, next);
      state.versions.push(next);
      return structuredClone(next);
    },

    current: (tenantId) => tenants.get(tenantId)?.current.values() ?? [],
    items: (tenantId) => structuredClone([...(tenants.get(tenantId)?.current.values() ?? [])]),
    versions: (tenantId) => structuredClone(tenants.get(tenantId)?.versions ?? []),
  };
}

/** The usual clock rule: the clock's time, or one tick after the previous one if not later. */
export function clockOrNextTick(clockTicks: () => bigint): (previousTicks: bigint) => bigint {
  return (previousTicks) => {
    const clock = clockTicks();
    return clock > previousTicks ? clock : previousTicks + 1n;
  };
}

/**
 * Reads a stored item's timestamp field as an instant, parsing each field once. Stored items
 * are never mutated (an update stores a new object), so parsed times can be kept.
 */
export function createInstantReader(): InstantReader {
  const instants = new WeakMap<object, Map<string, bigint | null>>();
  return (item, name) => {
    let fields = instants.get(item);
    if (!fields) instants.set(item, (fields = new Map<string, bigint | null>()));
    if (!fields.has(name)) {
      const raw = field(item, name);
      fields.set(name, typeof raw === "string" ? parseInstant(raw) ?? null : null);
    }
    return fields.get(name) ?? null;
  };
}
