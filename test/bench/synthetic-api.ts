// An MDE alerts API for pages no stand-in can hold: heavy-evidence alerts (200 entries, about
// 140 KB each) at `$top=10000` make a page of more than a gigabyte, past V8's largest string.
// This one streams its pages: alert i is one of a few generated alerts with its own id and an
// update time i seconds after the first, written in 1 MB chunks as the client reads them. It
// answers the keyset queries the input sends (`lastUpdateTime ge|gt|eq <instant>`, `$top`,
// `$skip`, ascending), and checks tokens the way the Defender stand-in does.

import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";

import { authenticate, MDE_RESOURCE, type VerifyToken } from "../peers/defender/auth.ts";
import { formatInstant, ODATA_CONTEXT, parseInstant, type Alert } from "../peers/defender/index.ts";
import type { TestTls } from "../support/tls.ts";

export interface SyntheticApi {
  readonly url: string;
  /** Requests answered with 200, and the bytes of their bodies. */
  readonly calls: number;
  readonly bytes: number;
  close(): Promise<void>;
}

const TICKS_PER_SECOND = 10_000_000n;
const CHUNK_CHARS = 1 << 20;

/** An alert's JSON text cut around its id and update time, to make more alerts from it. */
interface Template {
  head: string;
  middle: string;
  tail: string;
}

export async function createSyntheticApi(opts: {
  tls: TestTls;
  verifyToken: VerifyToken;
  /** Generated alerts to vary; alert i is built from `alerts[i % alerts.length]`. */
  alerts: readonly Alert[];
  count: number;
  /** Update time of alert 0. */
  startMs: number;
}): Promise<SyntheticApi> {
  const templates = opts.alerts.map(cut);
  const start = BigInt(opts.startMs) * 10_000n;
  const idTicks = 638_000_000_000_000_000n;
  let calls = 0;
  let bytes = 0;

  const alertText = (i: number): string => {
    const t = templates[i % templates.length] as Template;
    return `${t.head}da${idTicks + BigInt(i)}_${1_000_003 * (i % 2000)}${t.middle}${formatInstant(start + BigInt(i) * TICKS_PER_SECOND)}${t.tail}`;
  };

  /** The alert indexes a query selects, in order. */
  const select = (params: URLSearchParams): { from: number; to: number } => {
    const filter = /lastUpdateTime (ge|gt|eq) (\S+)/.exec(params.get("$filter") ?? "");
    const top = Number(params.get("$top") ?? 100);
    const skip = Number(params.get("$skip") ?? 0);
    let first = 0;
    let last = opts.count;
    if (filter !== null) {
      const at = parseInstant(filter[2] ?? "") ?? 0n;
      const offset = at - start;
      const whole = offset >= 0n ? offset / TICKS_PER_SECOND : -1n;
      const exact = offset >= 0n && offset % TICKS_PER_SECOND === 0n;
      if (filter[1] === "ge") first = offset <= 0n ? 0 : Number(whole) + (exact ? 0 : 1);
      if (filter[1] === "gt") first = offset < 0n ? 0 : Number(whole) + 1;
      if (filter[1] === "eq") [first, last] = exact ? [Number(whole), Number(whole) + 1] : [0, 0];
    }
    const from = Math.min(last, first + skip);
    return { from, to: Math.min(last, from + top) };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const auth = await authenticate(req.headers.authorization, { verifyToken: opts.verifyToken, audience: MDE_RESOURCE, nowMs: Date.now() });
    if (!auth.ok) {
      res.writeHead(auth.response.status, auth.response.headers);
      res.end(auth.response.body);
      return;
    }
    const { from, to } = select(new URL(req.url ?? "/", "https://x").searchParams);
    calls += 1;
    res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
    let pending = `{"@odata.context":${JSON.stringify(ODATA_CONTEXT)},"value":[`;
    for (let i = from; i < to; i += 1) {
      pending += (i === from ? "" : ",") + alertText(i);
      if (pending.length >= CHUNK_CHARS) {
        bytes += pending.length;
        if (!res.write(pending)) await new Promise((resolve) => res.once("drain", resolve));
        pending = "";
      }
    }
    pending += "]}";
    bytes += pending.length;
    res.end(pending);
  };

  const server = createServer({ key: opts.tls.key, cert: opts.tls.cert }, (req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get calls() {
      return calls;
    },
    get bytes() {
      return bytes;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function cut(alert: Alert): Template {
  const text = JSON.stringify(alert);
  const idAt = text.indexOf('"id":"') + '"id":"'.length;
  const idEnd = text.indexOf('"', idAt);
  const timeKey = '"lastUpdateTime":"';
  const timeAt = text.indexOf(timeKey) + timeKey.length;
  const timeEnd = text.indexOf('"', timeAt);
  if (idAt < '"id":"'.length || timeAt < timeKey.length || idAt > timeAt) {
    throw new Error("an alert template must start with its id and hold lastUpdateTime");
  }
  return { head: text.slice(0, idAt), middle: text.slice(idEnd, timeAt), tail: text.slice(timeEnd) };
}
