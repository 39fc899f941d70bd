import { AddonError } from "../errors.ts";
import type { SplunkdClient } from "./client.ts";

export interface KvCollection<T extends object> {
  /** The document, or undefined when the key does not exist (404). */
  get(key: string): Promise<(T & { _key: string }) | undefined>;
  /** Inserts or replaces the document under `key`. */
  put(key: string, doc: T): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * One KV store collection of the app. A 503 means the KV store is starting or failed; it becomes
 * KVSTORE_UNAVAILABLE so the caller can stop before touching anything else.
 *
 * @throws AddonError KVSTORE_UNAVAILABLE, SPLUNKD_ERROR
 */
export function createKvCollection<T extends object>(
  splunkd: SplunkdClient,
  collection: string,
): KvCollection<T> {
  const docPath = (key: string): string =>
    `storage/collections/data/${collection}/${encodeURIComponent(key)}`;
  const client = splunkd.expect([404, 503]);

  const unavailable = (status: number): void => {
    if (status !== 503) return;
    throw new AddonError("KVSTORE_UNAVAILABLE", "The KV store is not available (HTTP 503)", {
      collection,
    });
  };

  return {
    async get(key) {
      const res = await client.get(docPath(key));
      unavailable(res.status);
      if (res.status === 404) return undefined;
      if (typeof res.json !== "object" || res.json === null) {
        throw new AddonError("SPLUNKD_ERROR", "The KV store returned a document that is not JSON", {
          collection,
        });
      }
      return res.json as T & { _key: string };
    },

    async put(key, doc) {
      // batch_save inserts or replaces by _key in one call, so there is no read-then-write race.
      const res = await client.postJson(`storage/collections/data/${collection}/batch_save`, [
        { ...doc, _key: key },
      ]);
      unavailable(res.status);
      if (res.status === 404) {
        throw new AddonError(
          "SPLUNKD_ERROR",
          `The KV store collection ${collection} does not exist; reinstall the add-on`,
          { collection },
        );
      }
    },

    async delete(key) {
      const res = await client.delete(docPath(key));
      unavailable(res.status);
    },
  };
}
