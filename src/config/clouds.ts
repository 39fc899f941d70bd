/** The clouds an input can collect from. `custom` takes explicit URLs (and is how tests point
 * the input at the stand-ins). */
export const CLOUDS = ["commercial", "gcc", "gcc_high", "dod", "custom"] as const;
export type Cloud = (typeof CLOUDS)[number];

export interface CloudEndpoints {
  /** Entra ID login host origin, e.g. https://login.microsoftonline.com */
  loginUrl: string;
  /** Defender for Endpoint API base (without /api). */
  mdeApiUrl: string;
  /** The resource whose `/.default` scope the MDE API token is requested for. */
  mdeResource: string;
}

// One table for every cloud, so login host, audience and API host never get mixed up
// (reference: microsoft-apis.md §2 "Hosts"; peer-failure-modes.md item 14). GCC signs in on the
// commercial login host but calls .us API hosts; GCC High and DoD use login.microsoftonline.us.
export const CLOUD_ENDPOINTS: Record<Exclude<Cloud, "custom">, CloudEndpoints> = {
  commercial: {
    loginUrl: "https://login.microsoftonline.com",
    mdeApiUrl: "https://api.securitycenter.microsoft.com",
    mdeResource: "https://api.securitycenter.microsoft.com",
  },
  gcc: {
    loginUrl: "https://login.microsoftonline.com",
    mdeApiUrl: "https://api-gcc.securitycenter.microsoft.us",
    mdeResource: "https://api-gcc.securitycenter.microsoft.us",
  },
  gcc_high: {
    loginUrl: "https://login.microsoftonline.us",
    mdeApiUrl: "https://api-gov.securitycenter.microsoft.us",
    mdeResource: "https://api-gov.securitycenter.microsoft.us",
  },
  dod: {
    loginUrl: "https://login.microsoftonline.us",
    mdeApiUrl: "https://api-gov.securitycenter.microsoft.us",
    mdeResource: "https://api-gov.securitycenter.microsoft.us",
  },
};

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

/** Joins a normalised base and an absolute API path such as `/api/alerts`. */
export function joinUrl(base: URL, path: string): URL {
  const prefix = base.pathname.replace(/\/+$/, "");
  return new URL(`${prefix}${path}`, base.origin);
}
