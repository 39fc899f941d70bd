export { createGraphAlertsSource, GRAPH_MAX_TOP } from "./alerts-source.ts";
export { graphError } from "./responses.ts";
