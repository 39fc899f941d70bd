import { RestError } from "./rest-http.ts";

/** A JSON value as the KV store holds it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type KvDocument = { [key: string]: Json };

// limits.conf [kvstore] max_rows_per_query default (9.2).
const MAX_ROWS = 50_000;

const COMPARISONS = new Set(["$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin"]);

/**
 * Whether a document matches a KV store query, the Mongo subset splunkd documents:
 * field equality, `$eq $ne $gt $gte $lt $lte $in $nin $exists $regex`, `$and`, `$or`, `$not`.
 * Throws a 400 RestError for an operator outside that subset.
 */
export function matchesQuery(doc: KvDocument, query: Json): boolean {
  if (!isObject(query)) throw new RestError(400, "The query must be a JSON object.");
  return Object.entries(query).every(([key, condition]) => {
    if (key === "$and" || key === "$or") {
      if (!Array.isArray(condition)) throw new RestError(400, `${key} needs an array.`);
      const results = condition.map((part) => matchesQuery(doc, part));
      return key === "$and" ? results.every(Boolean) : results.some(Boolean);
    }
    if (key.startsWith("$")) throw new RestError(400, `Unsupported query operator ${key}.`);
    return matchesCondition(valueAt(doc, key), condition);
  });
}

function matchesCondition(value: Json | undefined, condition: Json): boolean {
  const operators = isObject(condition) ? Object.keys(condition) : [];
  if (!isObject(condition) || !operators.every((op) => op.startsWith("$"))) {
    return value !== undefined && equal(value, condition);
  }
  return Object.entries(condition).every(([op, operand]) => {
    if (op === "$exists") return (value !== undefined) === Boolean(operand);
    if (op === "$not") return !matchesCondition(value, operand);
    if (op === "$regex") return typeof value === "string" && regexOf(operand).test(value);
    if (!COMPARISONS.has(op)) throw new RestError(400, `Unsupported query operator ${op}.`);
    return compareWith(op, value, operand);
  });
}

function compareWith(op: string, value: Json | undefined, operand: Json): boolean {
  if (op === "$in" || op === "$nin") {
    if (!Array.isArray(operand)) throw new RestError(400, `${op} needs an array.`);
    const found = value !== undefined && operand.some((candidate) => equal(value, candidate));
    return op === "$in" ? found : !found;
  }
  if (op === "$eq") return value !== undefined && equal(value, operand);
  if (op === "$ne") return value === undefined || !equal(value, operand);
  // Range operators only compare values of one type, as MongoDB does.
  if (value === undefined || typeof value !== typeof operand) return false;
  if (typeof value !== "number" && typeof value !== "string") return false;
  const order = compare(value, operand);
  if (op === "$gt") return order > 0;
  if (op === "$gte") return order >= 0;
  if (op === "$lt") return order < 0;
  return order <= 0;
}

/** Sorts by `field[:1|:-1]` keys, the first key first; ties keep insertion order. */
export function sortDocuments(docs: KvDocument[], sortKeys: string[]): KvDocument[] {
  const keys = sortKeys.map((spec) => {
    const [field = "", direction = "1"] = spec.split(":");
    if (field === "" || (direction !== "1" && direction !== "-1")) {
      throw new RestError(400, `Invalid sort key "${spec}".`);
    }
    return { field, sign: direction === "-1" ? -1 : 1 };
  });
  return [...docs].sort((a, b) => {
    for (const { field, sign } of keys) {
      const order = compare(valueAt(a, field), valueAt(b, field));
      if (order !== 0) return order * sign;
    }
    return 0;
  });
}

/**
 * Applies `fields`: `a,b` keeps those and `_key`; `a:0` drops a; `_key:0` drops the key too.
 */
export function projectFields(doc: KvDocument, fields: string | null): KvDocument {
  if (fields === null || fields.trim() === "") return doc;
  const specs = fields
    .split(",")
    .map((spec) => spec.trim())
    .filter((spec) => spec !== "");
  const excluded = new Set(specs.filter((s) => s.endsWith(":0")).map((s) => s.slice(0, -2)));
  const included = specs.filter((spec) => !spec.endsWith(":0")).map((s) => s.replace(/:1$/, ""));

  const result: KvDocument = {};
  for (const [key, value] of Object.entries(doc)) {
    if (excluded.has(key)) continue;
    if (included.length > 0 && key !== "_key" && !included.includes(key)) continue;
    result[key] = value;
  }
  return result;
}

function regexOf(operand: Json): RegExp {
  try {
    if (typeof operand === "string") return new RegExp(operand);
  } catch {
    // Falls through to the 400 below.
  }
  throw new RestError(400, `$regex needs a valid regular expression.`);
}

export function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function valueAt(doc: KvDocument, path: string): Json | undefined {
  let current: Json | undefined = doc;
  for (const part of path.split(".")) {
    if (!isObject(current)) return undefined;
    current = Object.hasOwn(current, part) ? current[part] : undefined;
  }
  return current;
}

function equal(a: Json, b: Json): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

// Missing values sort first, then by type name, then by value.
function compare(a: Json | undefined, b: Json | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  if (typeof a !== typeof b) return typeof a < typeof b ? -1 : 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  const left = typeof a === "string" ? a : JSON.stringify(a);
  const right = typeof b === "string" ? b : JSON.stringify(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** One KV store read: `query`, `sort`, `limit`, `skip` and `fields`. */
export interface FindArgs {
  query: Json;
  sort: string[];
  limit: number;
  skip: number;
  fields: string | null;
}

/** Runs one read over a collection's documents, capped at max_rows_per_query. */
export function find(docs: Map<string, KvDocument>, args: FindArgs): KvDocument[] {
  const matches = [...docs.values()].filter((doc) => matchesQuery(doc, args.query));
  const sorted = args.sort.length > 0 ? sortDocuments(matches, args.sort) : matches;
  const limit = args.limit > 0 ? Math.min(args.limit, MAX_ROWS) : MAX_ROWS;
  return sorted
    .slice(args.skip, args.skip + limit)
    .map((doc) => projectFields(structuredClone(doc), args.fields));
}

/** The read arguments of `GET storage/collections/data/<collection>`. */
export function queryArgs(query: URLSearchParams): FindArgs {
  const integer = (name: string): number => {
    const raw = query.get(name);
    if (raw === null || raw === "") return 0;
    if (!/^\d+$/.test(raw)) throw new RestError(400, `Invalid ${name}: ${raw}`);
    return Number(raw);
  };
  return {
    query: parseQueryArg(query.get("query")),
    sort: query
      .getAll("sort")
      .flatMap((value) => value.split(","))
      .filter((s) => s !== ""),
    limit: integer("limit"),
    skip: integer("skip"),
    fields: query.get("fields"),
  };
}

export function parseQueryArg(raw: string | null): Json {
  if (raw === null || raw === "") return {};
  try {
    return JSON.parse(raw) as Json;
  } catch {
    throw new RestError(400, `Invalid query: not JSON: ${raw}`);
  }
}
