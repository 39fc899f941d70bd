/** The clouds an input can collect from. `custom` takes explicit URLs (and is how tests point
 * the input at the stand-ins). */
export const CLOUDS = ["commercial", "gcc", "gcc_high", "dod", "custom"] as const;
export type Cloud = (typeof CLOUDS)[number];

/** The alert APIs an input can read. */
export const APIS = ["mde", "graph", "siem"] as const;
export type Api = (typeof APIS)[number];

/**
 * Which token endpoint a flow uses: v2 (`/oauth2/v2.0/token`, `scope=<resource>/.default`) or
 * v1 (`/oauth2/token`, `resource=<resource>`). Each gets only the parameters it accepts: v2
 * refuses `resource` with AADSTS901002 (microsoft-apis.md §5 "resource (v1) vs scopes").
 */
export type TokenProtocol = "v1" | "v2";

export interface ApiEndpoints {
  /** Entra ID login host origin, e.g. https://login.microsoftonline.com */
  loginUrl: string;
  /** API base URL, without the API's own path. */
  apiUrl: string;
  /** The token audience: scope `<resource>/.default` (v2) or `resource=` (v1). */
  resource: string;
  /** `<resource>/.default`, the v2 scope of app-only and delegated requests. */
  scope: string;
  /** The token endpoint version the add-on's own delegated requests use for this API. */
  protocol: TokenProtocol;
}

type Known = Exclude<Cloud, "custom">;

interface CloudRow {
  loginUrl: string;
  /** Per API: the base URL and the token audience. */
  apis: Record<Api, { apiUrl: string; resource: string }>;
}

// One table for every cloud and API, so login host, audience and API host never get mixed up
// (microsoft-apis.md §1 "Hosts", §2 "Hosts", §3 "National clouds"; peer-failure-modes.md item
// 14). GCC signs in on the commercial login host but calls .us API hosts; GCC High and DoD use
// login.microsoftonline.us. Graph: graph.microsoft.com for global and GCC, graph.microsoft.us
// for GCC High, dod-graph.microsoft.us for DoD. The legacy SIEM API's audience is Azure AD Graph.
// Assumption: the sovereign clouds use the same Azure AD Graph resource id; the reference
// documents only the commercial one (api_resource overrides it).
const SIEM_RESOURCE = "https://graph.windows.net";
const TABLE: Record<Known, CloudRow> = {
  commercial: {
    loginUrl: "https://login.microsoftonline.com",
    apis: {
      mde: {
        apiUrl: "https://api.securitycenter.microsoft.com",
        resource: "https://api.securitycenter.microsoft.com",
      },
      graph: { apiUrl: "https://graph.microsoft.com", resource: "https://graph.microsoft.com" },
      siem: { apiUrl: "https://wdatp-alertexporter-us.windows.com", resource: SIEM_RESOURCE },
    },
  },
  gcc: {
    loginUrl: "https://login.microsoftonline.com",
    apis: {
      mde: {
        apiUrl: "https://api-gcc.securitycenter.microsoft.us",
        resource: "https://api-gcc.securitycenter.microsoft.us",
      },
      graph: { apiUrl: "https://graph.microsoft.com", resource: "https://graph.microsoft.com" },
      siem: {
        apiUrl: "https://wdatp-alertexporter-us.gcc.securitycenter.windows.us",
        resource: SIEM_RESOURCE,
      },
    },
  },
  gcc_high: {
    loginUrl: "https://login.microsoftonline.us",
    apis: {
      mde: {
        apiUrl: "https://api-gov.securitycenter.microsoft.us",
        resource: "https://api-gov.securitycenter.microsoft.us",
      },
      graph: { apiUrl: "https://graph.microsoft.us", resource: "https://graph.microsoft.us" },
      siem: {
        apiUrl: "https://wdatp-alertexporter-us.securitycenter.windows.us",
        resource: SIEM_RESOURCE,
      },
    },
  },
  dod: {
    loginUrl: "https://login.microsoftonline.us",
    apis: {
      mde: {
        apiUrl: "https://api-gov.securitycenter.microsoft.us",
        resource: "https://api-gov.securitycenter.microsoft.us",
      },
      graph: {
        apiUrl: "https://dod-graph.microsoft.us", resource: "https://dod-graph.microsoft.us",
      },
      siem: {
        apiUrl: "https://wdatp-alertexporter-us.securitycenter.windows.us",
        resource: SIEM_RESOURCE,
      },
    },
  },
};

/** The legacy SIEM exporter's regional hosts in the commercial cloud (microsoft-apis.md §1). */
export const SIEM_REGIONAL_HOSTS = {
  eu: "https://wdatp-alertexporter-eu.windows.com",
  us: "https://wdatp-alertexporter-us.windows.com",
  uk: "https://wdatp-alertexporter-uk.windows.com",
} as const;

/**
 * The token endpoint version of an API's delegated flow. The legacy SIEM API follows
 * Microsoft's MSSP guide, which uses the v1 `resource=https://graph.windows.net` form; MDE and
 * Graph use v2 scopes.
 */
export function tokenProtocolFor(api: Api): TokenProtocol {
  return api === "siem" ? "v1" : "v2";
}

/** `<resource>/.default`, never with a doubled slash. */
export function defaultScope(resource: string): string {
  return `${resource.replace(/\/+$/, "")}/.default`;
}

/** Login host, API base, token audience and token protocol of one API in one cloud. */
export function endpointsFor(cloud: Known, api: Api): ApiEndpoints {
  const row = TABLE[cloud];
  const { apiUrl, resource } = row.apis[api];
  return {
    loginUrl: row.loginUrl, apiUrl, resource, scope: defaultScope(resource),
    protocol: tokenProtocolFor(api),
  };
}

export interface CloudEndpoints {
  /** Entra ID login host origin, e.g. https://login.microsoftonline.com */
  loginUrl: string;
  /** Defender for Endpoint API base (without /api). */
  mdeApiUrl: string;
  /** The resource whose `/.default` scope the MDE API token is requested for. */
  mdeResource: string;
}

/** The MDE columns of the table, in the shape the first release used. */
export const CLOUD_ENDPOINTS: Record<Known, CloudEndpoints> = Object.fromEntries(
  (Object.keys(TABLE) as Known[]).map((cloud) => [cloud, {
    loginUrl: TABLE[cloud].loginUrl,
    mdeApiUrl: TABLE[cloud].apis.mde.apiUrl,
    mdeResource: TABLE[cloud].apis.mde.resource,
  }]),
) as Record<Known, CloudEndpoints>;

/**
 * Normalises a user-entered base URL: https only, no query or fragment, no trailing slashes,
 * and without a trailing API path the user may have pasted (`/api`, `/api/alerts`), so joining
 * never yields `//` or `/api/alerts/api/alerts`. Returns an error text instead of throwing.
 */
export function normaliseBaseUrl(raw: string, apiSuffixes: string[] = []): URL | string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return `'${raw}' is not a URL`;
  }
  if (url.protocol !== "https:") return `'${raw}' must start with https://`;
  if (url.username !== "" || url.password !== "") return "the URL must not contain credentials";
  url.search = "";
  url.hash = "";
  let path = url.pathname.replace(/\/+$/, "");
  for (const suffix of apiSuffixes) {
    if (path.toLowerCase().endsWith(suffix)) path = path.slice(0, -suffix.length);
  }
  url.pathname = path === "" ? "/" : path;
  return url;
}

// Everything an admin may paste after the login host: a tenant segment and an endpoint path.
const LOGIN_PATH_TAIL =
  /\/(?:[^/]+\/)?(?:oauth2\/(?:v2\.0\/)?(?:token|authorize)|v2\.0\/adminconsent|adminconsent|v2\.0\/\.well-known\/openid-configuration|\.well-known\/openid-configuration)$/i;

// A tenant left at the end: a GUID, an alias, or a domain name.
const TENANT_SEGMENT =
  /\/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|common|organizations|consumers|[^/]+\.[^/]+)$/i;

/**
 * Normalises a login URL to the base an authority is built on (`<base>/<tenant>`): a pasted
 * token, authorize, admin consent or metadata URL, with or without its tenant segment, is cut
 * back to the host (`https://login.microsoftonline.com/contoso.com/oauth2/v2.0/token` →
 * `https://login.microsoftonline.com`). Returns an error text instead of throwing.
 */
export function normaliseLoginUrl(raw: string): URL | string {
  const url = normaliseBaseUrl(raw);
  if (typeof url === "string") return url;
  const path = url.pathname.replace(LOGIN_PATH_TAIL, "").replace(TENANT_SEGMENT, "");
  url.pathname = path === "" ? "/" : path;
  return url;
}

/** Joins a normalised base and an absolute API path such as `/api/alerts`. */
export function joinUrl(base: URL, path: string): URL {
  const prefix = base.pathname.replace(/\/+$/, "");
  return new URL(`${prefix}${path}`, base.origin);
}
