import { randomBytes } from "node:crypto";
import { join } from "node:path";

import { readConfFile } from "./conf-file.ts";
import { find, isObject, matchesQuery, parseQueryArg, queryArgs } from "./kv-query.ts";
import type { Json, KvDocument } from "./kv-query.ts";
import { buildEnvelope, pageOf } from "./rest-envelope.ts";
import { appVisible, RestError, WILDCARD } from "./rest-http.ts";
import type { RestReply, RestRequest } from "./rest-http.ts";

export type KvStoreStatus = "ready" | "starting" | "failed";

/** `storage/collections/{config,data}`: collections from collections.conf, data in memory. */
export interface KvStore {
  /** `rest` is the path after `storage/collections`. */
  handle(request: RestRequest, rest: string[], origin: string): RestReply;
  documents(app: string, collection: string): KvDocument[];
  status: KvStoreStatus;
}

// limits.conf [kvstore] max_documents_per_batch_save default (9.2).
const MAX_BATCH_SAVE = 50_000;

// Assumption: the "starting" text is the one clients quote from splunkd; "failed" is a guess.
const UNAVAILABLE: Record<Exclude<KvStoreStatus, "ready">, string> = {
  starting: "KV Store is initializing. Please try again later.",
  failed: "KV Store is disabled or failed to start. See splunkd.log and mongod.log for details.",
};

export function createKvStore(opts: { appName: string; appDir: string }): KvStore {
  const declared = readConfFile(join(opts.appDir, "default", "collections.conf"));
  declared.delete("default");
  const data = new Map<string, Map<string, KvDocument>>();

  const collectionOf = (app: string, name: string): Map<string, KvDocument> => {
    if (app !== opts.appName || !declared.has(name)) {
      // Assumption: an undeclared collection answers like any unknown object.
      throw new RestError(404, `Could not find object id=${name}`);
    }
    const id = `${app}/${name}`;
    let docs = data.get(id);
    if (!docs) data.set(id, (docs = new Map<string, KvDocument>()));
    return docs;
  };

  const store: KvStore = {
    status: "ready",
    handle(request, rest, origin) {
      const [kind, name, ...more] = rest;
      if (kind === "config") return configReply(request, name, origin);
      if (kind !== "data" || name === undefined || more.length > 1) {
        throw new RestError(404, "Not Found");
      }
      if (store.status !== "ready") throw new RestError(503, UNAVAILABLE[store.status]);
      const { owner, app } = dataNamespace(request);
      const docs = collectionOf(app, name);
      // Documents carry the namespace owner as `_user`: "nobody" for app-level data.
      return dataReply(request, docs, owner, more[0]);
    },
    documents(app, collection) {
      return [...(data.get(`${app}/${collection}`)?.values() ?? [])].map((doc) => clone(doc));
    },
  };

  const configReply = (request: RestRequest, name: string | undefined, origin: string) => {
    if (request.method !== "GET") throw new RestError(405, "Method Not Allowed");
    const names = appVisible(request.namespace, opts.appName) ? [...declared.keys()] : [];
    const matches = name === undefined ? names : names.filter((candidate) => candidate === name);
    if (name !== undefined && matches.length === 0) {
      throw new RestError(404, `Could not find object id=${name}`);
    }
    const entries = matches.map((collection) => ({
      name: collection,
      app: opts.appName,
      owner: "nobody",
      author: "nobody",
      sharing: "app" as const,
      updated: new Date(0),
      content: Object.fromEntries(declared.get(collection) ?? []),
    }));
    const { page, paging } = pageOf(entries, request.query);
    const { owner, app } = request.namespace;
    const ref = { origin, owner, app, base: "storage/collections/config" };
    return { status: 200, body: buildEnvelope(ref, page, paging) };
  };

  return store;
}

function dataReply(
  request: RestRequest,
  docs: Map<string, KvDocument>,
  user: string,
  key: string | undefined,
): RestReply {
  const { method } = request;
  if (key === "batch_save" && method === "POST") return batchSave(request, docs, user);
  if (key === "batch_find" && method === "POST") return batchFind(request, docs);

  if (key === undefined) {
    if (method === "GET") return { status: 200, body: find(docs, queryArgs(request.query)) };
    if (method === "POST") return insert(docs, documentBody(request), user);
    if (method !== "DELETE") throw new RestError(405, "Method Not Allowed");
    const query = parseQueryArg(request.query.get("query"));
    for (const [docKey, doc] of docs) if (matchesQuery(doc, query)) docs.delete(docKey);
    return { status: 200, body: undefined };
  }

  const existing = docs.get(key);
  // Assumption: the KV store's text for an absent key, from memory of real answers.
  if (!existing) throw new RestError(404, "Could not find object.");
  if (method === "GET") return { status: 200, body: clone(existing) };
  if (method === "DELETE") {
    docs.delete(key);
    return { status: 200, body: undefined };
  }
  if (method !== "POST") throw new RestError(405, "Method Not Allowed");
  // Assumption: POST to an absent key is 404 (above), not an upsert; batch_save upserts.
  docs.set(key, stamp(documentBody(request), key, user));
  return { status: 200, body: { _key: key } };
}

function insert(docs: Map<string, KvDocument>, doc: KvDocument, user: string): RestReply {
  const key = keyOf(doc) ?? newKey();
  if (docs.has(key)) {
    // Assumption: wording of the duplicate-key error.
    throw new RestError(409, "A document with the same key and user already exists.");
  }
  docs.set(key, stamp(doc, key, user));
  return { status: 201, body: { _key: key } };
}

function batchSave(request: RestRequest, docs: Map<string, KvDocument>, user: string): RestReply {
  const body = jsonBody(request);
  if (!Array.isArray(body)) throw new RestError(400, "batch_save expects a JSON array.");
  if (body.length > MAX_BATCH_SAVE) {
    throw new RestError(400, `Request exceeds max_documents_per_batch_save=${MAX_BATCH_SAVE}.`);
  }
  const valid = body.map((doc) => {
    if (!isObject(doc)) throw new RestError(400, "batch_save expects an array of objects.");
    return doc;
  });
  // Validate every item before writing any, so one bad item saves nothing.
  const keyed = valid.map((doc) => ({ doc, key: keyOf(doc) ?? newKey() }));
  for (const { doc, key } of keyed) docs.set(key, stamp(doc, key, user));
  return { status: 200, body: keyed.map(({ key }) => key) };
}

function batchFind(request: RestRequest, docs: Map<string, KvDocument>): RestReply {
  const body = jsonBody(request);
  if (!Array.isArray(body)) throw new RestError(400, "batch_find expects a JSON array.");
  const results = body.map((spec) => {
    if (!isObject(spec)) throw new RestError(400, "batch_find expects an array of objects.");
    const text = (value: Json | undefined) =>
      value === undefined || value === null
        ? null
        : typeof value === "object" ? JSON.stringify(value) : String(value);
    return find(docs, {
      query: spec["query"] ?? {},
      sort: typeof spec["sort"] === "string" ? spec["sort"].split(",") : [],
      limit: Number(spec["limit"] ?? 0),
      skip: Number(spec["skip"] ?? 0),
      fields: text(spec["fields"]),
    });
  });
  return { status: 200, body: results };
}

function dataNamespace(request: RestRequest): { owner: string; app: string } {
  const { namespace } = request;
  if (namespace.implicit) return { owner: "nobody", app: "search" };
  if (namespace.owner === WILDCARD || namespace.app === WILDCARD) {
    // Assumption: KV store data needs an explicit namespace; splunkd's text is unknown.
    throw new RestError(
      400,
      `KV Store data needs an explicit owner and app, not ` +
        `owner=${namespace.owner} app=${namespace.app}.`,
    );
  }
  return { owner: namespace.owner, app: namespace.app };
}

function documentBody(request: RestRequest): KvDocument {
  const body = jsonBody(request);
  if (!isObject(body)) throw new RestError(400, "The document must be a JSON object.");
  return body;
}

// Assumption: splunkd refuses a KV write that is not declared as JSON (its text is unknown).
function jsonBody(request: RestRequest): Json {
  const type = request.contentType.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") {
    throw new RestError(
      400,
      `KV Store writes need Content-Type: application/json, got "${type ?? ""}".`,
    );
  }
  try {
    return JSON.parse(request.body.toString("utf8")) as Json;
  } catch {
    throw new RestError(400, "The request body is not valid JSON.");
  }
}

function keyOf(doc: KvDocument): string | undefined {
  const key = doc["_key"];
  if (key === undefined) return undefined;
  if (typeof key !== "string" || key === "") {
    throw new RestError(400, "_key must be a non-empty string.");
  }
  return key;
}

function stamp(doc: KvDocument, key: string, user: string): KvDocument {
  return { ...clone(doc), _user: user, _key: key };
}

// An ObjectId-like key: 4 bytes of seconds, then 8 random bytes, in hex.
function newKey(): string {
  const seconds = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, "0");
  return seconds + randomBytes(8).toString("hex");
}

function clone(doc: KvDocument): KvDocument {
  return structuredClone(doc);
}
