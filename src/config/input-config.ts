import { AddonError } from "../errors.ts";
import { type Instant, instantFromMs, parseInstant } from "../checkpoint/instant.ts";
import type { ParamValue } from "../protocol/input-definition.ts";
import {
  type Api,
  APIS,
  CLOUDS,
  type Cloud,
  endpointsFor,
  normaliseBaseUrl,
} from "./clouds.ts";


/** app_only: client credentials after admin consent; delegated: a customer refresh token. */
export const AUTH_MODES = ["app_only", "delegated"] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/** One `[defender_alerts://<name>]` stanza, checked and mapped from splunkd's wire names. */
export interface InputConfig {
  inputName: string;
  tenantId: string;
  account: string;
  cloud: Cloud;
  api: Api;
  authMode: AuthMode;
  loginUrl: URL;
  apiUrl: URL;
  /** The resource whose `/.default` scope the token is requested for. */
  apiResource: string;
  /** Where the first run starts; later runs start from the checkpoint. */
  startFrom: Instant;
  pageSize: number;
  /** `$expand=evidence` (MDE). */
  evidence: boolean;
  /** Graph: the Defender products whose alerts are collected (`serviceSource` values). */
  serviceSources: string[];
  /** Extra OData `$filter` clauses from the severity, status and filter parameters. */
  filters: string[];
  /** How far each run reaches back before the checkpoint, for alerts that appear late. */
  lagSeconds: number;
  /** splunkd's interval in seconds (300 when it is a cron schedule or absent). */
  intervalSeconds: number;
  index: string | undefined;
  sourcetype: string;
}

export const DEFAULT_PAGE_SIZE = 1000;
export const MAX_PAGE_SIZE = 10_000; // "Maximum page size is 10,000" (microsoft-apis.md §2)
export const DEFAULT_LOOKBACK_DAYS = 7;
export const DEFAULT_SOURCETYPE = "ms:defender:atp:alerts";
/** One sourcetype per API: MDE keeps the Splunk Add-on for Microsoft Security's. */
export const SOURCETYPES: Record<Api, string> = {
  mde: DEFAULT_SOURCETYPE,
  graph: "ms:defender:graph:alerts",
  siem: "ms:defender:siem:alerts",
};
// Graph serviceSource values of the Defender products (microsoft-apis.md §3).
const SERVICE_SOURCES = [
  "microsoftDefenderForEndpoint",
  "microsoftDefenderForIdentity",
  "microsoftDefenderForCloudApps",
  "microsoftDefenderForOffice365",
  "microsoft365Defender",
  "azureAdIdentityProtection",
  "microsoftAppGovernance",
  "dataLossPrevention",
  "microsoftDefenderForCloud",
];
export const DEFAULT_LAG_SECONDS = 300;

// Documented enum values of each alert resource (microsoft-apis.md §2 and §3).
const SEVERITIES: Record<Api, string[]> = {
  mde: ["UnSpecified", "Informational", "Low", "Medium", "High"],
  graph: ["unknown", "informational", "low", "medium", "high"],
  siem: [],
};
const STATUSES: Record<Api, string[]> = {
  mde: ["Unknown", "New", "InProgress", "Resolved"],
  graph: ["unknown", "new", "inProgress", "resolved"],
  siem: [],
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ACCOUNT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Checks a stanza's parameters and maps them to an InputConfig. Every problem is reported, each
 * naming the parameter, what was wrong and what to enter instead.
 *
 * @throws AddonError CONFIG_INVALID with all problems joined in its message.
 */
export function parseInputConfig(
  inputName: string,
  params: Record<string, ParamValue>,
  nowMs: number,
): InputConfig {
  const problems: string[] = [];
  const text = (name: string): string | undefined => {
    const value = params[name];
    const single = Array.isArray(value) ? value[0] : value;
    const trimmed = single?.trim();
    return trimmed === undefined || trimmed === "" ? undefined : trimmed;
  };

  const tenantId = text("tenant_id");
  if (tenantId === undefined) {
    problems.push("tenant_id is required: enter the customer's Directory (tenant) ID, a GUID");
  } else if (!GUID.test(tenantId)) {
    problems.push(
      `tenant_id '${tenantId}' is not a tenant ID: enter the customer's Directory (tenant) ID, ` +
        "a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47",
    );
  }

  const account = text("account");
  if (account === undefined) {
    problems.push("account is required: enter the name of the MSSP app registration account");
  } else if (!ACCOUNT_NAME.test(account)) {
    problems.push(
      `account '${account}' is not a valid account name: use letters, digits, '_', '.', '-'`,
    );
  }

  const cloudText = (text("cloud") ?? "commercial").toLowerCase();
  const cloud = CLOUDS.find((c) => c === cloudText);
  if (cloud === undefined) {
    problems.push(`cloud '${cloudText}' is unknown: use one of ${CLOUDS.join(", ")}`);
  }

  const apiText = (text("api") ?? "mde").toLowerCase();
  const api = APIS.find((a) => a === apiText);
  if (api === undefined) {
    problems.push(`api '${apiText}' is not supported: use mde, graph or siem`);
  }

  const modeText = (text("auth_mode") ?? "app_only").toLowerCase();
  const authMode = AUTH_MODES.find((m) => m === modeText);
  if (authMode === undefined) {
    problems.push(`auth_mode '${modeText}' is unknown: use app_only or delegated`);
  }

  const endpoints = resolveEndpoints(cloud ?? "commercial", api ?? "mde", text, problems);
  const serviceSources = parseServiceSources(text("service_sources"), problems);
  const startFrom = parseStartDate(text("start_date"), nowMs, problems);
  const pageSize = parsePageSize(text("page_size"), problems);
  const evidence = parseBoolean("evidence", text("evidence"), true, problems);
  const filters = parseFilters(api ?? "mde", text, problems);
  const lagSeconds = parseWholeNumber("lag_seconds", text("lag_seconds"), DEFAULT_LAG_SECONDS, 0, 3600, problems);
  const interval = text("interval");
  const intervalSeconds = interval !== undefined && /^\d+(\.\d+)?$/.test(interval) ? Math.max(1, Number(interval)) : 300;

  if (problems.length > 0 || tenantId === undefined || account === undefined) {
    throw new AddonError("CONFIG_INVALID", `Input '${inputName}': ${problems.join("; ")}`, {
      input: inputName,
    });
  }
  return {
    inputName,
    tenantId: tenantId.toLowerCase(),
    account,
    cloud: cloud ?? "commercial",
    api: api ?? "mde",
    authMode: authMode ?? "app_only",
    ...endpoints,
    startFrom,
    pageSize,
    evidence,
    serviceSources,
    filters,
    lagSeconds,
    intervalSeconds,
    index: text("index"),
    sourcetype: text("sourcetype") ?? SOURCETYPES[api ?? "mde"],
  };
}

function resolveEndpoints(
  cloud: Cloud,
  api: Api,
  text: (name: string) => string | undefined,
  problems: string[],
): Pick<InputConfig, "loginUrl" | "apiUrl" | "apiResource"> {
  const defaults = cloud === "custom" ? undefined : endpointsFor(cloud, api);
  const url = (name: string, fallback: string | undefined, suffixes: string[]): URL => {
    const raw = text(name) ?? fallback;
    if (raw === undefined) {
      problems.push(`${name} is required when cloud is custom: enter an https:// URL`);
      return new URL("https://invalid.invalid");
    }
    const parsed = normaliseBaseUrl(raw, suffixes);
    if (typeof parsed === "string") {
      problems.push(`${name}: ${parsed}`);
      return new URL("https://invalid.invalid");
    }
    return parsed;
  };

  const loginUrl = url("login_url", defaults?.loginUrl, ["/oauth2/v2.0/token"]);
  const suffixes = api === "graph"
    ? ["/v1.0/security/alerts_v2", "/v1.0/security", "/v1.0"]
    : ["/api/alerts", "/api/v1.0/alerts", "/api"];
  const apiUrl = url("api_url", defaults?.apiUrl, suffixes);
  const resource = text("api_resource") ?? defaults?.resource ?? endpointsFor("commercial", api).resource;
  const normalisedResource = normaliseBaseUrl(resource, ["/.default"]);
  if (typeof normalisedResource === "string") problems.push(`api_resource: ${normalisedResource}`);
  const apiResource =
    typeof normalisedResource === "string" ? resource : normalisedResource.href.replace(/\/$/, "");
  return { loginUrl, apiUrl, apiResource };
}

function parseStartDate(raw: string | undefined, nowMs: number, problems: string[]): Instant {
  const now = instantFromMs(nowMs);
  if (raw === undefined) return instantFromMs(nowMs - DEFAULT_LOOKBACK_DAYS * 86_400_000);
  const instant = parseInstant(DATE_ONLY.test(raw) ? `${raw}T00:00:00Z` : raw);
  if (instant === undefined) {
    problems.push(
      `start_date '${raw}' is not a date: use YYYY-MM-DD or an ISO 8601 time such as ` +
        "2024-01-31T00:00:00Z",
    );
    return now;
  }
  if (instant > now) {
    problems.push(`start_date '${raw}' is in the future: use today or an earlier date`);
  }
  return instant;
}

function parseServiceSources(raw: string | undefined, problems: string[]): string[] {
  if (raw === undefined) return ["microsoftDefenderForEndpoint"];
  if (raw.trim() === "*") return [];
  const values = raw.split(",").map((v) => v.trim()).filter((v) => v !== "");
  const canonical = values.map((v) => SERVICE_SOURCES.find((s) => s.toLowerCase() === v.toLowerCase()));
  if (values.length === 0 || canonical.some((v) => v === undefined)) {
    problems.push(
      `service_sources '${raw}' has unknown values: use * or one or more of ${SERVICE_SOURCES.join(", ")}`,
    );
    return ["microsoftDefenderForEndpoint"];
  }
  return canonical as string[];
}

function parseBoolean(name: string, raw: string | undefined, fallback: boolean, problems: string[]): boolean {
  if (raw === undefined) return fallback;
  const value = raw.toLowerCase();
  if (["1", "true", "yes", "on"].includes(value)) return true;
  if (["0", "false", "no", "off"].includes(value)) return false;
  problems.push(`${name} '${raw}' is not a boolean: use true or false`);
  return fallback;
}

function parseWholeNumber(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    problems.push(`${name} '${raw}' is out of range: use a whole number from ${min} to ${max}`);
    return fallback;
  }
  return value;
}

/** severity and status become `eq` clauses joined by `or`; filter is extra OData, kept as is. */
function parseFilters(
  api: Api,
  text: (name: string) => string | undefined,
  problems: string[],
): string[] {
  const filters: string[] = [];
  if (api === "siem") {
    for (const name of ["severity", "status", "filter"]) {
      if (text(name) !== undefined) problems.push(`${name} is not supported by the legacy SIEM API: remove it`);
    }
    return filters;
  }
  const enumFilter = (name: string, field: string, allowed: string[]): void => {
    const raw = text(name);
    if (raw === undefined) return;
    const values = raw.split(",").map((v) => v.trim()).filter((v) => v !== "");
    const canonical = values.map((v) => allowed.find((a) => a.toLowerCase() === v.toLowerCase()));
    const unknown = values.filter((_, i) => canonical[i] === undefined);
    if (unknown.length > 0 || values.length === 0) {
      problems.push(`${name} '${raw}' has unknown values: use one or more of ${allowed.join(", ")}, comma-separated`);
      return;
    }
    filters.push(canonical.map((v) => `${field} eq '${v}'`).join(" or "));
  };
  enumFilter("severity", "severity", SEVERITIES[api]);
  enumFilter("status", "status", STATUSES[api]);
  const extra = text("filter");
  if (extra !== undefined) {
    // eslint-disable-next-line no-control-regex -- control characters are what this refuses
    if (/[\u0000-\u001f]/.test(extra) || /\$\w+=/.test(extra) || /\blastUpdate(Date)?Time\b/i.test(extra)) {
      problems.push(
        "filter must be a plain OData $filter expression without query options or lastUpdateTime " +
          "(the input manages lastUpdateTime itself), e.g. category eq 'Malware'",
      );
    } else {
      filters.push(extra);
    }
  }
  return filters;
}

function parsePageSize(raw: string | undefined, problems: string[]): number {
  if (raw === undefined) return DEFAULT_PAGE_SIZE;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < 1 || value > MAX_PAGE_SIZE) {
    problems.push(`page_size '${raw}' is out of range: use a whole number from 1 to ${MAX_PAGE_SIZE}`);
    return DEFAULT_PAGE_SIZE;
  }
  return value;
}
