// A replaying front for the Defender stand-in. The stand-in filters, sorts and serialises every
// page on each request, which takes longer than the input takes to read the page, so a
// throughput figure measured against it would time the stand-in. The first request for a URL is
// passed to the stand-in and its answer kept; the same URL later gets the same bytes from memory.
// Tokens are still checked on every request, the way the stand-in checks them.

import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";

import { Agent, request } from "undici";

import { authenticate, MDE_RESOURCE, type VerifyToken } from "../peers/defender/auth.ts";
import type { TestTls } from "../support/tls.ts";

export interface ReplayedRequest {
  url: string;
  status: number;
  /** Answered from memory rather than by the stand-in. */
  replayed: boolean;
  bytes: number;
}

export interface ReplayApi {
  readonly url: string;
  readonly requests: readonly ReplayedRequest[];
  /** The 200 bodies kept, in the order they were first asked for. */
  pages(): Buffer[];
  close(): Promise<void>;
}

export async function createReplayApi(opts: { tls: TestTls; upstream: string; verifyToken: VerifyToken }): Promise<ReplayApi> {
  const kept = new Map<string, { status: number; type: string; body: Buffer }>();
  const requests: ReplayedRequest[] = [];
  const agent = new Agent({ connect: { ca: opts.tls.ca } });
  let origin = "";

  const answer = async (req: IncomingMessage): Promise<{ status: number; type: string; body: Buffer; replayed: boolean }> => {
    const url = req.url ?? "/";
    const auth = await authenticate(req.headers.authorization, {
      verifyToken: opts.verifyToken,
      audience: MDE_RESOURCE,
      nowMs: Date.now(),
    });
    if (!auth.ok) {
      const { status, headers, body } = auth.response;
      return { status, type: headers["content-type"] ?? "application/json", body: Buffer.from(body), replayed: true };
    }
    const hit = kept.get(url);
    if (hit !== undefined) return { ...hit, replayed: true };

    const res = await request(new URL(url, opts.upstream), {
      dispatcher: agent,
      headers: { authorization: req.headers.authorization ?? "", accept: "application/json" },
    });
    // `@odata.nextLink` names the stand-in's origin; the input must be sent back here instead.
    const body = Buffer.from((await res.body.text()).replaceAll(opts.upstream, origin));
    const type = String(res.headers["content-type"] ?? "application/json");
    if (res.statusCode === 200) kept.set(url, { status: 200, type, body });
    return { status: res.statusCode, type, body, replayed: false };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const { status, type, body, replayed } = await answer(req);
      requests.push({ url: req.url ?? "/", status, replayed, bytes: body.length });
      res.writeHead(status, { "content-type": type, "content-length": String(body.length) });
      res.end(body);
    } catch (error) {
      res.writeHead(502, { "content-type": "text/plain" });
      res.end(`replay failed: ${String(error)}`);
    }
  };

  const server = createServer({ key: opts.tls.key, cert: opts.tls.cert }, (req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    requests,
    pages: () => [...kept.values()].map((page) => page.body),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await agent.close();
    },
  };
}
