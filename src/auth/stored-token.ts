import { createHash } from "node:crypto";

import type { Logger } from "../log/index.ts";
import { Secret } from "../log/secret.ts";
import type { SecretStore } from "./secret-store.ts";

/** An access token and when Entra ID said it expires. */
export interface IssuedToken {
  accessToken: Secret;
  expiresAtMs: number;
}

/**
 * An input's access token kept between runs, in storage/passwords next to its other secrets.
 *
 * splunkd starts an input every interval, and without this each run asked Entra ID for a token
 * that the previous run's token would still have served for most of an hour: twelve token
 * requests an hour per tenant at `interval = 300`, where Entra asks clients to cache tokens
 * (AADSTS50196, "cache tokens": microsoft-apis.md §4), and for a delegated input twelve
 * rotations of its refresh token. It also spares a run loading MSAL and opening a connection
 * to the login host.
 *
 * The stored value names what the token was issued for (`binding`: tenant, login host, scope,
 * app credential); a token for anything else is never used. The store never decides a run's
 * outcome: an entry that cannot be read or written is logged and the run asks Entra ID.
 */
export interface StoredToken {
  read(): Promise<IssuedToken | undefined>;
  write(token: IssuedToken): Promise<void>;
  clear(): Promise<void>;
}

const VERSION = 1;

export function createStoredToken(deps: {
  secrets: SecretStore;
  /** The storage/passwords name (`input/<input>/access_token`). */
  name: string;
  /** What the token must have been issued for; see tokenBinding(). */
  binding: string;
  logger?: Logger;
}): StoredToken {
  const { secrets, name, binding } = deps;
  return {
    async read() {
      let stored: Secret | undefined;
      try {
        stored = await secrets.read(name);
      } catch (error) {
        deps.logger?.warn("stored access token not read, asking Entra ID", { error });
        return undefined;
      }
      if (stored === undefined) return undefined;
      const doc = parse(stored.reveal());
      if (doc === undefined || doc.for !== binding) return undefined;
      return { accessToken: new Secret(doc.access_token), expiresAtMs: doc.expires_at };
    },

    async write(token) {
      const doc: StoredDocument = {
        v: VERSION, for: binding, expires_at: token.expiresAtMs, access_token: token.accessToken.reveal(),
      };
      try {
        await secrets.write(name, new Secret(JSON.stringify(doc)));
      } catch (error) {
        deps.logger?.warn("access token not stored, the next run asks Entra ID", { error });
      }
    },

    async clear() {
      try {
        await secrets.delete(name);
      } catch (error) {
        deps.logger?.warn("stored access token not deleted", { error });
      }
    },
  };
}

/**
 * What a stored token must match to be used: a digest (never the values) of the tenant, the
 * login host, the scope and the app credential (client id and secret or certificate and key).
 * A changed secret, tenant, cloud or API makes the stored token unusable at once.
 */
export function tokenBinding(parts: {
  tenantId: string;
  loginUrl: URL;
  scope: string;
  credential: string;
}): string {
  const material = [parts.tenantId, parts.loginUrl.origin, parts.scope, parts.credential];
  return createHash("sha256").update(JSON.stringify(material)).digest("hex").slice(0, 32);
}

interface StoredDocument {
  v: number;
  for: string;
  expires_at: number;
  access_token: string;
}

function parse(text: string): StoredDocument | undefined {
  try {
    const doc = JSON.parse(text) as Partial<StoredDocument>;
    if (doc.v !== VERSION || typeof doc.for !== "string" || typeof doc.access_token !== "string" ||
      doc.access_token === "" || typeof doc.expires_at !== "number" || !Number.isFinite(doc.expires_at)) {
      return undefined;
    }
    return doc as StoredDocument;
  } catch {
    return undefined;
  }
}
