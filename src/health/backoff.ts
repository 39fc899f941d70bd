import type { ErrorCode } from "../errors.ts";

/**
 * Refusals that mean the credential, the consent or the sign-in is dead for this tenant: asking
 * again returns the same answer until an admin acts, so the token call is paused.
 */
export const DEAD_CREDENTIAL_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "AUTH_INVALID_SECRET",
  "AUTH_SECRET_EXPIRED",
  "AUTH_CERTIFICATE_REJECTED",
  "AUTH_TENANT_NOT_FOUND",
  "AUTH_TENANT_OTHER_CLOUD",
  "AUTH_APP_NOT_IN_TENANT",
  "AUTH_CONSENT_REQUIRED",
  "AUTH_INVALID_SCOPE",
  "AUTH_REFRESH_TOKEN_EXPIRED",
  "AUTH_REFRESH_TOKEN_REVOKED",
  "AUTH_REFRESH_TOKEN_INVALID",
  "AUTH_SIGN_IN_REQUIRED",
  "AUTH_CONDITIONAL_ACCESS_BLOCKED",
  "AUTH_TENANT_MISMATCH",
]);

/** Failures an admin fixes by consenting or signing in again for the tenant. */
export const RECONSENT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "AUTH_APP_NOT_IN_TENANT",
  "AUTH_CONSENT_REQUIRED",
  "AUTH_REFRESH_TOKEN_EXPIRED",
  "AUTH_REFRESH_TOKEN_REVOKED",
  "AUTH_REFRESH_TOKEN_INVALID",
  "AUTH_SIGN_IN_REQUIRED",
  "AUTH_TENANT_MISMATCH",
  "REFRESH_TOKEN_NOT_FOUND",
]);

/** Failures that say the customer's consent is not (or no longer) there. */
export const CONSENT_MISSING_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "AUTH_APP_NOT_IN_TENANT",
  "AUTH_CONSENT_REQUIRED",
]);

// A dead credential is tried again after 15 minutes, then 30, 60... up to once a day, and at
// once when the admin replaces it (its fingerprint changes) or consents again.
export const BACKOFF_BASE_MS = 15 * 60_000;
export const BACKOFF_MAX_MS = 24 * 3_600_000;
/** Throttled without Retry-After: wait a minute (MSAL's own default, microsoft-apis.md §5). */
export const THROTTLE_DEFAULT_MS = 60_000;

export interface Backoff {
  untilMs: number;
  /** `credential`: lifted when the credential changes; `any`: holds whatever the credential. */
  scope: "credential" | "any";
}

/**
 * How long token calls pause after a failure, or undefined when the next run may call again.
 * `failures` counts this failure (1 for the first in a row).
 */
export function backoffFor(
  code: ErrorCode,
  failures: number,
  nowMs: number,
  retryAfterSeconds?: number,
): Backoff | undefined {
  if (code === "AUTH_THROTTLED") {
    const waitMs = retryAfterSeconds !== undefined ? retryAfterSeconds * 1000 : THROTTLE_DEFAULT_MS;
    return { untilMs: nowMs + Math.min(waitMs, BACKOFF_MAX_MS), scope: "any" };
  }
  if (!DEAD_CREDENTIAL_CODES.has(code)) return undefined;
  const exponent = Math.max(0, Math.min(failures - 1, 20));
  return { untilMs: nowMs + Math.min(BACKOFF_BASE_MS * 2 ** exponent, BACKOFF_MAX_MS), scope: "credential" };
}
