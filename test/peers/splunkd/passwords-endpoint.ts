import { createCipheriv, randomBytes } from "node:crypto";

import { buildEnvelope, matchesSearch, pageOf, type EntrySource } from "./rest-envelope.ts";
import {
  appVisible,
  formArgs,
  rejectUnknownArgs,
  requireCapability,
  RestError,
  writeNamespace,
  type RestReply,
  type RestRequest,
} from "./rest-http.ts";

/** One stored credential, as the test helpers see it. */
export interface StoredPassword {
  app: string;
  owner: string;
  /** splunkd's escaped `realm:username:` name. */
  name: string;
  realm: string;
  username: string;
  clearPassword: string;
  encrPassword: string;
  author: string;
  updated: Date;
}

/** `storage/passwords`: credentials per app, kept in memory. */
export interface PasswordStore {
  handle(request: RestRequest, rest: string[], origin: string): RestReply;
  all(): StoredPassword[];
}

const BASE = "storage/passwords";
// Assumption: writing needs admin_all_objects (or the newer edit_storage_passwords).
const WRITE_CAPABILITIES = ["admin_all_objects", "edit_storage_passwords"];

/** Escapes one part of a credential name: `\` → `\\`, then `:` → `\:`. */
export function escapeCredentialPart(part: string): string {
  return part.replace(/\\/g, "\\\\").replace(/:/g, "\\:");
}

/** The entry name splunkd gives a credential: `realm:username:` with both parts escaped. */
export function credentialName(realm: string, username: string): string {
  return `${escapeCredentialPart(realm)}:${escapeCredentialPart(username)}:`;
}

export function createPasswordStore(): PasswordStore {
  const secretKey = randomBytes(32);
  const stored: StoredPassword[] = [];

  const encrypt = (clear: string): string => {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", secretKey, iv);
    const body = Buffer.concat([cipher.update(clear, "utf8"), cipher.final()]);
    return `$7$${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64")}`;
  };

  const reply = (request: RestRequest, origin: string, entries: StoredPassword[], status = 200) => {
    const sources = entries
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((entry) => toEntry(entry, request.session.capabilities.has("list_storage_passwords")));
    const { page, paging } = pageOf(sources, request.query);
    const { owner, app } = request.namespace;
    const fields = request.query.getAll("f");
    return { status, body: buildEnvelope({ origin, owner, app, base: BASE }, page, paging, fields) };
  };

  const visible = (request: RestRequest) =>
    stored.filter((entry) => appVisible(request.namespace, entry.app));

  const findForWrite = (request: RestRequest, name: string): StoredPassword => {
    const { app } = writeNamespace(request.namespace);
    const entry = stored.find((candidate) => candidate.app === app && candidate.name === name);
    if (!entry) throw new RestError(404, `Could not find object id=${name}`);
    return entry;
  };

  const create = (request: RestRequest, origin: string): RestReply => {
    const { owner, app } = writeNamespace(request.namespace);
    requireCapability(request.session, ...WRITE_CAPABILITIES);
    const args = formArgs(request);
    rejectUnknownArgs(args, ["name", "password", "realm"]);

    const username = args.get("name");
    const password = args.get("password");
    // Assumption: splunkd's wording for a missing required argument.
    if (!username) throw new RestError(400, "Missing argument: name");
    if (password === null) throw new RestError(400, "Missing argument: password");

    const realm = args.get("realm") ?? "";
    const name = credentialName(realm, username);
    if (stored.some((entry) => entry.app === app && entry.name === name)) {
      // Assumption: the text of splunkd's 409, as the reference believes it to be.
      throw new RestError(409, `An object with name=${name} already exists`);
    }
    const entry: StoredPassword = {
      app,
      owner,
      name,
      realm,
      username,
      clearPassword: password,
      encrPassword: encrypt(password),
      author: request.session.user,
      updated: new Date(),
    };
    stored.push(entry);
    return reply(request, origin, [entry], 201);
  };

  const update = (request: RestRequest, origin: string, name: string): RestReply => {
    requireCapability(request.session, ...WRITE_CAPABILITIES);
    const entry = findForWrite(request, name);
    const args = formArgs(request);
    rejectUnknownArgs(args, ["password"]);
    const password = args.get("password");
    if (password === null) throw new RestError(400, "Missing argument: password");

    entry.clearPassword = password;
    entry.encrPassword = encrypt(password);
    entry.updated = new Date();
    return reply(request, origin, [entry]);
  };

  const remove = (request: RestRequest, origin: string, name: string): RestReply => {
    requireCapability(request.session, ...WRITE_CAPABILITIES);
    const entry = findForWrite(request, name);
    stored.splice(stored.indexOf(entry), 1);
    // splunkd answers a DELETE with the remaining collection.
    return reply(request, origin, visible(request));
  };

  return {
    handle(request, rest, origin) {
      const [name, ...extra] = rest;
      if (extra.length > 0) throw new RestError(404, "Not Found");
      if (name === undefined) {
        if (request.method === "POST") return create(request, origin);
        if (request.method !== "GET") throw new RestError(405, "Method Not Allowed");
        const search = request.query.get("search");
        const matches = visible(request).filter((entry) =>
          matchesSearch(search, entry.name, { realm: entry.realm, username: entry.username }),
        );
        return reply(request, origin, matches);
      }
      if (request.method === "POST") return update(request, origin, name);
      if (request.method === "DELETE") return remove(request, origin, name);
      if (request.method !== "GET") throw new RestError(405, "Method Not Allowed");
      const matches = visible(request).filter((entry) => entry.name === name);
      if (matches.length === 0) throw new RestError(404, `Could not find object id=${name}`);
      return reply(request, origin, matches);
    },
    all() {
      return stored.map((entry) => ({ ...entry }));
    },
  };
}

// Assumption: without list_storage_passwords the entry is listed but `clear_password` is left
// out (splunkd may refuse the whole call instead; either way the secret stays hidden).
function toEntry(entry: StoredPassword, mayReadClear: boolean): EntrySource {
  const content: Record<string, unknown> = {};
  if (mayReadClear) content["clear_password"] = entry.clearPassword;
  Object.assign(content, {
    "eai:acl": null,
    encr_password: entry.encrPassword,
    password: "********",
    realm: entry.realm,
    username: entry.username,
  });
  return {
    name: entry.name,
    app: entry.app,
    owner: entry.owner,
    author: entry.author,
    sharing: entry.owner === "nobody" ? "app" : "user",
    content,
    updated: entry.updated,
  };
}
