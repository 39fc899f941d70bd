import type { Scheme } from "../protocol/index.ts";

/** The `defender_alerts` scheme; the parameters match README/inputs.conf.spec. */
export const DEFENDER_ALERTS_SCHEME: Scheme = {
  title: "Microsoft Defender for Endpoint alerts (MSSP)",
  description:
    "Collects the Defender for Endpoint alerts of one customer tenant, incrementally, " +
    "one event per alert version.",
  args: [
    {
      name: "tenant_id",
      title: "Customer tenant ID",
      description: "The customer's Directory (tenant) ID, a GUID.",
      requiredOnCreate: true,
    },
    {
      name: "account",
      title: "Account",
      description:
        "The MSSP app registration whose client ID and credential (secret or certificate) are used.",
      requiredOnCreate: true,
    },
    {
      name: "cloud",
      title: "Cloud",
      description: "commercial, gcc, gcc_high, dod or custom. Default: commercial.",
    },
    {
      name: "api",
      title: "API",
      description:
        "mde (Defender for Endpoint alerts API), graph (Microsoft Graph security alerts_v2) or " +
        "siem (legacy SIEM API, deprecated). Default: mde.",
    },
    {
      name: "auth_mode",
      title: "Authentication mode",
      description:
        "app_only (admin consent, client credentials) or delegated (a customer sign-in on the " +
        "setup page; its refresh token is rotated on every run). Default: app_only.",
    },
    {
      name: "login_url",
      title: "Login URL",
      description: "Entra ID login host; required for the custom cloud, optional otherwise.",
    },
    {
      name: "api_url",
      title: "API URL",
      description: "Defender API base URL; required for the custom cloud, optional otherwise.",
    },
    {
      name: "api_resource",
      title: "API resource",
      description: "The resource the token is requested for; defaults to the cloud's MDE resource.",
    },
    {
      name: "start_date",
      title: "Start date",
      description: "Where the first run starts (YYYY-MM-DD or ISO 8601). Default: 7 days ago.",
    },
    {
      name: "page_size",
      title: "Page size",
      description: "Alerts per API call, 1 to 10000 (Graph reads at most 1000). Default: 1000.",
      dataType: "number",
    },
    {
      name: "evidence",
      title: "Evidence",
      description: "Include each alert's evidence (MDE $expand=evidence). Default: true.",
    },
    {
      name: "severity",
      title: "Severities",
      description: "Only these severities, comma-separated (e.g. High,Medium). Default: all.",
    },
    {
      name: "status",
      title: "Statuses",
      description: "Only these statuses, comma-separated (e.g. New,InProgress). Default: all.",
    },
    {
      name: "filter",
      title: "Extra OData filter",
      description: "An extra OData $filter expression, e.g. category eq 'Malware'.",
    },
    {
      name: "service_sources",
      title: "Graph service sources",
      description: "Graph only: Defender products to collect, comma-separated, or *. " +
        "Default: microsoftDefenderForEndpoint.",
    },
    {
      name: "lag_seconds",
      title: "Late-arrival window",
      description: "Seconds each run reaches back for alerts that appear late, 0 to 3600. Default: 300.",
      dataType: "number",
    },
  ],
};
