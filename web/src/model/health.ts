// A tenant's health in the admin's words, from the KV store documents the input's runs and the
// onboarding actions write (src/health/health-store.ts): `input:<name>` and
// `consent:<account>:<tenant>`, plus the checkpoint of the input.
import type { CheckpointDoc, HealthDoc, Tenant } from "../rest/tenants.ts";

export interface TenantHealth {
  /** One short word for the table: ok, failing, paused, never run, needs consent. */
  summary: "ok" | "failing" | "paused" | "never run" | "needs consent" | "disabled";
  consent: string;
  rows: Array<[string, string]>;
}

const CONSENT_WORDS: Record<string, string> = {
  granted: "granted",
  missing: "missing",
  withdrawn: "withdrawn",
  denied: "declined",
  unknown: "not verified yet",
};

function when(iso: string | undefined, nowMs: number): string {
  if (!iso) return "never";
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  return `${new Date(at).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC")} (${ago(nowMs - at)})`;
}

export function ago(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 90) return `${seconds} s ago`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} days ago`;
}

function duration(seconds: number): string {
  if (seconds < 0) return "no checkpoint yet";
  return ago(seconds * 1000).replace(" ago", "");
}

export function health(tenant: Tenant, docs: HealthDoc[], checkpoint: CheckpointDoc | undefined, nowMs: number): TenantHealth {
  const input = docs.find((d) => d._key === `input:${tenant.name}`);
  const consentDoc = docs.find((d) => d._key === `consent:${tenant.account}:${tenant.tenantId.toLowerCase()}`);
  const delegatedRecord = tenant.authMode === "delegated" && consentDoc?.input !== tenant.name ? undefined : consentDoc;
  const consentState = input?.needs_reconsent ? (input.consent_state ?? "missing")
    : delegatedRecord?.consent_state ?? input?.consent_state ?? "unknown";
  const consentWord = CONSENT_WORDS[consentState] ?? consentState;
  const consent = tenant.authMode === "delegated"
    ? `sign-in ${consentWord}${delegatedRecord?.signed_in_as ? ` (${delegatedRecord.signed_in_as})` : ""}`
    : `consent ${consentWord}`;

  const rows: Array<[string, string]> = [
    [tenant.authMode === "delegated" ? "Sign-in" : "Consent", consent +
      (delegatedRecord?.verified_at ? `, verified ${when(delegatedRecord.verified_at, nowMs)}` : "")],
    ["Last run", input?.last_run_at ? `${when(input.last_run_at, nowMs)}: ${input.last_outcome ?? ""}` : "never"],
    ["Last success", when(input?.last_success_at, nowMs)],
    ["Alerts collected", input ? `${input.alerts_total ?? 0} in all, ${input.alerts_last_run ?? 0} in the last run`
      : checkpoint?.alerts_total !== undefined ? `${checkpoint.alerts_total} in all` : "none yet"],
  ];
  if (input?.last_error_code) {
    rows.push(["Last error", `${input.last_error_message ?? ""} (${input.last_error_code}, ${when(input.last_error_at, nowMs)}). ` +
      `What to do: ${input.last_error_action ?? ""}`]);
  }
  const age = input?.checkpoint_age_seconds !== undefined && input.checkpoint_age_seconds >= 0
    ? duration(input.checkpoint_age_seconds)
    : checkpoint?.watermark ? ago(nowMs - Date.parse(checkpoint.watermark)).replace(" ago", "") : "no checkpoint yet";
  rows.push(["Checkpoint age", checkpoint?.reset_requested ? "reset requested: the next run starts over" : age]);
  if (input?.blocked_until && Date.parse(input.blocked_until) > nowMs) {
    rows.push(["Token calls paused until", when(input.blocked_until, nowMs)]);
  }

  let summary: TenantHealth["summary"];
  if (tenant.disabled) summary = "disabled";
  else if (input?.needs_reconsent || ["missing", "withdrawn", "denied"].includes(consentState)) summary = "needs consent";
  else if (input?.blocked_until && Date.parse(input.blocked_until) > nowMs) summary = "paused";
  else if (!input?.last_run_at) summary = "never run";
  else summary = input.last_outcome === "success" ? "ok" : "failing";
  return { summary, consent, rows };
}
