// The Defender for Endpoint alerts API stand-in: `GET /api/alerts` and `/api/v1.0/alerts`
// over HTTPS on loopback, with token checks, the OData subset, paging, throttling and faults.

import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { TestTls } from "../../support/tls.ts";
import { authenticate, MDE_RESOURCE, type VerifyToken } from "./auth.ts";
import { errorResponse, jsonResponse, ODataQueryError, type PeerResponse } from "./errors.ts";
import {
  createFaultQueue,
  faultResponse,
  isConnectionFault,
  type ConnectionFaultKind,
  type DefenderFault,
} from "./faults.ts";
import type { InstantReader } from "./filter.ts";
import { buildNextLink, renderPage, selectPage } from "./listing.ts";
import { isKnownOption, parseAlertQuery } from "./query.ts";
import { createRateLimiter, DEFAULT_RATE_LIMITS, quotaMessage, type RateLimits } from
  "./rate-limit.ts";
import { createAlertStore } from "./store.ts";
import { parseInstant } from "./timestamps.ts";
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
export interface DefenderRequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  tenant: string | null;
  /** HTTP status sent; 0 when the connection was reset before a response. */
  status: number;
  /** `http` or the connection fault kind, when an injected fault answered. */
  fault?: "http" | ConnectionFaultKind;
}

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

interface Outcome {
  response: PeerResponse;
  connection?: ConnectionFaultKind;
}

/** Starts the peer on 127.0.0.1 with an ephemeral port. */
export async function createDefenderPeer(opts: DefenderPeerOptions): Promise<DefenderPeer> {
  const now = opts.now ?? Date.now;
  const audience = opts.audience ?? MDE_RESOURCE;
  const store = createAlertStore(now);
  const faults = createFaultQueue();
  const limiter = opts.rateLimits === false
    ? null
    : createRateLimiter(opts.rateLimits ?? DEFAULT_RATE_LIMITS, now);
  const requests: DefenderRequestRecord[] = [];
  const instants = new WeakMap<object, Map<string, bigint | null>>();
  let origin = "";

  // Stored alerts are never mutated (updates store new objects), so parsed times can be kept.
  const readInstant: InstantReader = (alert, field) => {
    let fields = instants.get(alert);
    if (!fields) instants.set(alert, (fields = new Map()));
    if (!fields.has(field)) {
      const raw = (alert as Record<string, unknown>)[field];
      fields.set(field, typeof raw === "string" ? parseInstant(raw) ?? null : null);
    }
    return fields.get(field) ?? null;
  };

  async function respond(req: IncomingMessage, path: string, params: URLSearchParams,
    record: DefenderRequestRecord): Promise<Outcome> {
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

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? "/";
    const mark = target.indexOf("?");
    // The raw path is compared as is: `//api/alerts` or `/api/alerts/` are different resources.
    const path = mark === -1 ? target : target.slice(0, mark);
    const params = new URLSearchParams(mark === -1 ? "" : target.slice(mark + 1));
    const query: Record<string, string> = {};
    for (const [name, value] of params) query[name] = isKnownOption(name) ? value : "[redacted]";
    const record: DefenderRequestRecord =
      { method: req.method ?? "", path, query, tenant: null, status: 0 };

    let outcome: Outcome;
    try {
      outcome = await respond(req, path, params, record);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      outcome = { response: errorResponse(500, `Peer failure: ${reason}`) };
    }
    record.status = outcome.connection === "reset" ? 0 : outcome.response.status;
    requests.push(record);
    deliver(req, res, outcome);
  }

  const server = createServer({ key: opts.tls.key, cert: opts.tls.cert }, (req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: origin,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
    seed: (tenantId, alerts) => store.seed(tenantId, alerts),
    update: (tenantId, alertId, changes) => store.update(tenantId, alertId, changes),
    alerts: (tenantId) => store.alerts(tenantId),
    versions: (tenantId) => store.versions(tenantId),
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
  };
}

function deliver(req: IncomingMessage, res: ServerResponse, outcome: Outcome): void {
  const { response, connection } = outcome;
  if (connection === "reset") {
    req.socket.destroy();
    return;
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) headers[name.toLowerCase()] = value;
  const bytes = Buffer.from(response.body, "utf8");
  const half = bytes.subarray(0, Math.floor(bytes.length / 2));

  if (connection === "truncated-json") {
    res.writeHead(response.status, { ...headers, "content-length": String(half.length) });
    res.end(half);
    return;
  }
  res.writeHead(response.status, { ...headers, "content-length": String(bytes.length) });
  if (connection === "destroy-mid-body") {
    res.write(half, () => res.destroy());
    return;
  }
  res.end(bytes);
}
