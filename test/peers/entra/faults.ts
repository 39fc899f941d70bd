import { AadstsFailure, INJECTED_TEXTS } from "./aadsts.ts";

/** A failure the next matching token request(s) answer with, before any other check. */
export interface InjectedError {
  /** Only requests for this tenant (id or domain as in the URL); every tenant when absent. */
  tenantId?: string;
  status: number;
  /** OAuth `error` value, e.g. `temporarily_unavailable`, `invalid_grant`. */
  error: string;
  /** AADSTS number, e.g. 90055 for throttling. */
  code: number;
  /** Text after `AADSTSnnnn: `; a known default for the code when absent. */
  description?: string;
  /** Sent as the `Retry-After` header (seconds). */
  retryAfterSeconds?: number;
  /** e.g. `bad_token`, `consent_required`: changes how MSAL classifies the error. */
  suberror?: string;
  /** How many requests fail; 1 when absent, `Infinity` until `clearErrors()`. */
  times?: number;
}

/** Injected failures in the order they were added; the first match is used up first. */
export interface FaultQueue {
  add(fault: InjectedError): void;
  clear(): void;
  /** Takes one use of the first fault matching any of `tenantNames`. */
  take(tenantNames: readonly string[]): AadstsFailure | undefined;
}

export function createFaultQueue(): FaultQueue {
  let faults: { fault: InjectedError; left: number }[] = [];

  return {
    add(fault) {
      const left = fault.times ?? 1;
      if (!(left > 0)) throw new Error("entra peer: injectError times must be positive");
      if (fault.status < 400 || fault.status > 599) {
        throw new Error("entra peer: injectError status must be 4xx or 5xx");
      }
      faults.push({ fault: { ...fault }, left });
    },

    clear() {
      faults = [];
    },

    take(tenantNames) {
      const lowered = tenantNames.map((name) => name.toLowerCase());
      const entry = faults.find(({ fault }) =>
        fault.tenantId === undefined || lowered.includes(fault.tenantId.toLowerCase()));
      if (entry === undefined) return undefined;

      entry.left -= 1;
      if (entry.left <= 0) faults = faults.filter((f) => f !== entry);
      const { fault } = entry;
      const text = fault.description ?? INJECTED_TEXTS[fault.code] ?? "Injected failure.";
      return new AadstsFailure(fault.status, fault.error, fault.code, text, {
        ...(fault.suberror !== undefined ? { suberror: fault.suberror } : {}),
        ...(fault.retryAfterSeconds !== undefined
          ? { retryAfterSeconds: fault.retryAfterSeconds }
          : {}),
      });
    },
  };
}
