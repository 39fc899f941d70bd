import { AddonError, type ErrorCode } from "../errors.ts";

/** What Entra ID said when it refused a request (its error body), without any secret. */
export interface EntraRefusal {
  status: number;
  error: string;
  /** The first of `error_codes`, as text. */
  aadsts: string | undefined;
  /** The first line of `error_description` (no trace or correlation lines). */
  description: string;
  correlationId?: string;
  traceId?: string;
  /** `Retry-After`, in seconds, when sent. */
  retryAfterSeconds?: number;
}

/** Which request was refused: some AADSTS numbers mean different things per grant. */
export type GrantKind = "client_credentials" | "authorization_code" | "refresh_token";

// AADSTS numbers from reference-error-codes (microsoft-apis.md §4; peer-failure-modes.md
// item 12), each with the permanent code an admin searches for.
const AADSTS_CODES: Record<string, ErrorCode> = {
  "7000215": "AUTH_INVALID_SECRET",
  "7000218": "AUTH_INVALID_SECRET",
  "7000222": "AUTH_SECRET_EXPIRED",
  "700027": "AUTH_CERTIFICATE_REJECTED",
  "700024": "AUTH_CERTIFICATE_REJECTED",
  "50027": "AUTH_CERTIFICATE_REJECTED",
  "90002": "AUTH_TENANT_NOT_FOUND",
  "90038": "AUTH_TENANT_OTHER_CLOUD",
  "700016": "AUTH_APP_NOT_IN_TENANT",
  "7000112": "AUTH_APP_NOT_IN_TENANT",
  "65001": "AUTH_CONSENT_REQUIRED",
  "65004": "AUTH_CONSENT_REQUIRED",
  "90094": "AUTH_CONSENT_REQUIRED",
  "500011": "AUTH_INVALID_SCOPE",
  "70011": "AUTH_INVALID_SCOPE",
  "700022": "AUTH_INVALID_SCOPE",
  "1002012": "AUTH_INVALID_SCOPE",
  "901002": "AUTH_INVALID_SCOPE",
  "90055": "AUTH_THROTTLED",
  "50196": "AUTH_THROTTLED",
  "70043": "AUTH_SIGN_IN_REQUIRED",
  "50076": "AUTH_SIGN_IN_REQUIRED",
  "50078": "AUTH_SIGN_IN_REQUIRED",
  "50079": "AUTH_SIGN_IN_REQUIRED",
  "53003": "AUTH_CONDITIONAL_ACCESS_BLOCKED",
  "50173": "AUTH_REFRESH_TOKEN_REVOKED",
  "700082": "AUTH_REFRESH_TOKEN_EXPIRED",
};

// Codes whose meaning depends on what was redeemed.
const BY_GRANT: Record<string, Partial<Record<GrantKind, ErrorCode>>> = {
  "70008": { refresh_token: "AUTH_REFRESH_TOKEN_EXPIRED", authorization_code: "AUTH_CODE_REJECTED" },
  "70000": { refresh_token: "AUTH_REFRESH_TOKEN_INVALID", authorization_code: "AUTH_CODE_REJECTED" },
  "9002313": { refresh_token: "AUTH_REFRESH_TOKEN_INVALID", authorization_code: "AUTH_CODE_REJECTED" },
  "54005": { authorization_code: "AUTH_CODE_REJECTED" },
  "501481": { authorization_code: "AUTH_CODE_REJECTED" },
  "50148": { authorization_code: "AUTH_CODE_REJECTED" },
  "50011": { authorization_code: "AUTH_CODE_REJECTED" },
};

/** The permanent code of an Entra refusal. */
export function codeForRefusal(
  aadsts: string | undefined,
  status: number | undefined,
  grant: GrantKind,
): ErrorCode {
  const known = aadsts === undefined ? undefined : (BY_GRANT[aadsts]?.[grant] ?? AADSTS_CODES[aadsts]);
  if (known !== undefined) return known;
  // 429 is throttling whatever the body says; a 5xx (temporarily_unavailable) is retried alike.
  if (status === 429 || (status !== undefined && status >= 500)) return "AUTH_THROTTLED";
  return "AUTH_FAILED";
}

/**
 * An Entra refusal as an AddonError naming the tenant and the audience asked for, with the
 * AADSTS number, OAuth error and correlation id as safe details.
 */
export function refusalError(
  refusal: EntraRefusal,
  ctx: { tenantId: string; audience: string; grant: GrantKind },
  cause?: unknown,
): AddonError {
  const code = codeForRefusal(refusal.aadsts, refusal.status, ctx.grant);
  const summary = refusal.description || `HTTP ${refusal.status} ${refusal.error}`;
  return new AddonError(
    code,
    `Entra ID refused a token for tenant ${ctx.tenantId} (${ctx.audience}): ${summary}`,
    {
      tenant_id: ctx.tenantId,
      aadsts: refusal.aadsts === undefined ? undefined : `AADSTS${refusal.aadsts}`,
      oauth_error: refusal.error,
      status: refusal.status,
      correlation_id: refusal.correlationId,
      trace_id: refusal.traceId,
      retry_after: refusal.retryAfterSeconds,
    },
    cause,
  );
}

/** Reads an ESTS error body (any shape) into a refusal. */
export function readRefusal(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): EntraRefusal {
  const fields = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const codes = fields["error_codes"];
  const first: unknown = Array.isArray(codes) ? (codes as unknown[])[0] : undefined;
  const description = typeof fields["error_description"] === "string" ? fields["error_description"] : "";
  const text = (name: string): string | undefined => {
    const value = fields[name];
    return typeof value === "string" && value !== "" ? value : undefined;
  };
  const retryAfter = Number(headers["retry-after"]);
  return {
    status,
    error: text("error") ?? `HTTP ${status}`,
    aadsts: typeof first === "number" || typeof first === "string"
      ? String(first)
      : /AADSTS(\d+)/.exec(description)?.[1],
    description: description.split(/\r?\n/)[0] ?? "",
    ...(text("correlation_id") !== undefined ? { correlationId: text("correlation_id") } : {}),
    ...(text("trace_id") !== undefined ? { traceId: text("trace_id") } : {}),
    ...(Number.isFinite(retryAfter) && retryAfter >= 0 ? { retryAfterSeconds: retryAfter } : {}),
  };
}

/** A transport failure on the way to the login host, as the token call's error. */
export function transportError(transport: AddonError, tenantId: string, cause?: unknown): AddonError {
  const code = transport.code === "TLS_UNTRUSTED" || transport.code.startsWith("PROXY_")
    ? transport.code
    : "AUTH_UNREACHABLE";
  return new AddonError(code, `Token request for tenant ${tenantId} failed: ${transport.message}`,
    { ...transport.details, tenant_id: tenantId }, cause ?? transport);
}
