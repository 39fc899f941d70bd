// The AADSTS failures the stand-in can answer with, in one catalogue. Codes, `error` values and
// statuses follow reference-error-codes.md and the protocol pages (../shared/reference/
// microsoft-apis.md §4 "Error responses"); the texts paraphrase what the real service writes.

/** A token-endpoint failure, thrown by handlers and rendered once by `renderFailure`. */
export class AadstsFailure extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly code: number,
    readonly text: string,
    readonly extra: { suberror?: string; retryAfterSeconds?: number } = {},
  ) {
    super(`AADSTS${code}: ${text}`);
    this.name = "AadstsFailure";
  }
}

const fail = (status: number, error: string, code: number, text: string): AadstsFailure =>
  new AadstsFailure(status, error, code, text);

/** One factory per AADSTS code the stand-in raises on its own. */
export const aadsts = {
  tenantNotFound: (tenant: string, error = "invalid_request") =>
    fail(400, error, 90002, `Tenant '${tenant}' not found. Check to make sure you have the ` +
      "correct tenant ID and are signing into the correct cloud. Check with your subscription " +
      "administrator, this may happen if there are no active subscriptions for the tenant."),
  // Assumption: client credentials on `common`/`organizations`/`consumers` are refused outright
  // (the docs require a tenant id or domain; the real service sometimes guesses a tenant).
  noTenantInformation: () =>
    fail(400, "invalid_request", 50059, "No tenant-identifying information found in either " +
      "the request or implied by any provided credentials."),
  postOnly: (method: string) =>
    fail(400, "invalid_request", 900561, "The endpoint only accepts POST, OPTIONS requests. " +
      `Received a ${method} request.`),
  missingParameter: (name: string) =>
    fail(400, "invalid_request", 900144,
      `The request body must contain the following parameter: '${name}'.`),
  // Assumption: the real code for these malformed requests is not documented; 9002313 is the
  // generic "request is malformed" code.
  malformed: (reason: string) =>
    fail(400, "invalid_request", 9002313,
      `Invalid request. Request is malformed or invalid. ${reason}`),
  resourceParameter: () =>
    fail(400, "invalid_request", 901002, "The 'resource' request parameter is not supported."),
  unsupportedGrantType: (grantType: string) =>
    fail(400, "unsupported_grant_type", 70003,
      `The app requested an unsupported grant type '${grantType}'.`),
  appNotInTenant: (clientId: string, directory: string) =>
    fail(400, "unauthorized_client", 700016, `Application with identifier '${clientId}' was ` +
      `not found in the directory '${directory}'. This can happen if the application has not ` +
      "been installed by the administrator of the tenant or consented to by any user in the " +
      "tenant. You may have sent your authentication request to the wrong tenant."),
  noClientCredential: () =>
    fail(400, "invalid_client", 7000218, "The request body must contain the following " +
      "parameter: 'client_assertion' or 'client_secret'."),
  invalidSecret: (clientId: string) =>
    fail(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret " +
      "being sent in the request is the client secret value, not the client secret ID, for a " +
      `secret added to app '${clientId}'.`),
  expiredSecret: (clientId: string) =>
    fail(401, "invalid_client", 7000222, `The provided client secret keys for app '${clientId}' ` +
      "are expired. Visit the Azure portal to create new keys for your app: " +
      "https://aka.ms/NewClientSecret, or consider using certificate credentials for added " +
      "security: https://aka.ms/certCreds."),
  assertionKeyNotFound: () =>
    fail(401, "invalid_client", 700027, "Client assertion failed signature validation. " +
      "[Reason - The key was not found.]"),
  assertionKeyExpired: () =>
    fail(401, "invalid_client", 700027, "Client assertion failed signature validation. " +
      "[Reason - The key used is expired.]"),
  assertionSignature: () =>
    fail(401, "invalid_client", 700027, "Client assertion contains an invalid signature. " +
      "[Reason - The provided signature value did not match the expected signature value.]"),
  // Assumption: the real codes for a wrong `aud`/`iss`/`alg` in an assertion are not in the
  // reference; 700027 with a reason is the documented family for assertion refusals.
  assertionClaims: (reason: string) =>
    fail(401, "invalid_client", 700027, `Client assertion failed validation. [Reason - ${reason}]`),
  assertionTime: () =>
    fail(401, "invalid_client", 700024, "Client assertion is not within its valid time range."),
  // Assumption: 50027 (InvalidJwtToken) for an assertion that is not a JWT at all.
  assertionMalformed: () =>
    fail(400, "invalid_request", 50027, "JWT token is invalid or malformed."),
  crossOrigin: () =>
    fail(400, "invalid_request", 9002326, "Cross-origin token redemption is permitted only " +
      "for the 'Single-Page Application' client-type."),
  // Assumption: an unknown, foreign or mismatched code or refresh token is answered with the
  // generic invalid-grant code 70000.
  grantInvalid: (what: string) =>
    fail(400, "invalid_grant", 70000, `Provided grant is invalid or malformed. ${what}`),
  codeRedeemed: () =>
    fail(400, "invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please " +
      "retry with a new valid code or use an existing refresh token."),
  codeExpired: () =>
    fail(400, "invalid_grant", 70008, "The provided authorization code or refresh token has " +
      "expired due to inactivity. Send a new interactive authorization request for this user " +
      "and resource."),
  // Assumption: the code for a missing or wrong code_verifier, recalled from real answers.
  pkceMismatch: () =>
    fail(400, "invalid_grant", 501481, "The Code_Verifier does not match the code_challenge " +
      "supplied in the authorization request."),
  redirectMismatch: (clientId: string) =>
    fail(400, "invalid_request", 50011, "The redirect URI specified in the request does not " +
      `match the redirect URIs configured for the application '${clientId}'.`),
  refreshTokenMalformed: () =>
    fail(400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid."),
  refreshTokenInactive: (issued: string, inactiveDays: string) =>
    fail(400, "invalid_grant", 700082, "The refresh token has expired due to inactivity. The " +
      `token was issued on ${issued} and was inactive for ${inactiveDays}.`),
  // Assumption: a refresh token the tenant's policy invalidated after use answers 70008.
  refreshTokenUsed: (issued: string) =>
    fail(400, "invalid_grant", 70008, "The provided authorization code or refresh token has " +
      `expired due to inactivity. The token was issued on ${issued}.`),
  refreshTokenRevoked: () =>
    fail(400, "invalid_grant", 50173, "The provided grant has expired due to it being revoked, " +
      "a fresh auth token is needed. The user might have changed or reset their password."),
  signInFrequency: (issued: string, maxAge: string) =>
    fail(400, "invalid_grant", 70043, "The refresh token has expired or is invalid due to " +
      `sign-in frequency checks by conditional access. The token was issued on ${issued} and ` +
      `the maximum allowed lifetime for this request is ${maxAge}.`),
  consentMissing: (clientId: string, displayName: string) =>
    new AadstsFailure(400, "invalid_grant", 65001, "The user or administrator has not " +
      `consented to use the application with ID '${clientId}' named '${displayName}'. Send an ` +
      "interactive authorization request for this user and resource.",
    { suberror: "consent_required" }),
  // Assumption: the v1 endpoint answers a v2-style resource scope with 70011 (the real one is
  // believed to ignore it); stricter, so the product never mixes the two forms.
  v1ResourceScope: (scope: string) =>
    fail(400, "invalid_scope", 70011, `The provided value for the input parameter 'scope' is ` +
      `not valid. The v1 endpoint takes 'resource', not the scope ${scope}.`),
  // Assumption: a code issued by one endpoint version and redeemed at the other is refused.
  protocolMismatch: () =>
    fail(400, "invalid_grant", 70000, "Provided grant is invalid or malformed. The code was " +
      "issued for the other version of the token endpoint."),
  noDelegatedScopes: (resource: string) =>
    fail(400, "invalid_scope", 65001, `No delegated permission is granted on ${resource}.`),
  resourceNotFound: (resource: string, directory: string) =>
    fail(400, "invalid_resource", 500011, `The resource principal named ${resource} was not ` +
      `found in the tenant named ${directory}. This can happen if the application has not been ` +
      "installed by the administrator of the tenant or consented to by any user in the tenant. " +
      "You might have sent your authentication request to the wrong tenant."),
  scopeNotDefault: (scope: string) =>
    fail(400, "invalid_scope", 1002012, `The provided value for scope ${scope} is not valid. ` +
      "Client credential flows must have a scope value with /.default suffixed to the " +
      "resource identifier (application ID URI)."),
  invalidScope: (scope: string) =>
    fail(400, "invalid_scope", 70011, "The provided request must include a 'scope' input " +
      "parameter. The provided value for the input parameter 'scope' is not valid. " +
      `The scope ${scope} is not valid.`),
  severalResources: (scope: string) =>
    fail(400, "invalid_scope", 700022, "The provided value for the input parameter scope is " +
      `not valid because it contains more than one resource. Scope ${scope} is not valid.`),
} as const;

/** Texts for codes that only arrive through `injectError`, when the caller gives none. */
export const INJECTED_TEXTS: Readonly<Record<number, string>> = {
  90055: "There are too many incoming requests. Please try again later.",
  50196: "The server terminated an operation because it encountered a client request loop.",
  53003: "Access has been blocked by Conditional Access policies.",
  7000112: "Application is disabled.",
  50076: "Due to a configuration change made by your administrator, or because you moved to a " +
    "new location, you must use multi-factor authentication to access the resource.",
  50078: "Presented multi-factor authentication has expired due to policies configured by your " +
    "administrator, you must refresh your multi-factor authentication to access the resource.",
  50079: "Due to a configuration change made by your administrator, or because you moved to a " +
    "new location, you must enroll in multi-factor authentication to access the resource.",
  70043: "The refresh token has expired or is invalid due to sign-in frequency checks by " +
    "conditional access.",
  65001: "The user or administrator has not consented to use the application.",
  90094: "Admin consent is required for the permissions requested by this application.",
  70008: "The provided authorization code or refresh token has expired due to inactivity.",
  700082: "The refresh token has expired due to inactivity.",
  50173: "The provided grant has expired due to it being revoked, a fresh auth token is needed.",
  90038: "Tenant request is being redirected to the National Cloud.",
  700016: "Application was not found in the directory.",
  7000215: "Invalid client secret provided.",
  7000222: "The provided client secret keys are expired.",
  700027: "Client assertion failed signature validation.",
  650052: "The app is trying to access a service that your organization lacks a service " +
    "principal for.",
};

export interface FailureContext {
  now: number;
  origin: string;
  correlationId: string;
  traceId: string;
}

/** `2016-01-09 02:02:12Z`, the timestamp form of ESTS error bodies. */
export function estsTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")}Z`;
}

/** The JSON body and headers of an ESTS error response (microsoft-apis.md §4). */
export function renderFailure(
  failure: AadstsFailure,
  ctx: FailureContext,
): { status: number; headers: Record<string, string>; body: Record<string, unknown> } {
  const timestamp = estsTimestamp(ctx.now);
  const description = `AADSTS${failure.code}: ${failure.text}\r\nTrace ID: ${ctx.traceId}` +
    `\r\nCorrelation ID: ${ctx.correlationId}\r\nTimestamp: ${timestamp}`;
  const body: Record<string, unknown> = {
    error: failure.error,
    error_description: description,
    error_codes: [failure.code],
    timestamp,
    trace_id: ctx.traceId,
    correlation_id: ctx.correlationId,
    error_uri: `${ctx.origin}/error?code=${failure.code}`,
  };
  if (failure.extra.suberror !== undefined) body.suberror = failure.extra.suberror;

  const headers: Record<string, string> = {};
  if (failure.extra.retryAfterSeconds !== undefined) {
    headers["retry-after"] = String(failure.extra.retryAfterSeconds);
  }
  return { status: failure.status, headers, body };
}
