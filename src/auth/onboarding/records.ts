import { createHealthStore, type ConsentRecord } from "../../health/index.ts";
import type { SplunkdClient } from "../../splunkd/index.ts";

/**
 * Records a tenant's verified consent (or delegated sign-in) and lifts what the failures
 * before it set on the tenant's inputs: the re-consent flag and the token-call pause.
 */
export async function recordConsent(
  splunkd: SplunkdClient,
  record: Omit<ConsentRecord, "kind" | "updated_at">,
  nowMs: number,
): Promise<void> {
  const health = createHealthStore(splunkd);
  const now = new Date(nowMs).toISOString();
  await health.putConsent({ ...record, kind: "consent", updated_at: now });
  for (const input of await health.inputsOf(record.account, record.tenant_id)) {
    if (record.auth_mode === "delegated" && input.input !== record.input) continue;
    await health.putInput({
      ...input, consent_state: "granted", needs_reconsent: false, reconsent_reason: "",
      blocked_until: "", blocked_fingerprint: "", consecutive_failures: 0, updated_at: now,
    });
  }
}
