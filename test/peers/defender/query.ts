// The OData query options `/api/alerts` accepts. Anything else is refused with 400
// `ODataError` naming the option, so a client that sends what the docs do not promise
// learns it here rather than in production.

import { ODataQueryError } from "./errors.ts";
import { parseFilter, type FilterNode } from "./filter.ts";

/** "Maximum page size is 10,000" (get-alerts.md). */
export const MAX_TOP = 10_000;

export type OrderField = "lastUpdateTime" | "alertCreationTime";

export interface OrderKey {
  field: OrderField;
  descending: boolean;
}

export interface AlertQuery {
  filter: FilterNode | null;
  top: number;
  skip: number;
  expandEvidence: boolean;
  orderBy: OrderKey[];
}

// Assumption: with no $orderby the service returns newest alerts first, by creation time
// (peer-failure-modes item 3; the public first-page sample is in that order).
export const DEFAULT_ORDER: OrderKey[] = [{ field: "alertCreationTime", descending: true }];

const OPTIONS = new Set(["$filter", "$top", "$skip", "$expand", "$orderby"]);
const ORDER_FIELDS = new Set<string>(["lastUpdateTime", "alertCreationTime"]);

/** True for the query options the peer understands (everything else is refused). */
export function isKnownOption(name: string): boolean {
  return OPTIONS.has(name);
}

/**
 * Parses the query string of `/api/alerts`. Throws ODataQueryError for an unknown, repeated,
 * empty or malformed option.
 */
export function parseAlertQuery(params: URLSearchParams): AlertQuery {
  const seen = new Set<string>();
  for (const name of params.keys()) {
    // Assumption: option names are case-sensitive and `$select`, `$count`, `$search` and
    // custom options are not supported; the docs list only these five.
    if (!OPTIONS.has(name)) {
      throw new ODataQueryError(name, `The query parameter '${name}' is not supported.`);
    }
    // Assumption: a repeated or empty option is malformed and refused, as ASP.NET OData does.
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
  const expand = params.get("$expand");
  if (expand !== null && expand !== "evidence") {
    throw new ODataQueryError("$expand",
      `Could not find a navigation property named '${expand}' on type 'Alert'; only ` +
        "'evidence' can be expanded.");
  }
  return {
    filter: filter === null ? null : parseFilter(filter),
    top: parseTop(params.get("$top")),
    skip: parseCount("$skip", params.get("$skip"), 0),
    expandEvidence: expand === "evidence",
    orderBy: parseOrderBy(params.get("$orderby")),
  };
}

function parseCount(option: string, text: string | null, fallback: number): number {
  if (text === null) return fallback;
  if (!/^\d{1,9}$/.test(text)) {
    throw new ODataQueryError(option,
      `Invalid value '${text}' for ${option} query option found. The ${option} query option ` +
        "requires a non-negative integer value.");
  }
  return Number(text);
}

function parseTop(text: string | null): number {
  // Assumption: without $top a page holds the maximum, 10,000 alerts.
  const top = parseCount("$top", text, MAX_TOP);
  // Assumption: MDE documents no ceiling on $skip or $top + $skip, so none is modelled.
  if (top > MAX_TOP) {
    throw new ODataQueryError("$top",
      `The limit of '${MAX_TOP}' for Top query has been exceeded. The value from the ` +
        `incoming request is '${text ?? ""}'.`);
  }
  // Assumption: $top=0 is refused (OData would allow it; an empty page is never useful here).
  if (top === 0) {
    throw new ODataQueryError("$top",
      `Invalid value '${text ?? ""}' for $top query option found. $top must be between 1 ` +
        `and ${MAX_TOP}.`);
  }
  return top;
}

function parseOrderBy(text: string | null): OrderKey[] {
  if (text === null) return DEFAULT_ORDER;
  return text.split(",").map((clause) => {
    const words = clause.trim().split(/ +/);
    const [field, direction = "asc", extra] = words;
    if (field === undefined || !ORDER_FIELDS.has(field)) {
      throw new ODataQueryError("$orderby",
        `The property '${field ?? ""}' cannot be used in the $orderby query option; ` +
          "use lastUpdateTime or alertCreationTime.");
    }
    if ((direction !== "asc" && direction !== "desc") || extra !== undefined) {
      throw new ODataQueryError("$orderby",
        `Syntax error in $orderby '${text}': expected 'asc' or 'desc' after '${field}'.`);
    }
    return { field: field as OrderField, descending: direction === "desc" };
  });
}
