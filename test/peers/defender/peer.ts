// The Defender for Endpoint alerts API stand-in: `GET /api/alerts` and `/api/v1.0/alerts`
// over HTTPS on loopback, with token checks, the OData subset, paging, throttling and faults.

import type { IncomingMessage } from "node:http";
import type { TestTls } from "../../support/tls.ts";
import {
  startPeerServer,
  type PeerOutcome,
  type PeerRequestRecord,
} from "../shared/peer-server.ts";
import { createInstantReader } from "../shared/versioned-store.ts";
import { authenticate, MDE_RESOURCE, type VerifyToken } from "./auth.ts";
import { errorResponse, jsonResponse, ODataQueryError } from "./errors.ts";
import { createFaultQueue, faultResponse, isConnectionFault, type DefenderFault } from
  "./faults.ts";
import { buildNextLink, renderPage, selectPage } from "./listing.ts";
import { isKnownOption, parseAlertQuery } from "./query.ts";
import { createRateLimiter, DEFAULT_RATE_LIMITS, quotaMessage, type RateLimits } from
  "./rate-limit.ts";
import { createAlertStore } from "./store.ts";
import type { Alert } from "./types.ts";

export interface DefenderPeerOptions {
  tls: TestTls;
  verifyToken: VerifyToken;
  /** Token audience the API accepts; default `https://api.securitycenter.microsoft.com`. */
  audience?: string;
  /** Peer clock (ms since epoch) for token expiry, throttling and update times. */
  now?: () => number;
  /** Per (tenant, app) quotas; default 100/min and 1,500/h; `false` turns throttling off. */
  rateLimits?: RateLimits | false;
}

/** One served request. Never holds the token; values of unknown options are redacted. */
export type DefenderRequestRecord = PeerRequestRecord;

export interface DefenderPeer {
  /** Origin, `https://127.0.0.1:PORT`. */
  readonly url: string;
  readonly requests: readonly DefenderRequestRecord[];
  close(): Promise<void>;
  seed(tenantId: string, alerts: readonly Alert[]): void;
  /** Stores a new version; `lastUpdateTime` from the peer clock, strictly later. */
  update(tenantId: string, alertId: string, changes: Partial<Alert>): Alert;
  /** Current state of every alert (ground truth). */
  alerts(tenantId: string): Alert[];
  /** Every version ever stored, oldest first (for exactly-once checks). */
  versions(tenantId: string): Alert[];
  injectFault(fault: DefenderFault): void;
  clearFaults(): void;
}

// Assumption: paths match exactly (case, trailing slash); ASP.NET routing may be laxer, but a
// client that builds `/api/Alerts` or `/api/alerts/` should learn it here.
const ROUTES = new Set(["/api/alerts", "/api/v1.0/alerts"]);

/** Starts the peer on 127.0.0.1 with an ephemeral port. */
export async function createDefenderPeer(opts: DefenderPeerOptions): Promise<DefenderPeer> {
  const now = opts.now ?? Date.now;
  const audience = opts.audience ?? MDE_RESOURCE;
  const store = createAlertStore(now);
  const faults = createFaultQueue();
  const limiter = opts.rateLimits === false
    ? null
    : createRateLimiter(opts.rateLimits ?? DEFAULT_RATE_LIMITS, now);
  const readInstant = createInstantReader();
  let origin = "";

  async function respond(req: IncomingMessage, path: string, params: URLSearchParams,
    record: DefenderRequestRecord): Promise<PeerOutcome> {
    if (!ROUTES.has(path)) {
      return { response: errorResponse(404, `Resource '${path}' was not found.`,
        "ResourceNotFound") };
    }
    if (req.method !== "GET") {
      // Assumption: other methods get 405 `MethodNotAllowed` (the real API has POST actions
      // elsewhere, none on the alert collection the add-on reads).
      return { response: errorResponse(405, `Method ${req.method ?? ""} is not allowed.`) };
    }
    const auth = await authenticate(req.headers.authorization,
      { verifyToken: opts.verifyToken, audience, nowMs: now() });
    if (!auth.ok) return { response: auth.response };
    record.tenant = auth.tenantId;

    const fault = faults.take({ path, query: Object.fromEntries(params),
      tenantId: auth.tenantId });
    if (fault && !isConnectionFault(fault)) {
      record.fault = "http";
      return { response: faultResponse(fault) };
    }
    const connection = fault?.connection;
    if (connection) record.fault = connection;

    // Assumption: every authenticated call counts against the (tenant, app) quota, including
    // calls later refused with 400; 401/403 answers and injected faults do not.
    const decision = limiter?.take(`${auth.tenantId}\n${auth.appId}`) ?? { allowed: true };
    if (!decision.allowed) {
      return { connection, response: errorResponse(429,
        quotaMessage(decision.limit, decision.window), "TooManyRequests",
        { "retry-after": String(decision.retryAfterSeconds) }) };
    }

    try {
      const query = parseAlertQuery(params);
      // Assumption: a tenant with nothing seeded gets an empty page, not 403 DisabledFeature.
      const page = selectPage(store.current(auth.tenantId), query, readInstant);
      const nextLink = page.nextSkip === null
        ? null
        : buildNextLink(origin, path, params, page.nextSkip);
      return { connection,
        response: jsonResponse(200, renderPage(page.items, query.expandEvidence, nextLink)) };
    } catch (error) {
      if (!(error instanceof ODataQueryError)) throw error;
      return { connection, response: errorResponse(400,
        `Invalid OData query option '${error.option}': ${error.message}`, "ODataError") };
    }
  }

  const server = await startPeerServer({ tls: opts.tls, respond, isKnownParameter: isKnownOption,
    internalError: (message) => errorResponse(500, message) });
  origin = server.origin;

  return {
    url: origin,
    requests: server.requests,
    close: () => server.close(),
    seed: (tenantId, alerts) => store.seed(tenantId, alerts),
    update: (tenantId, alertId, changes) => store.update(tenantId, alertId, changes),
    alerts: (tenantId) => store.alerts(tenantId),
    versions: (tenantId) => store.versions(tenantId),
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
  };
}

