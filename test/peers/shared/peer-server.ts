// The HTTPS side every alert API stand-in shares: listen on loopback, keep a request log that
// never holds a token, and deliver a computed response, or break the connection the way an
// injected connection fault asks.

import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { TestTls } from "../../support/tls.ts";

/** A response computed by a peer, before any connection-level fault is applied. */
export interface PeerResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type ConnectionFaultKind =
  /** The socket is destroyed before any response byte. */
  | "reset"
  /** Headers and part of the body are sent, then the socket is destroyed. */
  | "destroy-mid-body"
  /** A complete HTTP response whose JSON body is cut in half (Content-Length matches). */
  | "truncated-json";

/** One served request. Never holds the token; values of unknown parameters are redacted. */
export interface PeerRequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  tenant: string | null;
  /** HTTP status sent; 0 when the connection was reset before a response. */
  status: number;
  /** `http` or the connection fault kind, when an injected fault answered. */
  fault?: "http" | ConnectionFaultKind;
}

export interface PeerOutcome {
  response: PeerResponse;
  connection?: ConnectionFaultKind;
}

/** Computes the outcome of one request; may set `record.tenant` and `record.fault`. */
export type PeerResponder = (req: IncomingMessage, path: string, params: URLSearchParams,
  record: PeerRequestRecord) => Promise<PeerOutcome>;

export interface PeerServerOptions {
  tls: TestTls;
  respond: PeerResponder;
  /** True for parameters whose values may be logged; the others are logged `[redacted]`. */
  isKnownParameter: (name: string) => boolean;
  /** The peer's own envelope for an unexpected failure (sent as 500). */
  internalError: (message: string) => PeerResponse;
}

export interface PeerServer {
  /** Origin, `https://127.0.0.1:PORT`. */
  readonly origin: string;
  readonly requests: PeerRequestRecord[];
  close(): Promise<void>;
}

/** Starts an HTTPS server on 127.0.0.1 with an ephemeral port. */
export async function startPeerServer(opts: PeerServerOptions): Promise<PeerServer> {
  const requests: PeerRequestRecord[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? "/";
    const mark = target.indexOf("?");
    // The raw path is compared as is: `//api/alerts` or `/api/alerts/` are other resources.
    const path = mark === -1 ? target : target.slice(0, mark);
    const params = new URLSearchParams(mark === -1 ? "" : target.slice(mark + 1));
    const query: Record<string, string> = {};
    for (const [name, value] of params) {
      query[name] = opts.isKnownParameter(name) ? value : "[redacted]";
    }
    const record: PeerRequestRecord =
      { method: req.method ?? "", path, query, tenant: null, status: 0 };

    let outcome: PeerOutcome;
    try {
      outcome = await opts.respond(req, path, params, record);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      outcome = { response: opts.internalError(`Peer failure: ${reason}`) };
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

  return {
    origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Sends `outcome.response`, or fails the connection the way `outcome.connection` says. */
export function deliver(req: IncomingMessage, res: ServerResponse, outcome: PeerOutcome): void {
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
