// The `$filter` subset the MDE alerts API documents, on the shared OData filter parser
// (../shared/odata-filter.ts): the filterable fields of an MDE alert and their types.

import {
  matchesFilter as matchesSchemaFilter,
  parseFilter as parseSchemaFilter,
  type FilterNode,
  type FilterSchema,
  type InstantReader,
} from "../shared/odata-filter.ts";
import { SEVERITIES, STATUSES } from "./types.ts";

export type { FilterNode, InstantReader };

// The fields get-alerts.md documents as filterable, by their wire names.
export const ALERT_FILTER: FilterSchema = {
  entityType: "Alert",
  fields: {
    lastUpdateTime: { type: "DateTimeOffset" },
    alertCreationTime: { type: "DateTimeOffset" },
    lastEventTime: { type: "DateTimeOffset" },
    status: { type: "Enum", values: STATUSES },
    severity: { type: "Enum", values: SEVERITIES },
    category: { type: "String" },
    detectionSource: { type: "String" },
    incidentId: { type: "Int64" },
    investigationId: { type: "Int64" },
    id: { type: "String" },
    assignedTo: { type: "String" },
  },
};

/** Parses an MDE `$filter` value. Throws ODataQueryError naming the offending part. */
export function parseFilter(source: string): FilterNode {
  return parseSchemaFilter(source, ALERT_FILTER);
}

/** Evaluates a parsed filter against one stored alert, as OData does (null never orders). */
export function matchesFilter(node: FilterNode, alert: object, readInstant: InstantReader):
  boolean {
  return matchesSchemaFilter(node, alert, readInstant);
}
