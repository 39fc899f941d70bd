// Per (tenant, app) throttling: "100 calls per minute and 1,500 calls per hour" for the
// alerts API (get-alerts.md). Refused calls do not consume quota; the caller is told how long
// to wait in whole seconds.

export interface RateLimits {
  perMinute: number;
  perHour: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { perMinute: 100, perHour: 1_500 };

export interface RateRefusal {
  allowed: false;
  retryAfterSeconds: number;
  limit: number;
  window: string;
}

export type RateDecision = { allowed: true } | RateRefusal;

export interface RateLimiter {
  take(key: string): RateDecision;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

interface Window {
  capacity: number;
  windowMs: number;
  /** `hh:mm:ss`, as the quota message prints it. */
  label: string;
}

// Assumption: the quota is a token bucket refilled continuously; the real service's
// algorithm (fixed or sliding window) is undocumented.
export function createRateLimiter(limits: RateLimits, now: () => number): RateLimiter {
  const windows: Window[] = [
    { capacity: limits.perMinute, windowMs: 60_000, label: "00:01:00" },
    { capacity: limits.perHour, windowMs: 3_600_000, label: "01:00:00" },
  ];
  const buckets = new Map<string, Bucket[]>();

  return {
    take(key) {
      const at = now();
      const state = buckets.get(key) ??
        windows.map((w) => ({ tokens: w.capacity, updatedMs: at }));
      buckets.set(key, state);

      let refusal: RateRefusal | null = null;
      for (const [i, w] of windows.entries()) {
        const bucket = state[i];
        if (!bucket) continue;
        const refill = ((at - bucket.updatedMs) * w.capacity) / w.windowMs;
        bucket.tokens = Math.min(w.capacity, bucket.tokens + Math.max(0, refill));
        bucket.updatedMs = at;
        if (bucket.tokens >= 1) continue;

        const waitMs = ((1 - bucket.tokens) * w.windowMs) / w.capacity;
        // Assumption: Retry-After is whole seconds rounded up, at least 1.
        const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
        // When both quotas are spent, report the one that keeps the caller waiting longer.
        if (refusal === null || retryAfterSeconds > refusal.retryAfterSeconds) {
          refusal = { allowed: false, retryAfterSeconds, limit: w.capacity, window: w.label };
        }
      }
      if (refusal !== null) return refusal;

      for (const bucket of state) bucket.tokens -= 1;
      return { allowed: true };
    },
  };
}

/** The body message form MDE uses (peer-failure-modes item 8). */
export function quotaMessage(limit: number, window: string): string {
  return `API calls quota exceeded! maximum allowed ${limit} per ${window}`;
}
