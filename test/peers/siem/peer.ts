// The legacy SIEM API stand-in (`wdatp-alertexporter-*.windows.com`): `GET /api/alerts` over
// HTTPS on loopback, with the v1 Azure AD Graph token check, the documented parameters, a bare
// JSON array of detections, the documented errors, faults, and a retired mode.

import type { IncomingMessage } from "node:http";
import type { TestTls } from "../../support/tls.ts";
import { createFaultQueue, faultResponse, isConnectionFault, type DefenderFault } from
  "../defender/faults.ts";
import { createRandom } from "../defender/prng.ts";
import { checkBearer, type BearerFailure, type VerifyToken } from "../shared/bearer.ts";
import { startPeerServer, type PeerOutcome, type PeerRequestRecord } from
  "../shared/peer-server.ts";
import { ticksFromMs } from "../shared/timestamps.ts";
import { createInstantReader, createVersionedStore } from "../shared/versioned-store.ts";
import { nextProcessedTicks } from "./generate.ts";
import { selectDetections } from "./listing.ts";
import { isKnownSiemParameter, parseSiemQuery, SiemQueryError } from "./query.ts";
import {
  forbidden,
  retiredResponse,
  SERVICE_ERROR,
  siemArray,
  siemError,
  unauthorized,
} from "./responses.ts";
import type { SiemDetection } from "./types.ts";

/** The v1 resource the SIEM API's tokens are requested for (Azure AD Graph). */
export const SIEM_RESOURCE = "https://graph.windows.net";

export type SiemFault = DefenderFault;
/** One served request. Never holds the token; values of unknown parameters are redacted. */
export type SiemRequestRecord = PeerRequestRecord;

export interface SiemPeerOptions {
  tls: TestTls;
  verifyToken: VerifyToken;
  /** Token audience the API accepts; default `https://graph.windows.net`. */
  audience?: string;
  /** Peer clock (ms since epoch) for token expiry, time ranges and re-processing times. */
  now?: () => number;
  /** Answer every request the way a retired endpoint does (410 Gone, see responses.ts). */
  retired?: boolean;
  /** Tenants whose state is deleted: their tokens get 403. */
  deletedTenants?: readonly string[];
}

export interface SiemPeer {
  /** Origin, `https://127.0.0.1:PORT`. */
  readonly url: string;
  readonly requests: readonly SiemRequestRecord[];
  close(): Promise<void>;
  seed(tenantId: string, detections: readonly SiemDetection[]): void;
  /** Re-processes a detection: a new version, `LastProcessedTimeUtc` from the clock, later. */
  update(tenantId: string, fullId: string, changes: Partial<SiemDetection>): SiemDetection;
  /** Current state of every detection (ground truth). */
  detections(tenantId: string): SiemDetection[];
  /** Every version ever stored, oldest first (for exactly-once checks). */
  versions(tenantId: string): SiemDetection[];
  injectFault(fault: SiemFault): void;
  clearFaults(): void;
}

// The docs call `/api/alerts` and, in the machinegroups example, `/api/alerts/`.
const ROUTES = new Set(["/api/alerts", "/api/alerts/"]);

// Assumption: the service adds no detail; these notes only help whoever reads a test log.
const FAILURE_DETAIL: Record<BearerFailure, string> = { missing: "(no bearer token)",
  invalid: "(invalid token)", expired: "(token expired)", audience: "(token for another " +
  "resource)", roles: "(missing role)", tenant: "(token without tenant)" };

/** Starts the peer on 127.0.0.1 with an ephemeral port. */
export async function createSiemPeer(opts: SiemPeerOptions): Promise<SiemPeer> {
  const now = opts.now ?? Date.now;
  const audience = opts.audience ?? SIEM_RESOURCE;
  const deleted = new Set(opts.deletedTenants ?? []);
  const jitter = createRandom(0x5e1e);
  const store = createVersionedStore<SiemDetection>({ noun: "detection", idField: "FullId",
    timeField: "LastProcessedTimeUtc",
    nextTicks: (previous) => nextProcessedTicks(jitter, ticksFromMs(now()), previous) });
  const faults = createFaultQueue();
  const readInstant = createInstantReader();

  async function respond(req: IncomingMessage, path: string, params: URLSearchParams,
    record: SiemRequestRecord): Promise<PeerOutcome> {
    if (opts.retired === true) return { response: retiredResponse() };
    // Assumption: unknown paths get 404 and other methods 405, in the same envelope.
    if (!ROUTES.has(path)) return { response: siemError(404, `No resource at '${path}'.`) };
    if (req.method !== "GET") {
      return { response: siemError(405, `The requested resource does not support http method ` +
        `'${req.method ?? ""}'.`) };
    }
    // Assumption: no application role is checked; access is granted by enabling SIEM
    // integration for the app in the portal, which the stand-in does not model.
    const auth = await checkBearer(req.headers.authorization, { verifyToken: opts.verifyToken,
      audience, roles: [], nowMs: now() });
    if (!auth.ok) return { response: unauthorized(FAILURE_DETAIL[auth.failure]) };
    record.tenant = auth.tenantId;
    if (deleted.has(auth.tenantId)) return { response: forbidden() };

    const fault = faults.take({ path, query: Object.fromEntries(params),
      tenantId: auth.tenantId });
    if (fault && !isConnectionFault(fault)) {
      record.fault = "http";
      return { response: fault.body !== undefined ? faultResponse(fault)
        : siemError(fault.status, fault.status === 500 ? SERVICE_ERROR
          : `Injected fault: HTTP ${fault.status}.`, fault.headers) };
    }
    const connection = fault?.connection;
    if (connection) record.fault = connection;

    try {
      const query = parseSiemQuery(params, ticksFromMs(now()));
      // Assumption: a tenant with nothing seeded gets an empty array.
      return { connection,
        response: siemArray(selectDetections(store.current(auth.tenantId), query, readInstant)) };
    } catch (error) {
      if (!(error instanceof SiemQueryError)) throw error;
      // The docs give 401 for "malformed request or invalid token"; no 400 is documented.
      return { connection, response: unauthorized(`Malformed request: ${error.message}`) };
    }
  }

  const server = await startPeerServer({ tls: opts.tls, respond,
    isKnownParameter: isKnownSiemParameter,
    internalError: () => siemError(500, SERVICE_ERROR) });

  return {
    url: server.origin,
    requests: server.requests,
    close: () => server.close(),
    seed: (tenantId, detections) => store.seed(tenantId, detections),
    update: (tenantId, fullId, changes) => store.update(tenantId, fullId, changes),
    detections: (tenantId) => store.items(tenantId),
    versions: (tenantId) => store.versions(tenantId),
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
  };
}
