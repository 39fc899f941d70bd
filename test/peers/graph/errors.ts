// Responses the Graph stand-in sends: JSON bodies with Graph's request-id headers, and Graph's
// error envelope `{"error":{"code","message","innerError":{"date","request-id",
// "client-request-id"}}}` (graph-docs, errors.md; microsoft-apis.md section 3).

import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { PeerResponse } from "../shared/peer-server.ts";

// Assumption: Graph answers with the OData JSON media type written without spaces.
export const GRAPH_JSON = "application/json;odata.metadata=minimal;odata.streaming=true;" +
  "IEEE754Compatible=false;charset=utf-8";

/** The ids and time Graph stamps on one response. */
export interface GraphRequestIds {
  requestId: string;
  clientRequestId: string;
  /** `innerError.date`: UTC to the second, without a zone, as Graph writes it. */
  date: string;
}

// Assumption: the code Graph puts in the envelope for a status when nothing more specific
// applies; the services behind Graph vary.
const DEFAULT_CODES: Record<number, string> = {
  400: "BadRequest",
  401: "InvalidAuthenticationToken",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  429: "TooManyRequests",
  500: "InternalServerError",
  502: "BadGateway",
  503: "ServiceUnavailable",
  504: "GatewayTimeout",
};

export function defaultGraphCode(status: number): string {
  return DEFAULT_CODES[status] ?? "UnknownError";
}

/**
 * Fresh ids for a request (or for no request in particular). Graph echoes the caller's
 * `client-request-id` header. Assumption: without one, it equals the new `request-id`.
 */
export function requestIdsFor(req: IncomingMessage | undefined, nowMs: number):
  GraphRequestIds {
  const requestId = randomUUID();
  const sent = req?.headers["client-request-id"];
  return {
    requestId,
    clientRequestId: typeof sent === "string" && sent !== "" ? sent : requestId,
    date: new Date(nowMs).toISOString().slice(0, 19),
  };
}

function idHeaders(ids: GraphRequestIds): Record<string, string> {
  return { "request-id": ids.requestId, "client-request-id": ids.clientRequestId };
}

export function graphJson(
  status: number,
  value: unknown,
  ids: GraphRequestIds,
  headers: Record<string, string> = {},
): PeerResponse {
  return { status, headers: { "content-type": GRAPH_JSON, ...idHeaders(ids), ...headers },
    body: JSON.stringify(value) };
}

/** Graph's error envelope; `innerError` carries the request's ids and date. */
export function graphError(
  status: number,
  message: string,
  ids: GraphRequestIds,
  code = defaultGraphCode(status),
  headers: Record<string, string> = {},
): PeerResponse {
  const innerError = { date: ids.date, "request-id": ids.requestId,
    "client-request-id": ids.clientRequestId };
  return graphJson(status, { error: { code, message, innerError } }, ids, headers);
}
