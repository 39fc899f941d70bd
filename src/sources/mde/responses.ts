import { AddonError, type ErrorCode } from "../../errors.ts";
import type { HttpResponse } from "../../http/index.ts";

const STATUS_CODES: Record<number, ErrorCode> = {
  400: "API_BAD_REQUEST",
  401: "API_UNAUTHORIZED",
  403: "API_FORBIDDEN",
  429: "API_THROTTLED",
};

/** An AddonError for a non-200 answer, keeping the service's own code, message and target. */
export function apiError(res: HttpResponse, tenantId: string, scope: string): AddonError {
  const envelope = readEnvelope(res.body);
  const code = STATUS_CODES[res.status] ?? (res.status >= 500 ? "API_SERVER_ERROR" : "API_BAD_REQUEST");
  const service = envelope === undefined ? describeBody(res) : `${envelope.code}: ${envelope.message}`;
  const hint =
    res.status === 403 || res.status === 401
      ? ` (token scope ${scope}; the API needs the Alert.Read.All application permission)`
      : "";
  return new AddonError(
    code,
    `The alerts API refused the request for tenant ${tenantId} with HTTP ${res.status}: ` +
      `${service}${hint}`,
    {
      tenant_id: tenantId,
      status: res.status,
      api_code: envelope?.code,
      target: envelope?.target,
      retry_after: res.headers["retry-after"],
    },
  );
}

/** Defender's error envelope `{"error":{"code","message","target"}}`. */
function readEnvelope(body: string): { code: string; message: string; target?: string } | undefined {
  try {
    const error = (JSON.parse(body) as { error?: Record<string, unknown> }).error;
    if (error === undefined || typeof error["code"] !== "string") return undefined;
    return {
      code: error["code"],
      message: typeof error["message"] === "string" ? error["message"] : "",
      ...(typeof error["target"] === "string" ? { target: error["target"] } : {}),
    };
  } catch {
    return undefined;
  }
}

function describeBody(res: HttpResponse): string {
  const type = res.headers["content-type"] ?? "no content type";
  return `${type}, ${Buffer.byteLength(res.body)} bytes`;
}
