import { AddonError, type ErrorCode } from "../../errors.ts";
import type { HttpResponse } from "../../http/index.ts";

const STATUS_CODES: Record<number, ErrorCode> = {
  400: "API_BAD_REQUEST",
  401: "API_UNAUTHORIZED",
  403: "API_FORBIDDEN",
  429: "API_THROTTLED",
};

/**
 * An AddonError for a non-200 Graph answer, keeping Graph's own code, message and request id
 * (`{"error":{"code","message","innerError":{"request-id","date"}}}`).
 */
export function graphError(res: HttpResponse, tenantId: string, scope: string): AddonError {
  let code: string | undefined;
  let message = "";
  let requestId: string | undefined;
  try {
    const error = (JSON.parse(res.body) as { error?: Record<string, unknown> }).error ?? {};
    code = typeof error["code"] === "string" ? error["code"] : undefined;
    message = typeof error["message"] === "string" ? error["message"] : "";
    const inner = error["innerError"] as Record<string, unknown> | undefined;
    requestId = typeof inner?.["request-id"] === "string" ? inner["request-id"] : undefined;
  } catch {
    // Not Graph's envelope (a proxy's page): the status and type say enough.
  }
  const service = code === undefined ? `${res.headers["content-type"] ?? "no content type"}` : `${code}: ${message}`;
  const hint =
    res.status === 401 || res.status === 403
      ? ` (token scope ${scope}; Graph needs the SecurityAlert.Read.All application permission)`
      : "";
  return new AddonError(
    STATUS_CODES[res.status] ?? (res.status >= 500 ? "API_SERVER_ERROR" : "API_BAD_REQUEST"),
    `Microsoft Graph refused the request for tenant ${tenantId} with HTTP ${res.status}: ${service}${hint}`,
    { tenant_id: tenantId, status: res.status, api_code: code, request_id: requestId, retry_after: res.headers["retry-after"] },
  );
}
