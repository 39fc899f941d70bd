// Test-only helpers for this folder, on the MDE stand-in's kit (its local HS256 token signer and
// HTTPS client): Graph tokens, typed alerts_v2 pages and Graph's error envelope.

import type { TestTls } from "../../support/tls.ts";
import { alertsUrl, createPeerClient, type Reply, type TokenSigner } from
  "../defender/peer-kit.ts";
import { parseInstant } from "../shared/timestamps.ts";
import { ALERT_ROLES, GRAPH_RESOURCE } from "./auth.ts";
import type { GraphAlert } from "./types.ts";

export const ALERTS_V2 = "/v1.0/security/alerts_v2";

export interface GraphTokenRequest {
  tid: string;
  aud?: string;
  roles?: string[];
  appid?: string;
  expiresInSeconds?: number;
}

/** An app-only Graph token (`aud` Graph, role SecurityAlert.Read.All unless told otherwise). */
export function graphToken(signer: TokenSigner, request: GraphTokenRequest): Promise<string> {
  return signer.sign({ aud: GRAPH_RESOURCE, roles: [ALERT_ROLES[0] ?? ""], ...request });
}

export interface GraphPage {
  "@odata.context": string;
  "@odata.count"?: number;
  "@odata.nextLink"?: string;
  value: GraphAlert[];
}

export interface GraphErrorBody {
  code: string;
  message: string;
  innerError: { date: string; "request-id": string; "client-request-id": string };
}

export interface GraphClient {
  get(url: string, token?: string, headers?: Record<string, string>): Promise<Reply>;
  send(method: string, url: string, token?: string): Promise<Reply>;
  /** GET that must answer 200; returns the parsed page. */
  page(url: string, token: string, headers?: Record<string, string>): Promise<GraphPage>;
  /** Follows `@odata.nextLink` from `url` to the end; returns every alert and the pages. */
  all(url: string, token: string): Promise<{ alerts: GraphAlert[]; pages: GraphPage[] }>;
  close(): Promise<void>;
}

export function createGraphClient(tls: TestTls): GraphClient {
  const client = createPeerClient(tls);
  const page = async (url: string, token: string, headers?: Record<string, string>):
    Promise<GraphPage> => {
    const reply = await client.get(url, token, headers);
    if (reply.status !== 200) throw new Error(`GET ${url}: ${reply.status} ${reply.text}`);
    return JSON.parse(reply.text) as GraphPage;
  };
  return {
    get: (url, token, headers) => client.get(url, token, headers),
    send: (method, url, token) => client.send(method, url, token),
    page,
    async all(url, token) {
      const alerts: GraphAlert[] = [];
      const pages: GraphPage[] = [];
      for (let next: string | undefined = url; next !== undefined;) {
        const body = await page(next, token);
        pages.push(body);
        alerts.push(...body.value);
        next = body["@odata.nextLink"];
      }
      return { alerts, pages };
    },
    close: () => client.close(),
  };
}

/** `/v1.0/security/alerts_v2` on `base` with the given query options, encoded as clients do. */
export function graphUrl(base: string, options: Record<string, string> = {}): string {
  return alertsUrl(base, options, ALERTS_V2);
}

/** Parses an error reply's Graph envelope. */
export function graphErrorOf(reply: Reply): GraphErrorBody {
  return (JSON.parse(reply.text) as { error: GraphErrorBody }).error;
}

/** Exact instant of a timestamp text (ticks); -1 when missing or malformed. */
export function instant(text: string | null | undefined): bigint {
  return text ? parseInstant(text) ?? -1n : -1n;
}
