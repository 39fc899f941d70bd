// The resource applications (APIs) a token can be asked for. Identifier URIs come from
// ../shared/reference/microsoft-apis.md §2 "Hosts" / "Token" (MDE, incl. US Gov) and §3 (Graph).

/** A first-party API: its app id and the identifier URIs that name it in a scope. */
export interface ResourceApp {
  appId: string;
  displayName: string;
  /** Canonical spellings; the first is the one the docs use. */
  identifierUris: readonly string[];
}

// Assumption: every MDE host below names one resource app (WindowsDefenderATP), so a grant
// recorded under any of them yields its roles in a token for any other.
export const MDE: ResourceApp = {
  appId: "fc780465-2017-40d4-a0c5-307022471b92",
  displayName: "WindowsDefenderATP",
  identifierUris: [
    "https://api.securitycenter.microsoft.com",
    "https://securitycenter.onmicrosoft.com/windowsatpservice",
    "https://api.security.microsoft.com",
    "https://api-gcc.securitycenter.microsoft.us",
    "https://api-gov.securitycenter.microsoft.us",
  ],
};

export const MICROSOFT_GRAPH: ResourceApp = {
  appId: "00000003-0000-0000-c000-000000000000",
  displayName: "Microsoft Graph",
  identifierUris: [
    "https://graph.microsoft.com",
    "https://graph.microsoft.us",
    "https://dod-graph.microsoft.us",
  ],
};

/** Azure AD Graph: the legacy SIEM API's audience, retired in 2025 (microsoft-apis.md §0). */
export const AZURE_AD_GRAPH: ResourceApp = {
  appId: "00000002-0000-0000-c000-000000000000",
  displayName: "Windows Azure Active Directory",
  identifierUris: ["https://graph.windows.net"],
};

export const RESOURCE_APPS: readonly ResourceApp[] = [MDE, MICROSOFT_GRAPH, AZURE_AD_GRAPH];

/** A resource as one identifier named it: the app, and the canonical spelling used. */
export interface NamedResource {
  app: ResourceApp;
  identifier: string;
}

/**
 * Finds the resource an identifier URI names. Host and path compare case-insensitively and one
 * trailing slash is ignored, as Entra does for `https://graph.microsoft.com//.default`.
 * Assumption: a resource named by app id (`<appId>/.default`) is not found (AADSTS500011),
 * although the real service accepts it; the product must use the documented URIs.
 */
export function findResource(identifier: string): NamedResource | undefined {
  const wanted = identifier.replace(/\/$/, "").toLowerCase();
  for (const app of RESOURCE_APPS) {
    const match = app.identifierUris.find((uri) => uri.toLowerCase() === wanted);
    if (match !== undefined) return { app, identifier: match };
  }
  return undefined;
}

const DEFAULT_SUFFIX = "/.default";

/** The OIDC scopes Entra adds to user flows; never a resource of their own. */
export const OIDC_SCOPES: ReadonlySet<string> = new Set([
  "openid", "profile", "email", "offline_access",
]);

/** Splits a `scope` parameter the way OAuth does: on spaces, empty items dropped. */
export function splitScope(scope: string): string[] {
  return scope.split(" ").filter((item) => item.length > 0);
}

/**
 * The resource part of `<resource>/.default`, or `undefined` when the item is not a `.default`
 * scope (or has no resource before the suffix).
 */
export function defaultScopeResource(item: string): string | undefined {
  if (!item.toLowerCase().endsWith(DEFAULT_SUFFIX)) return undefined;
  const resource = item.slice(0, -DEFAULT_SUFFIX.length);
  return resource.length > 0 ? resource : undefined;
}

/**
 * The resource part of any scope item (`https://graph.microsoft.com/User.Read` →
 * `https://graph.microsoft.com`), used to tell one resource from several.
 */
export function scopeResource(item: string): string {
  const resource = defaultScopeResource(item);
  if (resource !== undefined) return resource.replace(/\/$/, "").toLowerCase();

  const cut = item.lastIndexOf("/");
  return (cut > "https://".length ? item.slice(0, cut) : item).toLowerCase();
}
