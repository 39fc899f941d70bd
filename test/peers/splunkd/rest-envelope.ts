import { RestError } from "./rest-http.ts";

// Assumption: a plausible 9.3 build; only the shape matters to clients.
export const GENERATOR = { build: "d8bb32809498", version: "9.3.2" } as const;

/** One object of a collection endpoint, before it is put in splunkd's entry shape. */
export interface EntrySource {
  name: string;
  app: string;
  owner: string;
  author: string;
  sharing: "app" | "user" | "global" | "system";
  content: Record<string, unknown>;
  updated: Date;
}

/**
 * Where a collection lives: the origin and the path under it, e.g. `storage/passwords`;
 * `global` endpoints such as `server/info` live under `/services` only.
 */
export interface CollectionRef {
  origin: string;
  owner: string;
  app: string;
  base: string;
  global?: boolean;
}

export interface Paging {
  total: number;
  perPage: number;
  offset: number;
}

/** splunkd's timestamp form, e.g. `2024-05-01T12:34:56+00:00`. */
export function splunkTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "+00:00");
}

/**
 * The JSON envelope of a collection answer (`output_mode=json`). `fields` are splunkd's `f`
 * list arguments: when given, each entry's `content` keeps only the matching keys (`*` is a
 * wildcard), so a client can list credentials without receiving `clear_password`.
 */
export function buildEnvelope(
  ref: CollectionRef,
  entries: EntrySource[],
  paging: Paging,
  fields: readonly string[] = [],
): unknown {
  const path = `${prefix(ref, ref.owner, ref.app)}/${ref.base}`;
  return {
    links: { create: `${path}/_new`, _reload: `${path}/_reload`, _acl: `${path}/_acl` },
    origin: `${ref.origin}${path}`,
    updated: splunkTime(new Date()),
    generator: GENERATOR,
    entry: entries.map((entry) => buildEntry(ref, selectFields(entry, fields))),
    paging,
    messages: [],
  };
}

function selectFields(entry: EntrySource, fields: readonly string[]): EntrySource {
  if (fields.length === 0) return entry;
  const content = Object.fromEntries(
    Object.entries(entry.content).filter(([key]) =>
      fields.some((pattern) => globMatch(pattern, key, true))),
  );
  return { ...entry, content };
}

function buildEntry(ref: CollectionRef, entry: EntrySource): unknown {
  const name = encodeURIComponent(entry.name);
  const path = `${prefix(ref, entry.owner, entry.app)}/${ref.base}/${name}`;
  return {
    name: entry.name,
    id: `${ref.origin}${path}`,
    updated: splunkTime(entry.updated),
    links: { alternate: path, list: path, _reload: `${path}/_reload`, edit: path, remove: path },
    author: entry.author,
    acl: {
      app: entry.app,
      can_change_perms: true,
      can_list: true,
      can_share_app: true,
      can_share_global: true,
      can_share_user: entry.owner !== "nobody",
      can_write: true,
      modifiable: true,
      owner: entry.owner,
      perms: { read: ["*"], write: ["admin", "sc_admin"] },
      removable: true,
      sharing: entry.sharing,
    },
    content: entry.content,
  };
}

function prefix(ref: CollectionRef, owner: string, app: string): string {
  return ref.global === true ? "/services" : `/servicesNS/${owner}/${app}`;
}

/**
 * Applies splunkd's `count` (default 30; 0 or -1 = all) and `offset` list arguments.
 * Assumption: a non-integer value is refused with 400.
 */
export function pageOf<T>(items: T[], query: URLSearchParams): { page: T[]; paging: Paging } {
  const count = integerArg(query, "count", 30);
  const offset = integerArg(query, "offset", 0);
  if (offset < 0) throw new RestError(400, `Argument "offset" must not be negative.`);

  const end = count <= 0 ? items.length : offset + count;
  return {
    page: items.slice(offset, end),
    paging: { total: items.length, perPage: count, offset },
  };
}

/**
 * splunkd's `search` list filter: every whitespace-separated term must match. A `key=value`
 * term matches that field; a bare term matches the name or any field. Matching ignores case
 * and `*` is a wildcard.
 * Assumption: substring match for bare terms and whole-value match for `key=value`.
 */
/** A field's value as splunkd's search compares it: primitives as text, anything else as JSON. */
function textOf(value: unknown): string {
  return typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
}

export function matchesSearch(
  search: string | null,
  name: string,
  fields: Record<string, unknown>,
): boolean {
  if (search === null || search.trim() === "") return true;
  return search
    .trim()
    .split(/\s+/)
    .every((term) => {
      const eq = term.indexOf("=");
      if (eq > 0) {
        const key = term.slice(0, eq);
        const value = key === "name" ? name : fields[key];
        return value !== undefined && globMatch(term.slice(eq + 1), textOf(value), true);
      }
      return [name, ...Object.values(fields)].some((value) =>
        globMatch(term, String(value), false),
      );
    });
}

function globMatch(pattern: string, value: string, whole: boolean): boolean {
  const body = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(whole ? `^${body}$` : body, "i").test(value);
}

function integerArg(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  if (raw === null || raw === "") return fallback;
  if (!/^-?\d+$/.test(raw)) throw new RestError(400, `Argument "${name}" must be an integer.`);
  return Number(raw);
}
