// Alert backlogs for the benchmark (scripts/bench.ts). Generating 100,000 realistic alerts one by
// one takes tens of seconds, so a backlog is one generated block repeated: copy k of the block is
// the same alerts with other ids and every time moved k block-spans later, so the backlog stays
// realistic (same shapes, sizes, ties and evidence) and its update times stay distinct per copy.

import { formatInstant, generateAlerts, parseInstant, type Alert } from "../peers/defender/index.ts";

export interface BacklogOptions {
  count: number;
  tenantId: string;
  /** Evidence entries per alert, inclusive. */
  evidence: { min: number; max: number };
  /** Alerts generated one by one; the rest are shifted copies. Default 10,000. */
  blockSize?: number;
  seed?: number;
}

// 2023-01-01: old enough that every copy of a block stays in the past.
const START_MS = Date.UTC(2023, 0, 1);
const STEP_MS = 1_000;
const TIME_FIELDS = ["alertCreationTime", "firstEventTime", "lastEventTime", "lastUpdateTime", "resolvedTime"] as const;

/**
 * Calls `sink` with the backlog in blocks (oldest first), so the caller can seed each block and
 * drop it: the whole backlog is never held twice.
 */
export function forEachBacklogBlock(opts: BacklogOptions, sink: (alerts: Alert[]) => void): void {
  const blockSize = Math.min(opts.count, opts.blockSize ?? 10_000);
  if (blockSize === 0) return;
  const block = generateAlerts({
    count: blockSize,
    tenantId: opts.tenantId,
    seed: opts.seed ?? 1,
    startMs: START_MS,
    stepMs: STEP_MS,
    evidence: opts.evidence,
  });
  // A copy starts a whole block span (plus a day) after the previous one.
  const shiftTicks = BigInt(blockSize * STEP_MS + 86_400_000) * 10_000n;
  for (let copy = 0, done = 0; done < opts.count; copy += 1) {
    const size = Math.min(blockSize, opts.count - done);
    sink(copy === 0 ? block.slice(0, size) : block.slice(0, size).map((a) => shifted(a, copy, shiftTicks)));
    done += size;
  }
}

/** The whole backlog in one array (for small counts). */
export function backlog(opts: BacklogOptions): Alert[] {
  const all: Alert[] = [];
  forEachBacklogBlock(opts, (alerts) => all.push(...alerts));
  return all;
}

function shifted(alert: Alert, copy: number, shiftTicks: bigint): Alert {
  const shift = BigInt(copy) * shiftTicks;
  const move = (text: unknown): unknown => {
    const ticks = typeof text === "string" ? parseInstant(text) : undefined;
    return ticks === undefined ? text : formatInstant(ticks + shift);
  };
  // An id is `da` + .NET ticks near creation + `_` + a hash: its ticks move with the alert.
  const id = /^da(\d+)_(-?\d+)$/.exec(alert.id);
  const next: Alert = {
    ...alert,
    id: id === null ? `${alert.id}-${copy}` : `da${BigInt(id[1] ?? "0") + shift}_${id[2] ?? ""}`,
    evidence: alert.evidence.map((e) => ({ ...e, evidenceCreationTime: move(e.evidenceCreationTime) as string })),
  };
  const fields = next as unknown as Record<string, unknown>;
  for (const name of TIME_FIELDS) fields[name] = move(fields[name]);
  return next;
}
