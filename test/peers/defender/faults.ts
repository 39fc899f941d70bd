// Injected faults: HTTP answers the real service gives under trouble (5xx, 429 with its own
// headers, odd bodies) and connection-level failures (reset, body cut mid-stream, a complete
// response whose JSON is truncated).

import type { ConnectionFaultKind } from "../shared/peer-server.ts";
import { defaultErrorCode, errorResponse, jsonResponse, type PeerResponse } from "./errors.ts";

export type { ConnectionFaultKind };

/** What a fault's `match` sees of a request (already authenticated). */
export interface FaultRequest {
  path: string;
  query: Record<string, string>;
  tenantId: string;
}

interface FaultCommon {
  /** How many matching requests the fault answers; default 1, `Infinity` for ever. */
  times?: number;
  /** Only requests for which this returns true; default every request. */
  match?: (request: FaultRequest) => boolean;
}

export interface HttpFault extends FaultCommon {
  status: number;
  /** A string is sent as is; anything else as JSON; absent = the MDE error envelope. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ConnectionFault extends FaultCommon {
  connection: ConnectionFaultKind;
}

export type DefenderFault = HttpFault | ConnectionFault;

export interface FaultQueue {
  add(fault: DefenderFault): void;
  /** The first pending fault matching `request`, consuming one of its `times`. */
  take(request: FaultRequest): DefenderFault | undefined;
  clear(): void;
}

export function createFaultQueue(): FaultQueue {
  let pending: { fault: DefenderFault; left: number }[] = [];
  return {
    add(fault) {
      const left = fault.times ?? 1;
      if (!(left > 0)) throw new Error("fault.times must be positive");
      pending.push({ fault, left });
    },
    take(request) {
      const entry = pending.find((p) => p.fault.match?.(request) ?? true);
      if (!entry) return undefined;
      entry.left -= 1;
      if (entry.left <= 0) pending = pending.filter((p) => p !== entry);
      return entry.fault;
    },
    clear() {
      pending = [];
    },
  };
}

export function isConnectionFault(fault: DefenderFault): fault is ConnectionFault {
  return "connection" in fault;
}

/** The response an HTTP fault stands for. */
export function faultResponse(fault: HttpFault): PeerResponse {
  const headers = fault.headers ?? {};
  if (fault.body === undefined) {
    return errorResponse(fault.status, `Injected fault: HTTP ${fault.status}.`,
      defaultErrorCode(fault.status), headers);
  }
  if (typeof fault.body === "string") {
    return { status: fault.status, headers: { "content-type": "text/plain; charset=utf-8",
      ...headers }, body: fault.body };
  }
  return jsonResponse(fault.status, fault.body, headers);
}
