/**
 * A small evaluator of the subset of Splunk's eval language that default/props.conf uses, so
 * the CIM mapping can be run on sample alerts without a Splunk. Anything outside the subset is
 * refused with an error rather than guessed, which keeps the props expressions simple.
 *
 * Semantics followed (Splunk's eval reference): a missing field is null; functions other than
 * coalesce/case/if/isnull/isnotnull/nullif return null when an argument they need is null;
 * `=` and `==` compare case-sensitively; mvfilter evaluates its predicate once per value of the
 * one multivalue field it names and returns null when nothing is kept.
 */

/** A field value: null (absent), one value, or a multivalue. */
export type SplValue = null | string | boolean | string[];
export type Fields = Record<string, string | string[]>;

type Node =
  | { kind: "string"; value: string }
  | { kind: "number"; value: string }
  | { kind: "field"; name: string }
  | { kind: "call"; name: string; args: Node[] }
  | { kind: "not"; operand: Node }
  | { kind: "binary"; op: "AND" | "OR" | "==" | "!=" | "."; left: Node; right: Node };

type Token = { type: "string" | "field" | "number" | "word" | "op"; text: string };

const TOKEN = /\s*(?:"((?:[^"\\]|\\.)*)"|'([^']+)'|(-?[0-9]+(?:\.[0-9]+)?)|([A-Za-z_][A-Za-z0-9_]*)|(==|!=|=|\(|\)|,|\.))/y;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    if (/^\s*$/.test(source.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(source);
    if (!m) throw new Error(`unsupported eval syntax at ${at}: ${source.slice(at, at + 20)}`);
    if (m[1] !== undefined) tokens.push({ type: "string", text: m[1].replace(/\\(["\\])/g, "$1") });
    else if (m[2] !== undefined) tokens.push({ type: "field", text: m[2] });
    else if (m[3] !== undefined) tokens.push({ type: "number", text: m[3] });
    else if (m[4] !== undefined) tokens.push({ type: "word", text: m[4] });
    else tokens.push({ type: "op", text: m[5] ?? "" });
  }
  return tokens;
}

/** Parses one eval expression; throws on anything outside the subset. */
export function parseEval(source: string): Node {
  const tokens = tokenize(source);
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const isOp = (text: string): boolean => peek()?.type === "op" && peek()?.text === text;
  const isWord = (text: string): boolean => peek()?.type === "word" && peek()?.text === text;
  const expect = (text: string): void => {
    if (!isOp(text)) throw new Error(`expected "${text}" in ${source}`);
    i++;
  };

  const or = (): Node => {
    let left = and();
    while (isWord("OR")) { i++; left = { kind: "binary", op: "OR", left, right: and() }; }
    return left;
  };
  const and = (): Node => {
    let left = not();
    while (isWord("AND")) { i++; left = { kind: "binary", op: "AND", left, right: not() }; }
    return left;
  };
  const not = (): Node => {
    if (isWord("NOT")) { i++; return { kind: "not", operand: not() }; }
    return comparison();
  };
  const comparison = (): Node => {
    const left = concat();
    if (isOp("==") || isOp("=") || isOp("!=")) {
      const op = tokens[i++]?.text === "!=" ? "!=" : "==";
      return { kind: "binary", op, left, right: concat() };
    }
    return left;
  };
  const concat = (): Node => {
    let left = primary();
    while (isOp(".")) { i++; left = { kind: "binary", op: ".", left, right: primary() }; }
    return left;
  };
  const primary = (): Node => {
    const token = tokens[i++];
    if (token === undefined) throw new Error(`unexpected end of ${source}`);
    if (token.type === "string") return { kind: "string", value: token.text };
    if (token.type === "number") return { kind: "number", value: token.text };
    if (token.type === "field") return { kind: "field", name: token.text };
    if (token.type === "op" && token.text === "(") {
      const inner = or();
      expect(")");
      return inner;
    }
    if (token.type === "word") {
      if (!isOp("(")) return { kind: "field", name: token.text };
      i++;
      const args: Node[] = [];
      if (!isOp(")")) {
        args.push(or());
        while (isOp(",")) { i++; args.push(or()); }
      }
      expect(")");
      if (!(token.text in FUNCTIONS)) throw new Error(`unsupported eval function ${token.text}()`);
      return { kind: "call", name: token.text, args };
    }
    throw new Error(`unexpected "${token.text}" in ${source}`);
  };

  const node = or();
  if (i !== tokens.length) throw new Error(`trailing input after position ${i} in ${source}`);
  return node;
}

type Evaluate = (node: Node) => SplValue;

function single(value: SplValue, what: string): string | null {
  if (Array.isArray(value)) {
    throw new Error(`${what} got a multivalue; the evaluator supports it only in mvfilter/mvindex`);
  }
  if (typeof value === "boolean") throw new Error(`${what} got a boolean`);
  return value;
}

/** A PCRE pattern as a JavaScript RegExp; only the syntax both engines read alike is allowed. */
function regex(pattern: string, flags = ""): RegExp {
  if (/\(\?[^:=!<]|\\[pPQEKRXhHvV]|\(\?<[=!]/.test(pattern)) {
    throw new Error(`regex outside the shared PCRE/JavaScript subset: ${pattern}`);
  }
  return new RegExp(pattern, flags);
}

const FUNCTIONS: Record<string, (args: Node[], ev: Evaluate, fields: Fields) => SplValue> = {
  true: () => true,
  false: () => false,
  isnull: ([a], ev) => ev(a!) === null,
  isnotnull: ([a], ev) => ev(a!) !== null,
  if: ([c, a, b], ev) => (ev(c!) === true ? ev(a!) : ev(b!)),
  case: (args, ev) => {
    for (let k = 0; k + 1 < args.length; k += 2) if (ev(args[k]!) === true) return ev(args[k + 1]!);
    return null;
  },
  coalesce: (args, ev) => {
    for (const arg of args) {
      const value = ev(arg);
      if (value !== null) return value;
    }
    return null;
  },
  nullif: ([a, b], ev) => {
    const x = single(ev(a!), "nullif");
    return x !== null && x === single(ev(b!), "nullif") ? null : x;
  },
  lower: ([a], ev) => single(ev(a!), "lower")?.toLowerCase() ?? null,
  match: ([s, p], ev) => {
    const text = single(ev(s!), "match");
    const pattern = single(ev(p!), "match");
    return text === null || pattern === null ? null : regex(pattern).test(text);
  },
  replace: ([s, p, r], ev) => {
    const text = single(ev(s!), "replace");
    const pattern = single(ev(p!), "replace");
    const replacement = single(ev(r!), "replace");
    if (text === null || pattern === null || replacement === null) return null;
    // SPL writes back-references as \1; JavaScript as $1.
    return text.replace(regex(pattern, "g"), replacement.replace(/\$/g, "$$$$").replace(/\\(\d)/g, "$$$1"));
  },
  mvindex: ([m, n], ev) => {
    const value = ev(m!);
    const index = Number(single(ev(n!), "mvindex"));
    if (value === null) return null;
    const values = Array.isArray(value) ? value : [single(value, "mvindex") ?? ""];
    return values.at(index) ?? null;
  },
  mvfilter: ([predicate], ev, fields) => {
    const names = fieldNames(predicate!);
    if (names.size !== 1) throw new Error("mvfilter's predicate must name exactly one field");
    const [name] = [...names] as [string];
    const value = fields[name];
    if (value === undefined) return null;
    const kept = (Array.isArray(value) ? value : [value]).filter(
      (one) => evaluate(predicate!, { ...fields, [name]: one }) === true,
    );
    if (kept.length === 0) return null;
    return kept.length === 1 ? kept[0]! : kept;
  },
};

function fieldNames(node: Node, into = new Set<string>()): Set<string> {
  if (node.kind === "field") into.add(node.name);
  if (node.kind === "call") for (const arg of node.args) fieldNames(arg, into);
  if (node.kind === "not") fieldNames(node.operand, into);
  if (node.kind === "binary") { fieldNames(node.left, into); fieldNames(node.right, into); }
  return into;
}

/** Evaluates a parsed expression against one event's fields. */
export function evaluate(node: Node, fields: Fields): SplValue {
  const ev: Evaluate = (n) => evaluate(n, fields);
  switch (node.kind) {
    case "string":
    case "number":
      return node.value;
    case "field":
      return fields[node.name] ?? null;
    case "call":
      return FUNCTIONS[node.name]!(node.args, ev, fields);
    case "not": {
      const value = ev(node.operand);
      return value === null ? null : value !== true;
    }
    case "binary": {
      if (node.op === "AND") return ev(node.left) === true && ev(node.right) === true;
      if (node.op === "OR") return ev(node.left) === true || ev(node.right) === true;
      const left = single(ev(node.left), node.op);
      const right = single(ev(node.right), node.op);
      if (left === null || right === null) return null;
      if (node.op === ".") return left + right;
      return node.op === "==" ? left === right : left !== right;
    }
  }
}
