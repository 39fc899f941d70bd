// Responses the peer sends: the MDE error envelope and JSON bodies.

import { randomUUID } from "node:crypto";
import type { PeerResponse } from "../shared/peer-server.ts";

export { ODataQueryError } from "../shared/odata-filter.ts";
export type { PeerResponse };

// Assumption: the alerts API answers with the OData JSON media type and these parameters.
export const ODATA_JSON =
  "application/json; odata.metadata=minimal; odata.streaming=true; " +
  "IEEE754Compatible=false; charset=utf-8";

const DEFAULT_CODES: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  429: "TooManyRequests",
  500: "InternalServerError",
  502: "BadGateway",
  503: "ServiceUnavailable",
  504: "GatewayTimeout",
};

export function jsonResponse(
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): PeerResponse {
  return { status, headers: { "content-type": ODATA_JSON, ...headers },
    body: JSON.stringify(value) };
}

/**
 * The documented envelope `{"error":{"code","message","target"}}`; `target` is a fresh
 * correlation id, as in common-errors.md.
 */
export function errorResponse(
  status: number,
  message: string,
  code = defaultErrorCode(status),
  headers: Record<string, string> = {},
): PeerResponse {
  return jsonResponse(status, { error: { code, message, target: randomUUID() } }, headers);
}

/** The envelope `code` Defender uses for a status when nothing more specific applies. */
export function defaultErrorCode(status: number): string {
  return DEFAULT_CODES[status] ?? "InternalServerError";
}
