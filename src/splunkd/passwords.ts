import { AddonError } from "../errors.ts";
import { Secret } from "../log/secret.ts";
import type { SplunkdClient } from "./client.ts";

/**
 * The name splunkd gives a `storage/passwords` entry: `realm:username:`, with `:` and `\`
 * escaped inside each part (reference: splunk-platform.md §2.3).
 */
export function passwordEntryName(realm: string, username: string): string {
  const escape = (part: string): string => part.replace(/\\/g, "\\\\").replace(/:/g, "\\:");
  return `${escape(realm)}:${escape(username)}:`;
}

export interface PasswordStore {
  /** The clear secret, or undefined when no such entry exists. */
  read(realm: string, username: string): Promise<Secret | undefined>;
  /** Creates the entry or, when it exists (409), updates it. */
  write(realm: string, username: string, secret: Secret): Promise<void>;
}

export function createPasswordStore(splunkd: SplunkdClient): PasswordStore {
  const entryPath = (realm: string, username: string): string =>
    `storage/passwords/${encodeURIComponent(passwordEntryName(realm, username))}`;

  return {
    async read(realm, username) {
      const res = await splunkd.expect([404]).get(entryPath(realm, username));
      if (res.status === 404) return undefined;
      const clear = firstContent(res.json)?.["clear_password"];
      if (typeof clear !== "string") {
        throw new AddonError(
          "SPLUNKD_ERROR",
          "splunkd returned a storage/passwords entry without clear_password; the input's " +
            "user needs the list_storage_passwords capability",
          { realm },
        );
      }
      return new Secret(clear);
    },

    async write(realm, username, secret) {
      const created = await splunkd.expect([409]).postForm("storage/passwords", {
        name: username,
        realm,
        password: secret.reveal(),
      });
      if (created.status !== 409) return;
      await splunkd.postForm(entryPath(realm, username), { password: secret.reveal() });
    },
  };
}

/** The `content` of the first entry of a splunkd JSON envelope. */
export function firstContent(json: unknown): Record<string, unknown> | undefined {
  const entry = (json as { entry?: unknown } | undefined)?.entry;
  if (!Array.isArray(entry) || entry.length === 0) return undefined;
  const content = (entry[0] as { content?: unknown }).content;
  return typeof content === "object" && content !== null
    ? (content as Record<string, unknown>)
    : undefined;
}
