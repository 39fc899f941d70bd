// The answer to one `GET /api/alerts`: the tenant's detections in the time range and device
// filters, most recent first, cut to `limit`. Computed from the data as it is when the request
// arrives, so a detection re-processed between two calls moves into a later range.

import type { InstantReader } from "../shared/odata-filter.ts";
import type { SiemQuery } from "./query.ts";
import type { SiemDetection } from "./types.ts";

/**
 * Assumption: a record's tag fields hold tags joined by ", " (as api-portal-mapping.md writes
 * IP lists); a tag parameter matches a record carrying exactly that tag, case included.
 */
export function hasTag(tags: string, wanted: string): boolean {
  return tags.split(",").some((tag) => tag.trim() === wanted);
}

function inRange(query: SiemQuery, processed: bigint | null): boolean {
  // Assumption: both bounds are inclusive (the docs say "from sinceTimeUtc to untilTimeUtc").
  return processed !== null && processed >= query.sinceTicks && processed <= query.untilTicks;
}

function matchesDevice(query: SiemQuery, record: SiemDetection): boolean {
  // Assumption: machine group names match exactly, case included.
  if (query.machineGroups && !query.machineGroups.includes(record.MachineGroup)) return false;
  if (query.deviceTag !== null && !hasTag(record.DeviceCreatedMachineTags, query.deviceTag)) {
    return false;
  }
  return query.cloudTag === null || hasTag(record.CloudCreatedMachineTags, query.cloudTag);
}

/**
 * The records the query selects. "Most recent alerts will be retrieved" with `limit`.
 * Assumption: most recent = latest `LastProcessedTimeUtc`, and the array is ordered that way
 * (newest first; ties by FullId), with or without `limit`.
 */
export function selectDetections(records: Iterable<SiemDetection>, query: SiemQuery,
  readInstant: InstantReader): SiemDetection[] {
  const processed = (r: SiemDetection): bigint | null => readInstant(r, "LastProcessedTimeUtc");
  const selected: SiemDetection[] = [];
  for (const record of records) {
    if (inRange(query, processed(record)) && matchesDevice(query, record)) selected.push(record);
  }
  selected.sort((a, b) => {
    const x = processed(a) ?? 0n;
    const y = processed(b) ?? 0n;
    if (x !== y) return x > y ? -1 : 1;
    return a.FullId < b.FullId ? -1 : a.FullId > b.FullId ? 1 : 0;
  });
  return query.limit === null ? selected : selected.slice(0, query.limit);
}
