// One page of `/security/alerts_v2`: filter, order newest first, cut, serialise. Each page is
// computed from the data as it is when the request arrives, so a `$skip` scan over live data
// meets the same hazards it meets against the real service (new alerts push older ones down).

import { matchesFilter, type InstantReader } from "../shared/odata-filter.ts";
import type { GraphAlertQuery } from "./query.ts";
import { DETECTION_SOURCES, evolvableMembers, SENTINEL, SERVICE_SOURCES, type GraphAlert } from
  "./types.ts";

/** Assumption: the context URL Graph writes for this collection. */
export const GRAPH_ODATA_CONTEXT =
  "https://graph.microsoft.com/v1.0/$metadata#security/alerts_v2";

export interface GraphAlertPage {
  items: GraphAlert[];
  /** Alerts matching the filter, over all pages (`@odata.count`). */
  total: number;
  /** `$skip` of the next page, or null when this page is the last. */
  nextSkip: number | null;
}

/**
 * "The most recent alerts are displayed at the top of the list" (security-list-alerts_v2.md).
 * Assumption: most recent = latest `createdDateTime`; ties by id, descending.
 */
function newestFirst(readInstant: InstantReader) {
  return (a: GraphAlert, b: GraphAlert): number => {
    const x = readInstant(a, "createdDateTime");
    const y = readInstant(b, "createdDateTime");
    if (x !== y) return x === null ? 1 : y === null ? -1 : x > y ? -1 : 1;
    return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
  };
}

/**
 * Selects the page `query` asks for from the tenant's current alerts. Assumption: `$filter`
 * sees stored values, so `serviceSource eq 'microsoftDefenderForCloud'` matches with or without
 * `Prefer: include-unknown-enum-members` (only the served value is masked).
 */
export function selectGraphPage(alerts: Iterable<GraphAlert>, query: GraphAlertQuery,
  readInstant: InstantReader): GraphAlertPage {
  const matching: GraphAlert[] = [];
  for (const alert of alerts) {
    if (query.filter === null || matchesFilter(query.filter, alert, readInstant)) {
      matching.push(alert);
    }
  }
  matching.sort(newestFirst(readInstant));

  const items = matching.slice(query.skip, query.skip + query.top);
  const end = query.skip + items.length;
  return { items, total: matching.length,
    nextSkip: items.length > 0 && end < matching.length ? end : null };
}

/** True when a `Prefer` header asks for evolvable enum members. */
export function wantsUnknownEnumMembers(prefer: string | string[] | undefined): boolean {
  const values = Array.isArray(prefer) ? prefer : prefer === undefined ? [] : [prefer];
  return values.flatMap((v) => v.split(","))
    .some((p) => p.trim().toLowerCase() === "include-unknown-enum-members");
}

const EVOLVABLE: [keyof GraphAlert, Set<string>][] = [
  ["serviceSource", new Set(evolvableMembers(SERVICE_SOURCES))],
  ["detectionSource", new Set(evolvableMembers(DETECTION_SOURCES))],
];

/**
 * The alert as served. Without `Prefer: include-unknown-enum-members`, members of an evolvable
 * enum declared after `unknownFutureValue` are replaced by `unknownFutureValue`, as Graph
 * documents (best-practices-concept.md, "evolvable enumerations"). Otherwise the stored JSON
 * is served unchanged.
 */
export function serveGraphAlert(alert: GraphAlert, includeUnknownEnums: boolean): GraphAlert {
  if (includeUnknownEnums) return alert;
  let served = alert;
  for (const [field, evolvable] of EVOLVABLE) {
    const value = alert[field];
    if (typeof value === "string" && evolvable.has(value)) {
      served = { ...served, [field]: SENTINEL };
    }
  }
  return served;
}

/**
 * The response body. Assumption: Graph writes the annotations before `value`, in this order;
 * clients must not rely on key order anyway.
 */
export function renderGraphPage(page: GraphAlertPage, opts: { count: boolean;
  nextLink: string | null; includeUnknownEnums: boolean }): Record<string, unknown> {
  const body: Record<string, unknown> = { "@odata.context": GRAPH_ODATA_CONTEXT };
  if (opts.count) body["@odata.count"] = page.total;
  if (opts.nextLink !== null) body["@odata.nextLink"] = opts.nextLink;
  body.value = page.items.map((alert) => serveGraphAlert(alert, opts.includeUnknownEnums));
  return body;
}
