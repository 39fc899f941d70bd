// The query options `GET /security/alerts_v2` documents: `$count`, `$filter`, `$skip`, `$top`
// (security-list-alerts_v2.md). Anything else is refused with 400 BadRequest naming the
// option, so a client that sends what the docs do not promise learns it here.

import { ODataQueryError, parseFilter, type FilterNode, type FilterSchema } from
  "../shared/odata-filter.ts";
import {
  ALERT_CLASSIFICATIONS,
  ALERT_DETERMINATIONS,
  ALERT_SEVERITIES,
  ALERT_STATUSES,
  SERVICE_SOURCES,
} from "./types.ts";

/**
 * Assumption: `$top` above 1,000 is clamped to 1,000 rather than refused (peer-failure-modes
 * item 7; the docs state no maximum).
 */
export const MAX_TOP = 1000;
/** Assumption: without `$top` a page holds 100 alerts (Graph's usual default page size). */
export const DEFAULT_TOP = 100;

const OPTIONS = new Set(["$count", "$filter", "$skip", "$top"]);

/** The properties the docs list as supporting `$filter`, with their types and members. */
export const GRAPH_ALERT_FILTER: FilterSchema = {
  entityType: "microsoft.graph.security.alert",
  fields: {
    assignedTo: { type: "String" },
    classification: { type: "Enum", values: ALERT_CLASSIFICATIONS },
    determination: { type: "Enum", values: ALERT_DETERMINATIONS },
    createdDateTime: { type: "DateTimeOffset" },
    lastUpdateDateTime: { type: "DateTimeOffset" },
    severity: { type: "Enum", values: ALERT_SEVERITIES },
    serviceSource: { type: "Enum", values: SERVICE_SOURCES },
    status: { type: "Enum", values: ALERT_STATUSES },
  },
};

export interface GraphAlertQuery {
  filter: FilterNode | null;
  /** Page size after clamping. */
  top: number;
  skip: number;
  count: boolean;
}

/** True for the query options the peer understands (everything else is refused). */
export function isKnownGraphOption(name: string): boolean {
  return OPTIONS.has(name);
}

/**
 * Parses the query string of `/security/alerts_v2`. Throws ODataQueryError for an unknown,
 * repeated, empty or malformed option.
 */
export function parseGraphQuery(params: URLSearchParams): GraphAlertQuery {
  const seen = new Set<string>();
  for (const name of params.keys()) {
    // Assumption: strict. `$orderby`, `$select`, `$expand`, `$search`, `$skiptoken`, option
    // names in another case or without `$`, and custom parameters are all refused.
    if (!OPTIONS.has(name)) {
      throw new ODataQueryError(name, "not supported by /security/alerts_v2; the supported " +
        "query options are $count, $filter, $skip and $top.");
    }
    if (seen.has(name)) {
      throw new ODataQueryError(name,
        `Query option '${name}' was specified more than once, but it must be specified at ` +
          "most once.");
    }
    seen.add(name);
    if ((params.get(name) ?? "").trim() === "") {
      throw new ODataQueryError(name, `The query option '${name}' has an empty value.`);
    }
  }

  const filter = params.get("$filter");
  return {
    filter: filter === null ? null : parseFilter(filter, GRAPH_ALERT_FILTER),
    top: parseTop(params.get("$top")),
    skip: parseCount("$skip", params.get("$skip")) ?? 0,
    count: parseBoolean("$count", params.get("$count")),
  };
}

function parseCount(option: string, text: string | null): number | null {
  if (text === null) return null;
  if (!/^\d{1,9}$/.test(text)) {
    throw new ODataQueryError(option,
      `Invalid value '${text}' for ${option} query option found. The ${option} query option ` +
        "requires a non-negative integer value.");
  }
  return Number(text);
}

function parseTop(text: string | null): number {
  const top = parseCount("$top", text);
  if (top === null) return DEFAULT_TOP;
  // Assumption: $top=0 is refused (OData would allow it; an empty page is never useful here).
  if (top === 0) {
    throw new ODataQueryError("$top",
      `Invalid value '${text ?? ""}' for $top query option found. $top must be at least 1.`);
  }
  return Math.min(top, MAX_TOP);
}

function parseBoolean(option: string, text: string | null): boolean {
  if (text === null) return false;
  // Assumption: only lower-case `true` and `false`, the OData ABNF spelling.
  if (text !== "true" && text !== "false") {
    throw new ODataQueryError(option,
      `Invalid value '${text}' for ${option} query option found. Use true or false.`);
  }
  return text === "true";
}
