// Customer tenants are `defender_alerts://<name>` inputs, managed through splunkd's
// `data/inputs/defender_alerts` (creating or editing one runs the add-on's own validation, whose
// refusal splunkd answers with 400 and its message). Their health and checkpoints are KV store
// documents written by the input's runs (src/health/, src/checkpoint/).
import { confText, entriesOf, type Splunkd } from "./splunkd.ts";

export const SCHEME = "defender_alerts";
export const HEALTH_COLLECTION = "ta_defender_mssp_health";
export const CHECKPOINT_COLLECTION = "ta_defender_mssp_checkpoints";

export type AuthMode = "app_only" | "delegated";
export type Api = "mde" | "graph" | "siem";

/** One customer tenant: the parameters of its input, in the page's words. */
export interface Tenant {
  name: string;
  tenantId: string;
  account: string;
  authMode: AuthMode;
  api: Api;
  cloud: string;
  loginUrl: string;
  apiUrl: string;
  apiResource: string;
  index: string;
  interval: string;
  startDate: string;
  severity: string;
  status: string;
  filter: string;
  serviceSources: string;
  disabled: boolean;
}

// Page field → the input's parameter (wire name), for the parameters the page edits.
const PARAMS: ReadonlyArray<[Exclude<keyof Tenant, "name" | "disabled">, string]> = [
  ["tenantId", "tenant_id"], ["account", "account"], ["authMode", "auth_mode"], ["api", "api"],
  ["cloud", "cloud"], ["loginUrl", "login_url"], ["apiUrl", "api_url"], ["apiResource", "api_resource"],
  ["index", "index"], ["interval", "interval"], ["startDate", "start_date"], ["severity", "severity"],
  ["status", "status"], ["filter", "filter"], ["serviceSources", "service_sources"],
];

export function emptyTenant(account: string, cloud: string, loginUrl: string): Tenant {
  return {
    name: "", tenantId: "", account, authMode: "app_only", api: "mde", cloud, loginUrl, apiUrl: "",
    apiResource: "", index: "", interval: "300", startDate: "", severity: "", status: "", filter: "",
    serviceSources: "", disabled: false,
  };
}

function fromContent(name: string, content: Record<string, unknown>): Tenant {
  const text = (key: string) => confText(content[key]);
  const tenant = emptyTenant(text("account"), text("cloud") || "commercial", "");
  for (const [field, param] of PARAMS) (tenant as unknown as Record<string, string>)[field] = text(param);
  tenant.name = name;
  tenant.authMode = tenant.authMode === "delegated" ? "delegated" : "app_only";
  tenant.api = (["graph", "siem"].includes(tenant.api) ? tenant.api : "mde");
  tenant.cloud = tenant.cloud || "commercial";
  tenant.disabled = content["disabled"] === true || ["1", "true"].includes(text("disabled"));
  return tenant;
}

export async function readTenants(splunkd: Splunkd): Promise<Tenant[]> {
  const envelope = await splunkd.get(`data/inputs/${SCHEME}`);
  return entriesOf<Record<string, unknown>>(envelope)
    .map((entry) => fromContent(entry.name, entry.content))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The input's parameters as the onboarding actions take them (`input` plus the stanza's). */
export function inputParams(tenant: Tenant): Record<string, string> {
  const params: Record<string, string> = { input: tenant.name };
  for (const [field, param] of PARAMS) {
    const value = String(tenant[field]).trim();
    if (value !== "" && !["index", "interval"].includes(param)) params[param] = value;
  }
  return params;
}

/**
 * Creates the tenant's input, or updates it. On update every parameter is sent, an empty one
 * clearing the value; on create only those that are set.
 */
export async function saveTenant(splunkd: Splunkd, tenant: Tenant, isNew: boolean): Promise<void> {
  const form: Record<string, string> = {};
  for (const [field, param] of PARAMS) {
    const value = String(tenant[field]).trim();
    if (!isNew || value !== "") form[param] = value;
  }
  if (isNew) {
    await splunkd.postForm(`data/inputs/${SCHEME}`, { name: tenant.name, ...form });
  } else {
    await splunkd.postForm(`data/inputs/${SCHEME}/${encodeURIComponent(tenant.name)}`, form);
  }
}

export async function setTenantEnabled(splunkd: Splunkd, name: string, enabled: boolean): Promise<void> {
  await splunkd.postForm(`data/inputs/${SCHEME}/${encodeURIComponent(name)}/${enabled ? "enable" : "disable"}`, {});
}

export async function removeTenant(splunkd: Splunkd, name: string): Promise<void> {
  await splunkd.delete(`data/inputs/${SCHEME}/${encodeURIComponent(name)}`);
}

/**
 * Asks the next run of an input of this name to start over from its start date: the reset
 * request the README documents. Deleting the KV document alone would not do, because the run
 * would then resume from the copy in splunkd's checkpoint folder.
 */
export async function resetCheckpoint(splunkd: Splunkd, name: string): Promise<void> {
  await splunkd.postJson(`storage/collections/data/${CHECKPOINT_COLLECTION}/batch_save`, [{ _key: name, reset_requested: true }]);
}

export async function deleteHealth(splunkd: Splunkd, name: string): Promise<void> {
  await splunkd.delete(`storage/collections/data/${HEALTH_COLLECTION}/${encodeURIComponent(`input:${name}`)}`, [404]);
}

/** An input's health record (src/health/health-store.ts), or a tenant's consent record. */
export interface HealthDoc {
  _key: string;
  kind: "input" | "consent";
  input?: string;
  tenant_id?: string;
  account?: string;
  auth_mode?: string;
  consent_state?: string;
  needs_reconsent?: boolean;
  reconsent_reason?: string;
  last_run_at?: string;
  last_outcome?: string;
  last_success_at?: string;
  alerts_last_run?: number;
  alerts_total?: number;
  last_error_code?: string;
  last_error_message?: string;
  last_error_action?: string;
  last_error_at?: string;
  checkpoint_watermark?: string;
  checkpoint_age_seconds?: number;
  blocked_until?: string;
  verified_at?: string;
  recorded_by?: string;
  signed_in_as?: string;
}

export async function readHealth(splunkd: Splunkd): Promise<HealthDoc[]> {
  const docs = await splunkd.get<unknown>(`storage/collections/data/${HEALTH_COLLECTION}`);
  return Array.isArray(docs) ? (docs as HealthDoc[]) : [];
}

export interface CheckpointDoc {
  _key: string;
  watermark?: string;
  alerts_total?: number;
  updated_at?: string;
  reset_requested?: boolean | string;
}

export async function readCheckpoints(splunkd: Splunkd): Promise<CheckpointDoc[]> {
  const docs = await splunkd.get<unknown>(`storage/collections/data/${CHECKPOINT_COLLECTION}`, { fields: "_key,watermark,alerts_total,updated_at,reset_requested" });
  return Array.isArray(docs) ? (docs as CheckpointDoc[]) : [];
}
