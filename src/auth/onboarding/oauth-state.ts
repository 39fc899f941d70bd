import { createHash, randomBytes } from "node:crypto";

import { AddonError } from "../../errors.ts";
import type { Secret } from "../../log/secret.ts";
import type { SplunkdClient } from "../../splunkd/index.ts";

export const OAUTH_STATE_COLLECTION = "ta_defender_mssp_oauth_state";
/** A consent or sign-in must come back within this time (Entra's codes live about 10 minutes). */
export const STATE_LIFETIME_MS = 15 * 60_000;

export type StatePurpose = "admin_consent" | "sign_in";

/** Who started the flow: the Splunk user and their session. */
export interface SessionBinding {
  user: string;
  sessionKey: Secret;
}

interface StateDoc {
  purpose: StatePurpose;
  user: string;
  /** Truncated SHA-256 of the session key that started the flow. */
  session: string;
  expires_at: number;
  /** JSON of what the callback needs (account, endpoints, redirect URI, PKCE verifier). */
  data: string;
}

export interface StateStore {
  /** A new unguessable `state`, stored (hashed) with `data` for `purpose` and this session. */
  issue(purpose: StatePurpose, binding: SessionBinding, data: Record<string, string>):
    Promise<{ state: string; expiresAtMs: number }>;
  /**
   * The data of a `state`, once: it must exist, not be expired, be for `purpose`, and come
   * back in the session that started it. It is deleted before it is returned, so a replay (or
   * a second tab) finds nothing.
   *
   * @throws AddonError ONBOARDING_STATE_INVALID, KVSTORE_UNAVAILABLE, SPLUNKD_*
   */
  consume(purpose: StatePurpose, state: string, binding: SessionBinding): Promise<Record<string, string>>;
}

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/**
 * OAuth `state` values in the KV store. The document key is the SHA-256 of the state, so
 * someone who can read the collection cannot complete a pending flow with what is stored.
 */
export function createStateStore(deps: { splunkd: SplunkdClient; nowMs: () => number }): StateStore {
  const client = deps.splunkd.expect([404, 503]);
  const base = `storage/collections/data/${OAUTH_STATE_COLLECTION}`;
  const check = (status: number): void => {
    if (status === 503) {
      throw new AddonError("KVSTORE_UNAVAILABLE", "The KV store is not available (HTTP 503)",
        { collection: OAUTH_STATE_COLLECTION });
    }
  };
  const invalid = (why: string): AddonError =>
    new AddonError("ONBOARDING_STATE_INVALID", `The consent or sign-in response cannot be accepted: ${why}`);

  return {
    async issue(purpose, binding, data) {
      const now = deps.nowMs();
      // Expired requests are removed as new ones are made.
      check((await client.delete(`${base}?query=${encodeURIComponent(JSON.stringify({ expires_at: { $lt: now } }))}`)).status);
      const state = randomBytes(32).toString("base64url");
      const doc: StateDoc = {
        purpose, user: binding.user, session: sha256(binding.sessionKey.reveal()).slice(0, 32),
        expires_at: now + STATE_LIFETIME_MS, data: JSON.stringify(data),
      };
      const res = await client.postJson(`${base}/batch_save`, [{ ...doc, _key: sha256(state) }]);
      check(res.status);
      return { state, expiresAtMs: doc.expires_at };
    },

    async consume(purpose, state, binding) {
      if (!/^[A-Za-z0-9_-]{20,200}$/.test(state)) throw invalid("the state parameter is missing or malformed");
      const path = `${base}/${sha256(state)}`;
      const found = await client.get(path);
      check(found.status);
      if (found.status === 404) throw invalid("it was already used, has expired, or was never issued");
      const doc = found.json as StateDoc;
      // Single use: whoever deletes it first completes the flow.
      const deleted = await client.delete(path);
      check(deleted.status);
      if (deleted.status === 404) throw invalid("it was already used");
      if (doc.expires_at <= deps.nowMs()) throw invalid("it has expired; start again");
      if (doc.purpose !== purpose) throw invalid(`it belongs to a ${doc.purpose.replace("_", " ")} request`);
      if (doc.user !== binding.user || doc.session !== sha256(binding.sessionKey.reveal()).slice(0, 32)) {
        throw invalid("it was started in another Splunk session");
      }
      return JSON.parse(doc.data) as Record<string, string>;
    },
  };
}
