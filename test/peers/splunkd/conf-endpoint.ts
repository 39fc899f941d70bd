import { join } from "node:path";

import { readConfFile, type ConfStanzas } from "./conf-file.ts";
import { buildEnvelope, matchesSearch, pageOf, type EntrySource } from "./rest-envelope.ts";
import {
  formArgs,
  requireCapability,
  RestError,
  WILDCARD,
  writeNamespace,
  type RestReply,
  type RestRequest,
} from "./rest-http.ts";

/** `configs/conf-<file>`: the app's default/ files merged with a local layer kept in memory. */
export interface ConfStore {
  handle(request: RestRequest, file: string, rest: string[], origin: string): RestReply;
  /** Effective stanzas of one app's file: [default] inherited, then default/, then local. */
  merged(app: string, file: string): ConfStanzas;
  /** The stanzas of the app's default/ file only. */
  defaults(app: string, file: string): ConfStanzas;
  /** Sets keys of a stanza in the local layer (creating it), as a REST write does. */
  writeLocal(app: string, file: string, stanza: string, keys: Iterable<[string, string]>): void;
  /** Removes a stanza from the local layer. */
  removeLocal(app: string, file: string, stanza: string): void;
}

// Assumption: writing a conf through REST needs admin_all_objects (real splunkd checks the
// object's write ACL, which is [admin] in most apps).
const WRITE_CAPABILITY = "admin_all_objects";

export function createConfStore(opts: { appName: string; appDir: string }): ConfStore {
  // app → file → stanzas written through REST; never written to disk.
  const local = new Map<string, Map<string, ConfStanzas>>();

  const localOf = (app: string, file: string): ConfStanzas => {
    let files = local.get(app);
    if (!files) local.set(app, (files = new Map<string, ConfStanzas>()));
    let stanzas = files.get(file);
    if (!stanzas) files.set(file, (stanzas = new Map<string, Map<string, string>>()));
    return stanzas;
  };

  const defaultsOf = (app: string, file: string): ConfStanzas =>
    app === opts.appName
      ? readConfFile(join(opts.appDir, "default", `${file}.conf`))
      : new Map<string, Map<string, string>>();

  const merged = (app: string, file: string): ConfStanzas => {
    const layers: ConfStanzas[] = [
      defaultsOf(app, file),
      local.get(app)?.get(file) ?? new Map<string, Map<string, string>>(),
    ];
    const inherited = new Map<string, string>(
      layers.flatMap((layer) => [...(layer.get("default") ?? [])]),
    );
    const names = new Set(layers.flatMap((layer) => [...layer.keys()]));
    // Assumption: [default] is inherited by every stanza and not listed as an entry itself.
    names.delete("default");

    const result: ConfStanzas = new Map();
    for (const name of [...names].sort()) {
      const stanza = new Map(inherited);
      for (const layer of layers) for (const [k, v] of layer.get(name) ?? []) stanza.set(k, v);
      result.set(name, stanza);
    }
    return result;
  };

  const appsFor = (request: RestRequest): string[] => {
    if (request.namespace.app !== WILDCARD) return [request.namespace.app];
    return [...new Set([opts.appName, ...local.keys()])];
  };

  const entriesOf = (request: RestRequest, file: string): EntrySource[] =>
    appsFor(request).flatMap((app) =>
      [...merged(app, file)].map(([name, keys]) => toEntry(app, name, keys)),
    );

  const reply = (
    request: RestRequest,
    file: string,
    origin: string,
    entries: EntrySource[],
    status = 200,
  ): RestReply => {
    const { page, paging } = pageOf(entries, request.query);
    const { owner, app } = request.namespace;
    const ref = { origin, owner, app, base: `configs/conf-${file}` };
    return { status, body: buildEnvelope(ref, page, paging) };
  };

  const write = (request: RestRequest): { app: string; args: URLSearchParams } => {
    const { app } = writeNamespace(request.namespace);
    requireCapability(request.session, WRITE_CAPABILITY);
    return { app, args: request.method === "POST" ? formArgs(request) : new URLSearchParams() };
  };

  return {
    merged,
    defaults: defaultsOf,
    writeLocal(app, file, stanza, keys) {
      const target = localOf(app, file);
      const values = target.get(stanza) ?? new Map<string, string>();
      for (const [key, value] of keys) values.set(key, value);
      target.set(stanza, values);
    },
    removeLocal(app, file, stanza) {
      localOf(app, file).delete(stanza);
    },
    handle(request, file, rest, origin) {
      if (!/^[A-Za-z0-9_.-]+$/.test(file)) throw new RestError(400, `Invalid conf name: ${file}`);
      const [stanza, ...extra] = rest;
      if (extra.length > 0) throw new RestError(404, "Not Found");

      if (request.method === "GET") {
        const search = request.query.get("search");
        const entries = entriesOf(request, file).filter((entry) =>
          stanza === undefined
            ? matchesSearch(search, entry.name, entry.content)
            : entry.name === stanza,
        );
        if (stanza !== undefined && entries.length === 0) {
          throw new RestError(404, `Could not find object id=${stanza}`);
        }
        return reply(request, file, origin, entries);
      }

      if (request.method === "POST" && stanza === undefined) {
        const { app, args } = write(request);
        const name = args.get("name");
        if (!name) throw new RestError(400, "Missing argument: name");
        // Assumption: the same wording as storage/passwords for a duplicate stanza.
        if (merged(app, file).has(name)) {
          throw new RestError(409, `An object with name=${name} already exists`);
        }
        args.delete("name");
        localOf(app, file).set(name, new Map(args));
        return reply(request, file, origin, [entryIn(app, file, name)], 201);
      }
      if (stanza === undefined) throw new RestError(405, "Method Not Allowed");

      const { app, args } = write(request);
      if (!merged(app, file).has(stanza)) {
        throw new RestError(404, `Could not find object id=${stanza}`);
      }
      if (request.method === "POST") {
        if (args.has("name")) {
          throw new RestError(400, `Argument "name" is not supported by this handler.`);
        }
        const target = localOf(app, file);
        const keys = target.get(stanza) ?? new Map<string, string>();
        for (const [key, value] of args) keys.set(key, value);
        target.set(stanza, keys);
        return reply(request, file, origin, [entryIn(app, file, stanza)]);
      }
      if (request.method !== "DELETE") throw new RestError(405, "Method Not Allowed");
      if (defaultsOf(app, file).has(stanza)) {
        // Assumption: splunkd refuses to delete a stanza that ships in default/.
        throw new RestError(400, `Object id=${stanza} cannot be deleted in config=${file}.`);
      }
      localOf(app, file).delete(stanza);
      return reply(request, file, origin, entriesOf(request, file));
    },
  };

  function entryIn(app: string, file: string, stanza: string): EntrySource {
    return toEntry(app, stanza, merged(app, file).get(stanza) ?? new Map<string, string>());
  }
}

function toEntry(app: string, name: string, keys: Map<string, string>): EntrySource {
  const content: Record<string, unknown> = Object.fromEntries(keys);
  // splunkd reports `disabled` as a JSON boolean and adds the eai:* keys to every entry.
  content["disabled"] = ["1", "true"].includes((keys.get("disabled") ?? "").toLowerCase());
  content["eai:acl"] = null;
  content["eai:appName"] = app;
  content["eai:userName"] = "nobody";
  return {
    name,
    app,
    owner: "nobody",
    author: "nobody",
    sharing: "app",
    content,
    updated: new Date(),
  };
}
