import { AddonError } from "../errors.ts";
import type { HttpResponse } from "./client.ts";

/** Retry defaults, one reason per line. */
export const RETRY_DEFAULTS = {
  // Three retries ride out a blip without holding the run (and the tenant's slot) for long.
  maxAttempts: 4,
  // Exponential backoff from one second, with full jitter so tenants do not retry in step.
  baseDelayMs: 1_000,
  maxBackoffMs: 30_000,
  // A longer Retry-After is not waited out inside a run: the checkpoint stays and the next run
  // resumes, so splunkd's interval keeps pacing the tenant.
  maxRetryAfterMs: 120_000,
} as const;

export type RetryDecision =
  | { retry: true; delayMs: number; reason: string }
  | { retry: false; reason: string };

/**
 * The one place that decides whether a failed call is tried again, and when.
 * `attempt` counts from 1 for the call that just failed.
 */
export function decideRetry(
  attempt: number,
  outcome: { response: HttpResponse } | { error: AddonError },
  random: () => number = Math.random,
): RetryDecision {
  if (attempt >= RETRY_DEFAULTS.maxAttempts) return { retry: false, reason: "attempts exhausted" };
  const backoff = (): number =>
    Math.round(random() * Math.min(RETRY_DEFAULTS.maxBackoffMs, RETRY_DEFAULTS.baseDelayMs * 2 ** (attempt - 1)));

  if ("error" in outcome) {
    // Connection failures and timeouts are transient; TLS and everything else is not.
    if (outcome.error.disposition === "retry") {
      return { retry: true, delayMs: backoff(), reason: outcome.error.code };
    }
    return { retry: false, reason: outcome.error.code };
  }

  const { status } = outcome.response;
  if (status === 429 || status === 503) {
    const waitMs = retryAfterMs(outcome.response);
    if (waitMs === undefined) return { retry: true, delayMs: backoff(), reason: `HTTP ${status}` };
    if (waitMs > RETRY_DEFAULTS.maxRetryAfterMs) {
      return { retry: false, reason: `Retry-After ${Math.round(waitMs / 1000)}s exceeds the run` };
    }
    return { retry: true, delayMs: waitMs, reason: `HTTP ${status} Retry-After` };
  }
  if (status >= 500) return { retry: true, delayMs: backoff(), reason: `HTTP ${status}` };
  return { retry: false, reason: `HTTP ${status} is not transient` };
}

/**
 * The wait a throttled response asks for: the `Retry-After` header (seconds or an HTTP date),
 * else the body forms Graph and Defender use ("… again in 12 seconds", "Try again in 12 sec").
 */
export function retryAfterMs(res: HttpResponse, nowMs = Date.now()): number | undefined {
  const header = res.headers["retry-after"]?.trim();
  if (header !== undefined && header !== "") {
    if (/^\d+(\.\d+)?$/.test(header)) return Math.ceil(Number(header) * 1000);
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(0, date - nowMs);
  }
  const body = /again in (\d+) ?s(ec(ond)?s?)?\b/i.exec(res.body.slice(0, 2000));
  if (body?.[1] !== undefined) return Number(body[1]) * 1000;
  return undefined;
}
