export { createMdeAlertsSource } from "./alerts-source.ts";
export type { MdeQueryOptions } from "./alerts-source.ts";
export { checkNextLink } from "./next-link.ts";
export { apiError } from "./responses.ts";
