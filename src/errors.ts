/**
 * One error type for the whole add-on. Every failure carries a permanent `code` from the
 * catalogue below, a message that says what failed and for which tenant, the admin's next step,
 * and only details that are safe to log (never a secret, token or session key).
 */
export type Disposition = "retry" | "tenant" | "fatal";

interface CatalogueEntry {
  /** What to do about it, in the admin's words. */
  action: string;
  disposition: Disposition;
}

/** The catalogue of permanent error codes. Documented in docs/ERRORS.md; one test checks both. */
export const ERROR_CATALOGUE = {
  INPUT_DOCUMENT_INVALID: {
    action: "Check that splunkd started the input; this executable reads its configuration on stdin.",
    disposition: "fatal",
  },
  CONFIG_INVALID: {
    action: "Correct the named parameter of the input in Splunk Web or inputs.conf.",
    disposition: "fatal",
  },
  ACCOUNT_NOT_FOUND: {
    action: "Create the account on the setup page, or fix the input's account name.",
    disposition: "tenant",
  },
  SECRET_NOT_FOUND: {
    action: "Store the account's client secret again on the setup page.",
    disposition: "tenant",
  },
  SPLUNKD_UNREACHABLE: {
    action: "Check that splunkd is running and its management port answers.",
    disposition: "fatal",
  },
  SPLUNKD_AUTH_FAILED: {
    action: "The session key from splunkd was refused; restart the input (disable and enable it).",
    disposition: "fatal",
  },
  SPLUNKD_ERROR: {
    action: "Read splunkd's message in the error and splunkd.log.",
    disposition: "fatal",
  },
  KVSTORE_UNAVAILABLE: {
    action: "Check the KV store status (Settings > Server settings); the input retries next run.",
    disposition: "fatal",
  },
  CHECKPOINT_UNREADABLE: {
    action: "Inspect or reset this tenant's checkpoint; nothing was collected to avoid duplicates.",
    disposition: "tenant",
  },
  AUTH_INVALID_SECRET: {
    action: "The client secret is wrong; copy a current secret of the app registration into the account.",
    disposition: "tenant",
  },
  AUTH_SECRET_EXPIRED: {
    action: "The client secret has expired; create a new one in Entra ID and store it in the account.",
    disposition: "tenant",
  },
  AUTH_TENANT_NOT_FOUND: {
    action: "Check the tenant id and the cloud; the tenant does not exist in that cloud.",
    disposition: "tenant",
  },
  AUTH_APP_NOT_IN_TENANT: {
    action: "The customer has not consented to the app; have the customer's admin grant admin consent.",
    disposition: "tenant",
  },
  AUTH_INVALID_SCOPE: {
    action: "The API audience is not known in this tenant; check the cloud and API settings.",
    disposition: "tenant",
  },
  AUTH_THROTTLED: {
    action: "Entra ID is throttling token requests; the input retries later.",
    disposition: "retry",
  },
  AUTH_UNREACHABLE: {
    action: "Check the network path, proxy and DNS from this Splunk host to the login host.",
    disposition: "retry",
  },
  AUTH_FAILED: {
    action: "Read the Entra ID error code (AADSTS) in the message and fix the account or tenant.",
    disposition: "tenant",
  },
  API_UNREACHABLE: {
    action: "Check the network path, proxy and DNS from this Splunk host to the API.",
    disposition: "retry",
  },
  TLS_UNTRUSTED: {
    action: "The server's certificate was not trusted; check the CA bundle and any TLS-inspecting proxy.",
    disposition: "tenant",
  },
  API_UNAUTHORIZED: {
    action: "The API refused the token; check the app's permissions and the tenant's consent.",
    disposition: "tenant",
  },
  API_FORBIDDEN: {
    action: "Grant the app the Alert.Read.All application permission and re-consent, or fix the API audience.",
    disposition: "tenant",
  },
  API_THROTTLED: {
    action: "The API's rate limit was reached; the input continues on its next run.",
    disposition: "retry",
  },
  API_BAD_REQUEST: {
    action: "The API rejected the query; check the input's filters and page size.",
    disposition: "tenant",
  },
  API_SERVER_ERROR: {
    action: "The API failed; the input retries on its next run. Persistent failures go to Microsoft support.",
    disposition: "retry",
  },
  API_RETIRED: {
    action: "Microsoft retired this API; change the input's api to graph (Microsoft Graph security alerts_v2).",
    disposition: "tenant",
  },
  API_RESPONSE_INVALID: {
    action: "The API answered with something that is not an alert page; check proxies between Splunk and the API.",
    disposition: "retry",
  },
  INTERNAL: {
    action: "This is a bug in the add-on; report it with the lines of splunkd.log around it.",
    disposition: "fatal",
  },
  SETTINGS_INVALID: {
    action: "Correct the named setting in ta_defender_mssp_settings.conf ([proxy] or [tls]), or the named environment variable of splunkd.",
    disposition: "fatal",
  },
  PROXY_UNREACHABLE: {
    action: "Check proxy_url and proxy_port (or HTTPS_PROXY) and that the proxy is running and reachable from this Splunk host.",
    disposition: "retry",
  },
  PROXY_AUTH_REFUSED: {
    action: "Check proxy_username and store the proxy password again in storage/passwords (user settings/proxy/password), or fix the credentials in HTTPS_PROXY.",
    disposition: "fatal",
  },
  PROXY_DENIED: {
    action: "Ask the proxy's administrators to allow this Splunk host to reach the Microsoft login and API hosts (HTTPS).",
    disposition: "fatal",
  },
  PROXY_TLS_UNTRUSTED: {
    action: "Set [tls] ca_bundle_path to the CA certificate (PEM) of the TLS-inspecting or HTTPS proxy, and check that proxy_url is a name its certificate holds.",
    disposition: "fatal",
  },
  // Credentials, consent and delegated tokens (onboarding, issue #3).
  CERTIFICATE_NOT_FOUND: {
    action: "Store the account's certificate and private key again on the setup page.",
    disposition: "tenant",
  },
  CERTIFICATE_UNUSABLE: {
    action: "Store a currently valid PEM certificate and its matching, unencrypted RSA private key for the account on the setup page.",
    disposition: "tenant",
  },
  REFRESH_TOKEN_NOT_FOUND: {
    action: "Sign in for this tenant on the setup page (delegated mode), or paste a refresh token for the input.",
    disposition: "tenant",
  },
  SECRET_UNREADABLE: {
    action: "A stored credential is incomplete or damaged; store the account's credential or the input's refresh token again on the setup page.",
    disposition: "tenant",
  },
  AUTH_CERTIFICATE_REJECTED: {
    action: "Upload the account's certificate (thumbprint in the message) to the app registration in Entra ID, or store a current certificate in the account.",
    disposition: "tenant",
  },
  AUTH_CONSENT_REQUIRED: {
    action: "The customer's consent is missing or was withdrawn; have the customer's admin grant consent again from the setup page.",
    disposition: "tenant",
  },
  AUTH_REFRESH_TOKEN_EXPIRED: {
    action: "The delegated sign-in expired (unused for 90 days, or no longer valid); sign in again for this tenant on the setup page.",
    disposition: "tenant",
  },
  AUTH_REFRESH_TOKEN_REVOKED: {
    action: "The customer revoked the signed-in user's sessions or reset the password; sign in again for this tenant on the setup page.",
    disposition: "tenant",
  },
  AUTH_REFRESH_TOKEN_INVALID: {
    action: "The stored refresh token does not belong to this app and tenant; sign in again, or paste a refresh token issued to this app for this tenant.",
    disposition: "tenant",
  },
  AUTH_SIGN_IN_REQUIRED: {
    action: "A Conditional Access sign-in frequency or MFA policy requires a fresh sign-in; sign in again on the setup page, or ask the customer to exempt the MSSP app or use app-only consent.",
    disposition: "tenant",
  },
  AUTH_CONDITIONAL_ACCESS_BLOCKED: {
    action: "A Conditional Access policy of the customer blocks this sign-in; ask the customer's admin to allow the MSSP app from this Splunk server.",
    disposition: "tenant",
  },
  AUTH_TENANT_OTHER_CLOUD: {
    action: "The tenant belongs to another Microsoft cloud; set the input's cloud (gcc_high and dod sign in at login.microsoftonline.us).",
    disposition: "tenant",
  },
  AUTH_TENANT_MISMATCH: {
    action: "The sign-in or token belongs to another tenant than the input's; sign in with an account of the customer's tenant.",
    disposition: "tenant",
  },
  AUTH_LEASE_BUSY: {
    action: "Another run is renewing this input's token; the input continues on its next run.",
    disposition: "retry",
  },
  AUTH_CODE_REJECTED: {
    action: "The sign-in code was refused (already used, expired, or not from this sign-in); start the sign-in again on the setup page.",
    disposition: "tenant",
  },
  ONBOARDING_REQUEST_INVALID: {
    action: "Correct the named field of the setup page's request.",
    disposition: "tenant",
  },
  ONBOARDING_STATE_INVALID: {
    action: "Start the consent or sign-in again from the setup page; the link was already used, has expired, or belongs to another Splunk session.",
    disposition: "tenant",
  },
  ONBOARDING_DENIED: {
    action: "The customer's admin did not grant consent; ask them to approve the MSSP app and start again.",
    disposition: "tenant",
  },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Details safe to log and show: no secrets ever go here. */
export type SafeDetails = Record<string, string | number | boolean | undefined>;

export class AddonError extends Error {
  readonly code: ErrorCode;
  readonly details: SafeDetails;

  constructor(code: ErrorCode, message: string, details: SafeDetails = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "AddonError";
    this.code = code;
    this.details = details;
  }

  get action(): string {
    return ERROR_CATALOGUE[this.code].action;
  }

  get disposition(): Disposition {
    return ERROR_CATALOGUE[this.code].disposition;
  }
}

/** Wraps anything thrown into an AddonError without losing the original as `cause`. */
export function toAddonError(error: unknown): AddonError {
  if (error instanceof AddonError) return error;
  const text = error instanceof Error ? error.message : String(error);
  return new AddonError("INTERNAL", `Unexpected failure: ${text}`, {}, error);
}
