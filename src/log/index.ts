export { createLogger, formatRecord } from "./logger.ts";
export type { Fields, Level, Logger } from "./logger.ts";
export { Secret } from "./secret.ts";
