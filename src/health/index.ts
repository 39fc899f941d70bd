export {
  BACKOFF_BASE_MS,
  BACKOFF_MAX_MS,
  backoffFor,
  CONSENT_MISSING_CODES,
  DEAD_CREDENTIAL_CODES,
  RECONSENT_CODES,
  THROTTLE_DEFAULT_MS,
} from "./backoff.ts";
export type { Backoff } from "./backoff.ts";
export {
  consentKey,
  createHealthStore,
  emptyInputHealth,
  HEALTH_COLLECTION,
  inputKey,
} from "./health-store.ts";
export type { ConsentRecord, ConsentState, HealthStore, InputHealth } from "./health-store.ts";
export { createRunHealth } from "./run-health.ts";
export type { RunHealth } from "./run-health.ts";
