// The Microsoft Graph security alerts_v2 stand-in: `GET /v1.0/security/alerts_v2` over HTTPS on
// loopback, with token checks, the documented query options, nextLink paging, evolvable enums,
// throttling and faults.

import type { IncomingMessage } from "node:http";
import type { TestTls } from "../../support/tls.ts";
import { createFaultQueue, faultResponse, isConnectionFault, type DefenderFault } from
  "../defender/faults.ts";
import { buildNextLink } from "../defender/listing.ts";
import { createRateLimiter } from "../defender/rate-limit.ts";
import type { VerifyToken } from "../shared/bearer.ts";
import { ODataQueryError } from "../shared/odata-filter.ts";
import { startPeerServer, type PeerOutcome, type PeerRequestRecord } from
  "../shared/peer-server.ts";
import { ticksFromMs } from "../shared/timestamps.ts";
import { clockOrNextTick, createInstantReader, createVersionedStore } from
  "../shared/versioned-store.ts";
import { authenticateGraph, GRAPH_RESOURCE } from "./auth.ts";
import { defaultGraphCode, graphError, graphJson, requestIdsFor } from "./errors.ts";
import { renderGraphPage, selectGraphPage, wantsUnknownEnumMembers } from "./listing.ts";
import { isKnownGraphOption, parseGraphQuery } from "./query.ts";
import type { GraphAlert } from "./types.ts";

export interface GraphRateLimits {
  perMinute: number;
}

/** "150 requests per minute" per app per tenant for `/security` alert operations. */
export const DEFAULT_GRAPH_RATE_LIMITS: GraphRateLimits = { perMinute: 150 };

export type GraphFault = DefenderFault;
/** One served request. Never holds the token; values of unknown options are redacted. */
export type GraphRequestRecord = PeerRequestRecord;

export interface GraphPeerOptions {
  tls: TestTls;
  verifyToken: VerifyToken;
  /** Token audience the API accepts; default `https://graph.microsoft.com`. */
  audience?: string;
  /** Peer clock (ms since epoch) for token expiry, throttling and update times. */
  now?: () => number;
  /** Per (tenant, app) quota; default 150/min; `false` turns throttling off. */
  rateLimits?: GraphRateLimits | false;
}

export interface GraphPeer {
  /** Origin, `https://127.0.0.1:PORT`. */
  readonly url: string;
  readonly requests: readonly GraphRequestRecord[];
  close(): Promise<void>;
  seed(tenantId: string, alerts: readonly GraphAlert[]): void;
  /** Stores a new version; `lastUpdateDateTime` from the peer clock, strictly later. */
  update(tenantId: string, alertId: string, changes: Partial<GraphAlert>): GraphAlert;
  /** Current state of every alert (ground truth). */
  alerts(tenantId: string): GraphAlert[];
  /** Every version ever stored, oldest first (for exactly-once checks). */
  versions(tenantId: string): GraphAlert[];
  injectFault(fault: GraphFault): void;
  clearFaults(): void;
}

// Assumption: only this exact path is served (no trailing slash, no `/beta`, no other case);
// anything else gets Graph's 400 for an unknown segment.
const ROUTE = "/v1.0/security/alerts_v2";

/** Starts the peer on 127.0.0.1 with an ephemeral port. */
export async function createGraphPeer(opts: GraphPeerOptions): Promise<GraphPeer> {
  const now = opts.now ?? Date.now;
  const audience = opts.audience ?? GRAPH_RESOURCE;
  const store = createVersionedStore<GraphAlert>({ noun: "alert", idField: "id",
    timeField: "lastUpdateDateTime", nextTicks: clockOrNextTick(() => ticksFromMs(now())) });
  const faults = createFaultQueue();
  // Graph documents no hourly quota: an hourly bucket 60 times the minute quota never binds.
  const limits = opts.rateLimits === false ? null : opts.rateLimits ?? DEFAULT_GRAPH_RATE_LIMITS;
  const limiter = limits === null
    ? null
    : createRateLimiter({ perMinute: limits.perMinute, perHour: limits.perMinute * 60 }, now);
  const readInstant = createInstantReader();
  let origin = "";

  async function respond(req: IncomingMessage, path: string, params: URLSearchParams,
    record: GraphRequestRecord): Promise<PeerOutcome> {
    const ids = requestIdsFor(req, now());
    if (path !== ROUTE) {
      const segment = path.split("/").filter((s) => s !== "").at(-1) ?? "";
      return { response: graphError(400, `Resource not found for the segment '${segment}'.`,
        ids) };
    }
    if (req.method !== "GET") {
      // Assumption: 405 for other methods on the collection (PATCH exists on one alert only).
      return { response: graphError(405, `The HTTP method '${req.method ?? ""}' is not ` +
        "allowed on /security/alerts_v2.", ids) };
    }
    const auth = await authenticateGraph(req.headers.authorization,
      { verifyToken: opts.verifyToken, audience, nowMs: now(), ids });
    if (!auth.ok) return { response: auth.response };
    record.tenant = auth.tenantId;

    const fault = faults.take({ path, query: Object.fromEntries(params),
      tenantId: auth.tenantId });
    if (fault && !isConnectionFault(fault)) {
      record.fault = "http";
      return { response: fault.body === undefined
        ? graphError(fault.status, `Injected fault: HTTP ${fault.status}.`, ids,
          defaultGraphCode(fault.status), fault.headers)
        : faultResponse(fault) };
    }
    const connection = fault?.connection;
    if (connection) record.fault = connection;

    // Assumption: every authenticated call counts against the (tenant, app) quota, including
    // calls later refused with 400; 401/403 answers and injected faults do not.
    const decision = limiter?.take(`${auth.tenantId}\n${auth.appId}`) ?? { allowed: true };
    if (!decision.allowed) {
      const wait = decision.retryAfterSeconds;
      // Assumption: the body wording; peer-failure-modes item 8 gives "…again in N seconds".
      return { connection, response: graphError(429, "Too many requests for this " +
        `application in this tenant. Please try again in ${wait} seconds.`, ids,
        "TooManyRequests", { "retry-after": String(wait) }) };
    }

    try {
      const query = parseGraphQuery(params);
      // Assumption: a tenant with nothing seeded gets an empty page.
      const page = selectGraphPage(store.current(auth.tenantId), query, readInstant);
      const nextLink = page.nextSkip === null
        ? null
        : buildNextLink(origin, path, params, page.nextSkip);
      const body = renderGraphPage(page, { count: query.count, nextLink,
        includeUnknownEnums: wantsUnknownEnumMembers(req.headers.prefer) });
      return { connection, response: graphJson(200, body, ids) };
    } catch (error) {
      if (!(error instanceof ODataQueryError)) throw error;
      return { connection, response: graphError(400,
        `Invalid query option '${error.option}': ${error.message}`, ids, "BadRequest") };
    }
  }

  const server = await startPeerServer({ tls: opts.tls, respond,
    isKnownParameter: isKnownGraphOption,
    internalError: (message) => graphError(500, message, requestIdsFor(undefined, now())) });
  origin = server.origin;

  return {
    url: origin,
    requests: server.requests,
    close: () => server.close(),
    seed: (tenantId, alerts) => store.seed(tenantId, alerts),
    update: (tenantId, alertId, changes) => store.update(tenantId, alertId, changes),
    alerts: (tenantId) => store.items(tenantId),
    versions: (tenantId) => store.versions(tenantId),
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
  };
}
