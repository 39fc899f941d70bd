// Links the page shows for a customer's admin: the plain admin consent link (to send by mail),
// and the Defender portal page where the customer allows the MSSP app for the SIEM API.

export const CLOUDS = ["commercial", "gcc", "gcc_high", "dod", "custom"] as const;

export const CLOUD_LABELS: Record<string, string> = {
  commercial: "Commercial",
  gcc: "GCC",
  gcc_high: "GCC High",
  dod: "DoD",
  custom: "Custom (explicit URLs)",
};

/** The Entra login host of a cloud (src/config/clouds.ts), or the custom login URL. */
export function loginHost(cloud: string, loginUrl: string): string {
  if (cloud === "custom") return loginUrl.replace(/\/+$/, "");
  return cloud === "gcc_high" || cloud === "dod" ? "https://login.microsoftonline.us" : "https://login.microsoftonline.com";
}

/**
 * The v1 admin consent link for a tenant: the customer's admin opens it and consents to the
 * app's registered permissions. Without a redirect URI Entra shows its own completion page;
 * the MSSP then checks the consent with "Verify consent".
 */
export function plainConsentLink(cloud: string, loginUrl: string, tenantId: string, clientId: string): string {
  return `${loginHost(cloud, loginUrl)}/${encodeURIComponent(tenantId)}/adminconsent?client_id=${encodeURIComponent(clientId)}`;
}

/**
 * The Defender portal's SIEM settings of a tenant (Settings > Endpoints > APIs > SIEM, MSSP
 * tab), opened in that tenant with `tid`. Government clouds have their own portal host.
 * Assumption: the page path `preferences2/siem` of the Defender portal; the tab itself is
 * chosen by the customer.
 */
export function defenderSiemSettingsLink(cloud: string, tenantId: string): string {
  const host = cloud === "gcc_high" || cloud === "dod" ? "https://security.microsoft.us" : "https://security.microsoft.com";
  return `${host}/preferences2/siem?tid=${encodeURIComponent(tenantId)}`;
}

/** The page's own URL without query: the redirect URI of consent and sign-in. */
export function redirectUri(): string {
  return `${window.location.origin}${window.location.pathname}`;
}
