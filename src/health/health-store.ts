import { AddonError } from "../errors.ts";
import type { SplunkdClient } from "../splunkd/index.ts";

export const HEALTH_COLLECTION = "ta_defender_mssp_health";

/** The consent (app-only) or sign-in (delegated) state of a tenant as the add-on last saw it. */
export type ConsentState = "unknown" | "granted" | "missing" | "withdrawn" | "denied";

/**
 * One input's health, written at the end of every run (wire names: the setup page and
 * dashboards read these documents from the KV store). Times are ISO 8601, "" when never.
 */
export interface InputHealth {
  kind: "input";
  input: string;
  tenant_id: string;
  account: string;
  auth_mode: string;
  api: string;
  consent_state: ConsentState;
  needs_reconsent: boolean;
  /** The code that set needs_reconsent. */
  reconsent_reason: string;
  last_run_at: string;
  /** `success`, `failure`, or `skipped` (token calls paused, see blocked_until). */
  last_outcome: "success" | "failure" | "skipped" | "";
  last_success_at: string;
  alerts_last_run: number;
  alerts_total: number;
  last_error_code: string;
  last_error_message: string;
  last_error_action: string;
  last_error_at: string;
  /** The newest alert update written, and how old it was at the end of the run. */
  checkpoint_watermark: string;
  checkpoint_age_seconds: number;
  consecutive_failures: number;
  /** Token calls paused until then ("" when not paused). */
  blocked_until: string;
  /** The credential the pause applies to ("" = any credential). */
  blocked_fingerprint: string;
  updated_at: string;
}

/** A tenant's consent (app-only) or sign-in (delegated), recorded by onboarding. */
export interface ConsentRecord {
  kind: "consent";
  account: string;
  tenant_id: string;
  auth_mode: "app_only" | "delegated";
  consent_state: ConsentState;
  /** When Entra confirmed it with a token for the tenant. */
  verified_at: string;
  /** The Splunk user who completed the onboarding. */
  recorded_by: string;
  /** Delegated: the customer user who signed in. */
  signed_in_as: string;
  /** Delegated: the input whose refresh token it is. */
  input: string;
  updated_at: string;
}

export interface HealthStore {
  getInput(input: string): Promise<InputHealth | undefined>;
  putInput(doc: InputHealth): Promise<void>;
  getConsent(account: string, tenantId: string): Promise<ConsentRecord | undefined>;
  putConsent(doc: ConsentRecord): Promise<void>;
  /** The input documents of one tenant (and account). */
  inputsOf(account: string, tenantId: string): Promise<InputHealth[]>;
}

export const inputKey = (input: string): string => `input:${input}`;
export const consentKey = (account: string, tenantId: string): string =>
  `consent:${account}:${tenantId.toLowerCase()}`;

/**
 * The health collection. Each document is written whole with `batch_save` (insert or replace
 * by key), so readers never see half a record.
 *
 * @throws AddonError KVSTORE_UNAVAILABLE, SPLUNKD_*
 */
export function createHealthStore(splunkd: SplunkdClient): HealthStore {
  const client = splunkd.expect([404, 503]);
  const base = `storage/collections/data/${HEALTH_COLLECTION}`;
  const check = (status: number): void => {
    if (status === 503) {
      throw new AddonError("KVSTORE_UNAVAILABLE", "The KV store is not available (HTTP 503)",
        { collection: HEALTH_COLLECTION });
    }
  };
  const get = async <T>(key: string): Promise<T | undefined> => {
    const res = await client.get(`${base}/${encodeURIComponent(key)}`);
    check(res.status);
    if (res.status === 404 || typeof res.json !== "object" || res.json === null) return undefined;
    return res.json as T;
  };
  const put = async (key: string, doc: object): Promise<void> => {
    const res = await client.postJson(`${base}/batch_save`, [{ ...doc, _key: key }]);
    check(res.status);
    if (res.status === 404) {
      throw new AddonError("SPLUNKD_ERROR",
        `The KV store collection ${HEALTH_COLLECTION} does not exist; reinstall the add-on`,
        { collection: HEALTH_COLLECTION });
    }
  };

  return {
    getInput: (input) => get<InputHealth>(inputKey(input)),
    putInput: (doc) => put(inputKey(doc.input), doc),
    getConsent: (account, tenantId) => get<ConsentRecord>(consentKey(account, tenantId)),
    putConsent: (doc) => put(consentKey(doc.account, doc.tenant_id), doc),
    async inputsOf(account, tenantId) {
      const res = await client.get(base, {
        query: JSON.stringify({ kind: "input", account, tenant_id: tenantId.toLowerCase() }),
      });
      check(res.status);
      return Array.isArray(res.json) ? (res.json as InputHealth[]) : [];
    },
  };
}

/** A fresh record for an input that never ran. */
export function emptyInputHealth(input: {
  input: string; tenantId: string; account: string; authMode: string; api: string;
}): InputHealth {
  return {
    kind: "input", input: input.input, tenant_id: input.tenantId, account: input.account,
    auth_mode: input.authMode, api: input.api, consent_state: "unknown", needs_reconsent: false,
    reconsent_reason: "", last_run_at: "", last_outcome: "", last_success_at: "",
    alerts_last_run: 0, alerts_total: 0, last_error_code: "", last_error_message: "",
    last_error_action: "", last_error_at: "", checkpoint_watermark: "", checkpoint_age_seconds: -1,
    consecutive_failures: 0, blocked_until: "", blocked_fingerprint: "", updated_at: "",
  };
}
