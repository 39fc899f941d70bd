import { AddonError, toAddonError } from "../errors.ts";
import type { Logger } from "../log/index.ts";
import type { SplunkdClient } from "../splunkd/index.ts";
import { backoffFor, CONSENT_MISSING_CODES, RECONSENT_CODES } from "./backoff.ts";
import { createHealthStore, emptyInputHealth, type InputHealth } from "./health-store.ts";

/** The checkpoint collection's fields the health record repeats (wire names). */
const CHECKPOINT_COLLECTION = "ta_defender_mssp_checkpoints";

/** One run's view of its input's health record. */
export interface RunHealth {
  /**
   * Refuses the run's token call while the tenant is paused after a dead credential or
   * throttling. A changed credential (another fingerprint) lifts a credential pause at once.
   *
   * @throws AddonError with the code of the failure that paused it (details `paused_until`)
   */
  guard(fingerprint: string): Promise<void>;
  /**
   * Records a successful run, with the checkpoint the run holds (read from the checkpoint
   * collection when absent). Never throws: a health write must not fail a good run.
   */
  succeeded(events: number, checkpoint?: { watermark: string; alertsTotal: number }): Promise<void>;
  /** Records a failed (or paused) run. Never throws. */
  failed(error: unknown): Promise<void>;
}

/** Marks the error a guard throws, so `failed` records it as a skip, not a new failure. */
const PAUSED = "paused_until";

/**
 * The health record of one input, read once per run and written once at its end (success or
 * failure), with a per-tenant back-off so a dead credential is not retried in a storm while the
 * other tenants keep running.
 */
export function createRunHealth(deps: {
  splunkd: SplunkdClient;
  input: { inputName: string; tenantId: string; account: string; authMode: string; api: string };
  nowMs: () => number;
  logger: Logger;
}): RunHealth {
  const store = createHealthStore(deps.splunkd);
  const { input } = deps;
  let loaded: InputHealth | undefined;
  let fingerprint = "";

  const previous = async (): Promise<InputHealth> => {
    loaded ??= await store.getInput(input.inputName);
    return {
      ...emptyInputHealth({
        input: input.inputName, tenantId: input.tenantId, account: input.account,
        authMode: input.authMode, api: input.api,
      }),
      ...loaded,
      // The stanza may have changed since the last run.
      tenant_id: input.tenantId, account: input.account, auth_mode: input.authMode, api: input.api,
    };
  };
  const iso = (ms: number): string => new Date(ms).toISOString();

  const checkpointFields = (watermark: string, alertsTotal: number | undefined): Partial<InputHealth> => {
    const at = Date.parse(watermark);
    return {
      checkpoint_watermark: watermark,
      checkpoint_age_seconds: Number.isNaN(at) ? -1 : Math.max(0, Math.round((deps.nowMs() - at) / 1000)),
      ...(alertsTotal === undefined ? {} : { alerts_total: alertsTotal }),
    };
  };
  const savedCheckpointFields = async (): Promise<Partial<InputHealth>> => {
    const res = await deps.splunkd.expect([404, 503])
      .get(`storage/collections/data/${CHECKPOINT_COLLECTION}/${encodeURIComponent(input.inputName)}`);
    const doc = res.status === 200 ? (res.json as Record<string, unknown>) : undefined;
    return checkpointFields(
      typeof doc?.["watermark"] === "string" ? doc["watermark"] : "",
      typeof doc?.["alerts_total"] === "number" ? doc["alerts_total"] : undefined,
    );
  };

  const write = async (
    doc: InputHealth,
    checkpoint?: { watermark: string; alertsTotal: number },
  ): Promise<void> => {
    try {
      const fields = checkpoint === undefined ? await savedCheckpointFields() :
        checkpointFields(checkpoint.watermark, checkpoint.alertsTotal);
      await store.putInput({ ...doc, ...fields, updated_at: iso(deps.nowMs()) });
    } catch (error) {
      deps.logger.warn("health record not written", { error: toAddonError(error) });
    }
  };

  return {
    async guard(current) {
      fingerprint = current;
      let health: InputHealth;
      try {
        health = await previous();
      } catch (error) {
        // Without the KV store the run goes on (its checkpoint has a file copy); unpaused.
        deps.logger.warn("health record not read", { error: toAddonError(error) });
        return;
      }
      const until = Date.parse(health.blocked_until);
      if (Number.isNaN(until) || until <= deps.nowMs()) return;
      if (health.blocked_fingerprint !== "" && health.blocked_fingerprint !== current) return;
      const code = (health.last_error_code || "AUTH_FAILED") as AddonError["code"];
      throw new AddonError(code,
        `Token requests for tenant ${input.tenantId} are paused until ${health.blocked_until} ` +
        `after ${health.consecutive_failures} refusal(s) in a row: ${health.last_error_message}`,
        { tenant_id: input.tenantId, [PAUSED]: health.blocked_until });
    },

    async succeeded(events, checkpoint) {
      let health: InputHealth;
      try {
        health = await previous();
      } catch (error) {
        deps.logger.warn("health record not written", { error: toAddonError(error) });
        return;
      }
      const now = iso(deps.nowMs());
      await write({
        ...health, last_run_at: now, last_outcome: "success", last_success_at: now,
        alerts_last_run: events, consent_state: "granted", needs_reconsent: false,
        reconsent_reason: "", consecutive_failures: 0, blocked_until: "", blocked_fingerprint: "",
      }, checkpoint);
    },

    async failed(raw) {
      const error = toAddonError(raw);
      let health: InputHealth;
      try {
        health = await previous();
      } catch (readError) {
        deps.logger.warn("health record not written", { error: toAddonError(readError) });
        return;
      }
      const nowMs = deps.nowMs();
      const now = iso(nowMs);
      if (error.details[PAUSED] !== undefined) {
        await write({ ...health, last_run_at: now, last_outcome: "skipped", alerts_last_run: 0 });
        return;
      }
      const failures = health.consecutive_failures + 1;
      const retryAfter = error.details["retry_after"];
      const pause = backoffFor(error.code, failures, nowMs,
        typeof retryAfter === "number" ? retryAfter : undefined);
      const reconsent = RECONSENT_CODES.has(error.code);
      let consent = health.consent_state;
      if (CONSENT_MISSING_CODES.has(error.code)) consent = consent === "granted" ? "withdrawn" : "missing";
      await write({
        ...health,
        last_run_at: now,
        last_outcome: "failure",
        alerts_last_run: 0,
        last_error_code: error.code,
        last_error_message: error.message,
        last_error_action: error.action,
        last_error_at: now,
        consecutive_failures: failures,
        consent_state: consent,
        needs_reconsent: reconsent || health.needs_reconsent,
        reconsent_reason: reconsent ? error.code : health.reconsent_reason,
        blocked_until: pause === undefined ? "" : iso(pause.untilMs),
        blocked_fingerprint: pause?.scope === "credential" ? fingerprint : "",
      });
      if (pause !== undefined) {
        deps.logger.warn("token requests paused for this tenant", {
          code: error.code, paused_until: iso(pause.untilMs), failures,
        });
      }
    },
  };
}
