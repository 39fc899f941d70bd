// One page of `/api/alerts`: filter, order, cut, serialise. Each page is computed from the
// data as it is when the request arrives, so an alert updated mid-scan moves between pages,
// exactly the hazard a `$skip` scan over live data has against the real service.

import { matchesFilter, type InstantReader } from "./filter.ts";
import type { AlertQuery, OrderKey } from "./query.ts";
import type { Alert } from "./types.ts";

export const ODATA_CONTEXT = "https://api.securitycenter.microsoft.com/api/$metadata#Alerts";

export interface AlertPage {
  items: Alert[];
  /** `$skip` of the next page, or null when this page is the last. */
  nextSkip: number | null;
}

function compareKeys(readInstant: InstantReader, keys: OrderKey[]) {
  return (a: Alert, b: Alert): number => {
    for (const key of keys) {
      const x = readInstant(a, key.field);
      const y = readInstant(b, key.field);
      if (x === y) continue;
      // OData sorts null before any value in ascending order.
      const order = x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;
      return key.descending ? -order : order;
    }
    // Assumption: ties are ordered by id, in the direction of the last key, so paging over
    // unchanged data is stable (the real tie order is undocumented).
    const byId = a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    return keys.at(-1)?.descending === true ? -byId : byId;
  };
}

/** Selects the page `query` asks for from the tenant's current alerts. */
export function selectPage(alerts: Iterable<Alert>, query: AlertQuery,
  readInstant: InstantReader): AlertPage {
  const matching: Alert[] = [];
  for (const alert of alerts) {
    if (query.filter === null || matchesFilter(query.filter, alert, readInstant)) {
      matching.push(alert);
    }
  }
  matching.sort(compareKeys(readInstant, query.orderBy));

  const items = matching.slice(query.skip, query.skip + query.top);
  const end = query.skip + items.length;
  return { items, nextSkip: items.length > 0 && end < matching.length ? end : null };
}

/**
 * The alert as served: stored JSON unchanged, except `evidence` emptied unless expanded.
 * Assumption: a stored alert without an `evidence` key (older public samples) is served
 * without one rather than gaining `"evidence": []`.
 */
export function serveAlert(alert: Alert, expandEvidence: boolean): Alert {
  if (expandEvidence || !Object.hasOwn(alert, "evidence")) return alert;
  return { ...alert, evidence: [] };
}

/** Same query with `$skip` advanced, on the peer's own origin; keeps `$` unescaped. */
export function buildNextLink(origin: string, path: string, params: URLSearchParams,
  nextSkip: number): string {
  const pairs: [string, string][] = [];
  let replaced = false;
  for (const [name, value] of params) {
    if (name === "$skip") {
      pairs.push([name, String(nextSkip)]);
      replaced = true;
    } else {
      pairs.push([name, value]);
    }
  }
  if (!replaced) pairs.push(["$skip", String(nextSkip)]);
  const query = pairs
    .map(([name, value]) => `${encodeURIComponent(name).replace(/^%24/, "$")}=` +
      encodeURIComponent(value))
    .join("&");
  return `${origin}${path}?${query}`;
}

/**
 * The response body. Assumption: `@odata.nextLink` follows `value`, as ASP.NET OData
 * writes it; clients must not rely on key order anyway.
 */
export function renderPage(items: Alert[], expandEvidence: boolean, nextLink: string | null):
  Record<string, unknown> {
  const body: Record<string, unknown> = {
    "@odata.context": ODATA_CONTEXT,
    value: items.map((alert) => serveAlert(alert, expandEvidence)),
  };
  if (nextLink !== null) body["@odata.nextLink"] = nextLink;
  return body;
}
