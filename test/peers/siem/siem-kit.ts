// Test-only helpers for this folder, on the MDE stand-in's kit (its local HS256 token signer and
// HTTPS client): SIEM tokens, URLs with repeated parameters, and the bare array replies.

import { createPeerClient, type PeerClient, type Reply, type TokenSigner } from
  "../defender/peer-kit.ts";
import { formatInstant, parseInstant, ticksFromMs } from "../shared/timestamps.ts";
import { SIEM_RESOURCE } from "./peer.ts";
import type { SiemDetection } from "./types.ts";

export { createPeerClient, type PeerClient, type Reply };

/** A v1 token for the SIEM API: `aud` Azure AD Graph, no roles unless told otherwise. */
export function siemToken(signer: TokenSigner, request: { tid: string; aud?: string;
  expiresInSeconds?: number }): Promise<string> {
  return signer.sign({ aud: SIEM_RESOURCE, roles: [], ...request });
}

/** `/api/alerts` on `base`; pairs allow a parameter to repeat. */
export function siemUrl(base: string, params: Record<string, string> | [string, string][] = {},
  path = "/api/alerts"): string {
  const pairs = Array.isArray(params) ? params : Object.entries(params);
  const query = pairs.map(([n, v]) => `${n}=${encodeURIComponent(v)}`).join("&");
  return query === "" ? `${base}${path}` : `${base}${path}?${query}`;
}

/** GET that must answer 200 with a bare JSON array; returns the records. */
export async function fetchDetections(client: PeerClient, url: string, token: string):
  Promise<SiemDetection[]> {
  const reply = await client.get(url, token);
  if (reply.status !== 200) throw new Error(`GET ${url}: ${reply.status} ${reply.text}`);
  const body: unknown = JSON.parse(reply.text);
  if (!Array.isArray(body)) throw new Error(`GET ${url}: not a bare array: ${reply.text}`);
  return body as SiemDetection[];
}

/** The `Message` of an error reply. */
export function messageOf(reply: Reply): string {
  return (JSON.parse(reply.text) as { Message: string }).Message;
}

/** A timestamp `offsetTicks` from `baseMs`, written with 7 digits when it has them. */
export function at(baseMs: number, offsetTicks: bigint): string {
  return formatInstant(ticksFromMs(baseMs) + offsetTicks);
}

/** Exact instant of a timestamp text (ticks); -1 when malformed. */
export function ticksOf(text: string): bigint {
  return parseInstant(text) ?? -1n;
}
