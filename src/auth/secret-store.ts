import { createHash, randomBytes } from "node:crypto";

import { AddonError } from "../errors.ts";
import { Secret } from "../log/secret.ts";
import { passwordEntryName, type SplunkdClient } from "../splunkd/index.ts";
import { firstContent } from "../splunkd/passwords.ts";

/**
 * Named secrets in splunkd's storage/passwords, of any length. A value longer than one entry
 * should hold is split into chunks (solnlib's limit, 255 characters: splunk-platform.md §2.3).
 */
export interface SecretStore {
  /** The value, or undefined when nothing is stored under `name`. */
  read(name: string): Promise<Secret | undefined>;
  /**
   * A short digest that changes whenever the stored value is replaced (never the value).
   * Undefined when nothing is stored.
   */
  stamp(name: string): Promise<string | undefined>;
  /** Stores `value` under `name`; a reader sees the old value or the new one, never a mix. */
  write(name: string, value: Secret): Promise<void>;
  delete(name: string): Promise<void>;
}

/** Characters per storage/passwords entry: "Splunk can only encrypt string with length <=255". */
export const CHUNK_SIZE = 255;
const MANIFEST = "ta-dm-chunked:1:";
/** Chunks of an unfinished write older than this are swept as crash leftovers. */
const ORPHAN_AGE_MS = 15 * 60_000;
const READ_ATTEMPTS = 3;

/**
 * A term for splunkd's `search` parameter that finds every entry whose name contains `name`: the
 * longest run of the name without a space (which separates terms), `=` (a `field=value` term) or
 * `*` (a wildcard). Input names, and with them the names of their secrets, are the admin's
 * choice. The parameter's exact grammar is not documented (splunk-platform.md §2.3 shows only
 * solnlib's `realm=<realm>`); a run of letters, digits and `_./-` is taken here to match as a
 * substring of a field, as the parameter does for a plain word.
 */
function searchTermFor(name: string): string {
  const runs = name.split(/[^A-Za-z0-9_./-]+/);
  return runs.reduce((longest, run) => (run.length > longest.length ? run : longest), "");
}

interface Manifest {
  generation: string;
  count: number;
  sha256: string;
}

function parseManifest(raw: string): Manifest | undefined {
  if (!raw.startsWith(MANIFEST)) return undefined;
  const [generation = "", count = "", sha256 = ""] = raw.slice(MANIFEST.length).split(":");
  if (!/^[0-9a-z]+-[0-9a-f]{10}$/.test(generation) || !/^\d{1,4}$/.test(count) ||
    !/^[0-9a-f]{64}$/.test(sha256)) {
    return undefined;
  }
  return { generation, count: Number(count), sha256 };
}

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");
const chunkName = (name: string, generation: string, index: number): string =>
  `${name}/${generation}/${index}`;

/**
 * A SecretStore on storage/passwords (realm `realm`, username = the secret's name).
 *
 * A long value is written as chunks `<name>/<generation>/<i>` first; only then does the entry
 * `<name>` switch to a manifest naming that generation, its chunk count and the SHA-256 of the
 * whole value. The switch is one entry update, so a crash leaves either the old manifest (and
 * its intact chunks) or the new one. A reader gets the manifest and its chunks in one listing,
 * checks the digest, and re-reads if a concurrent writer moved the manifest under it. Old chunks
 * are deleted after the switch, and chunks of writes that never switched (a crash) are swept
 * once they are older than 15 minutes. A value that fits one entry is stored in `<name>` itself,
 * which is also how an admin stores a client secret by hand.
 *
 * @throws AddonError SECRET_UNREADABLE, SPLUNKD_*
 */
export function createSecretStore(deps: {
  splunkd: SplunkdClient;
  realm: string;
  nowMs: () => number;
  chunkSize?: number;
}): SecretStore {
  const { splunkd, realm } = deps;
  const chunkSize = deps.chunkSize ?? CHUNK_SIZE;
  const entryPath = (username: string): string =>
    `storage/passwords/${encodeURIComponent(passwordEntryName(realm, username))}`;

  const getRaw = async (username: string): Promise<string | undefined> => {
    const res = await splunkd.expect([404]).get(entryPath(username));
    if (res.status === 404) return undefined;
    const clear = firstContent(res.json)?.["clear_password"];
    if (typeof clear !== "string") {
      throw new AddonError("SPLUNKD_ERROR",
        "splunkd returned a storage/passwords entry without clear_password; the user needs the " +
        "list_storage_passwords capability", { realm });
    }
    return clear;
  };
  // The entries of this realm whose names contain `search`: username → clear_password.
  const listRaw = async (search: string): Promise<Map<string, string>> => {
    const res = await splunkd.get("storage/passwords", { search, count: "0" });
    const entries = (res.json as { entry?: { content?: Record<string, unknown> }[] }).entry ?? [];
    const found = new Map<string, string>();
    for (const { content } of entries) {
      const username = content?.["username"];
      const clear = content?.["clear_password"];
      if (content?.["realm"] === realm && typeof username === "string" && typeof clear === "string") {
        found.set(username, clear);
      }
    }
    return found;
  };
  // Creates the entry, or updates it when it exists (409); an entry known to exist is updated
  // first, which saves the refused create.
  const putRaw = async (username: string, value: string, exists = false): Promise<void> => {
    if (exists) {
      const updated = await splunkd.expect([404]).postForm(entryPath(username), { password: value });
      if (updated.status !== 404) return;
    }
    const created = await splunkd.expect([409]).postForm("storage/passwords", {
      name: username, realm, password: value,
    });
    if (created.status === 409) await splunkd.postForm(entryPath(username), { password: value });
  };
  const deleteRaw = async (username: string): Promise<void> => {
    await splunkd.expect([404]).delete(entryPath(username));
  };
  const indexes = (count: number): number[] => Array.from({ length: count }, (_, i) => i + 1);
  const deleteChunks = async (name: string, manifest: Manifest): Promise<void> => {
    await Promise.all(indexes(manifest.count).map((i) => deleteRaw(chunkName(name, manifest.generation, i))));
  };

  const readOnce = async (name: string): Promise<Secret | undefined | "retry"> => {
    // The entry and all its chunks in one listing (chunk names start with the entry's name). An
    // entry the listing does not show is asked for by name: that tells one that does not exist
    // from one this user may not read.
    const listed = await listRaw(searchTermFor(name));
    const raw = listed.get(name) ?? (await getRaw(name));
    if (raw === undefined) return undefined;
    const manifest = parseManifest(raw);
    if (manifest === undefined) return new Secret(raw);
    const partsIn = (entries: Map<string, string>) =>
      indexes(manifest.count).map((i) => entries.get(chunkName(name, manifest.generation, i)));
    let parts = partsIn(listed);
    // Chunks the name's listing did not show are looked for once more by their generation.
    if (parts.some((part) => part === undefined)) {
      parts = partsIn(await listRaw(manifest.generation));
    }
    if (parts.some((part) => part === undefined)) return "retry";
    const value = parts.join("");
    return sha256(value) === manifest.sha256 ? new Secret(value) : "retry";
  };

  // Chunks of this name that no manifest names and that are old enough not to belong to a
  // write in progress elsewhere.
  const sweep = async (name: string, keep: string): Promise<void> => {
    const pattern = /^(.*)\/([0-9a-z]+)-([0-9a-f]{10})\/(\d+)$/;
    for (const username of (await listRaw(searchTermFor(name))).keys()) {
      const match = pattern.exec(username);
      if (match === null || match[1] !== name || `${match[2]}-${match[3]}` === keep) continue;
      const writtenAt = parseInt(match[2] ?? "", 36);
      if (deps.nowMs() - writtenAt > ORPHAN_AGE_MS) await deleteRaw(username);
    }
  };

  return {
    async read(name) {
      for (let attempt = 1; attempt <= READ_ATTEMPTS; attempt += 1) {
        const value = await readOnce(name);
        if (value !== "retry") return value;
      }
      throw new AddonError("SECRET_UNREADABLE",
        `The stored value '${name}' is incomplete: a chunk is missing or does not match its ` +
        "digest", { realm, secret: name });
    },

    async stamp(name) {
      const raw = await getRaw(name);
      return raw === undefined ? undefined : sha256(raw).slice(0, 16);
    },

    async write(name, value) {
      const text = value.reveal();
      const previous = await getRaw(name);
      const old = previous === undefined ? undefined : parseManifest(previous);

      let generation = "";
      if (text.length <= chunkSize && !text.startsWith(MANIFEST)) {
        await putRaw(name, text, previous !== undefined);
      } else {
        generation = `${deps.nowMs().toString(36)}-${randomBytes(5).toString("hex")}`;
        const count = Math.ceil(text.length / chunkSize);
        // Every chunk is written before the manifest names them: a reader never follows a
        // manifest to a chunk that is not there yet.
        await Promise.all(indexes(count).map((i) =>
          putRaw(chunkName(name, generation, i), text.slice((i - 1) * chunkSize, i * chunkSize))));
        await putRaw(name, `${MANIFEST}${generation}:${count}:${sha256(text)}`, previous !== undefined);
      }

      // The new value is in place; what follows only frees entries nothing points to any more.
      if (old !== undefined && old.generation !== generation) await deleteChunks(name, old);
      await sweep(name, generation);
    },

    async delete(name) {
      const previous = await getRaw(name);
      if (previous === undefined) return;
      await deleteRaw(name);
      const old = parseManifest(previous);
      if (old !== undefined) await deleteChunks(name, old);
    },
  };
}
