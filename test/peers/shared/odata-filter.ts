// The OData `$filter` subset the Microsoft alert APIs document: comparisons on a fixed set of
// fields, joined by `and` / `or`, with parentheses. DateTimeOffset literals are unquoted and
// compared as exact instants; enum and string literals are single-quoted. Each API passes its
// own schema (filterable fields, enum members, entity type name).

import { parseInstant } from "./timestamps.ts";

/** A query option a peer refuses; each peer answers it in its own error envelope. */
export class ODataQueryError extends Error {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(message);
    this.name = "ODataQueryError";
  }
}

export type FieldType = "DateTimeOffset" | "Int64" | "String" | "Enum";
type Operator = "eq" | "ne" | "gt" | "ge" | "lt" | "le";
type Literal =
  | { type: "DateTimeOffset"; ticks: bigint }
  | { type: "Int64"; value: number }
  | { type: "String"; value: string }
  | { type: "Null" };

export interface FieldSpec {
  type: FieldType;
  /** Enum members, exactly as the service spells them. */
  values?: readonly string[];
}

export interface FilterSchema {
  /** Type name the error messages cite (`Alert`, `microsoft.graph.security.alert`). */
  entityType: string;
  fields: Readonly<Record<string, FieldSpec>>;
}

export type FilterNode =
  | { kind: "and" | "or"; left: FilterNode; right: FilterNode }
  | { kind: "compare"; field: string; type: FieldType; op: Operator; literal: Literal };

const OPERATORS = new Set<string>(["eq", "ne", "gt", "ge", "lt", "le"]);
const OPERATOR_KINDS: Record<Operator, string> = { eq: "Equal", ne: "NotEqual",
  gt: "GreaterThan", ge: "GreaterThanOrEqual", lt: "LessThan", le: "LessThanOrEqual" };

interface Token { text: string; position: number; quoted: boolean }

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] ?? "";
    if (ch === " ") {
      i += 1;
    } else if (ch === "(" || ch === ")") {
      tokens.push({ text: ch, position: i, quoted: false });
      i += 1;
    } else if (ch === "'") {
      const end = closingQuote(source, i);
      tokens.push({ text: source.slice(i + 1, end).replaceAll("''", "'"), position: i,
        quoted: true });
      i = end + 1;
    } else {
      const start = i;
      while (i < source.length && !" ()'".includes(source[i] ?? " ")) i += 1;
      tokens.push({ text: source.slice(start, i), position: start, quoted: false });
    }
  }
  return tokens;
}

/** Index of the quote closing the string literal opened at `open` (`''` is an escape). */
function closingQuote(source: string, open: number): number {
  let j = open + 1;
  for (;;) {
    if (j >= source.length) throw syntax(source, open, "unterminated string literal");
    if (source[j] === "'" && source[j + 1] === "'") j += 2;
    else if (source[j] === "'") return j;
    else j += 1;
  }
}

function syntax(source: string, position: number, why: string): ODataQueryError {
  return new ODataQueryError(
    "$filter", `Syntax error at position ${position} in '${source}': ${why}.`);
}

/** Parses a `$filter` value against `schema`; throws ODataQueryError naming what is wrong. */
export function parseFilter(source: string, schema: FilterSchema): FilterNode {
  const tokens = tokenize(source);
  let index = 0;
  const peek = (): Token | undefined => tokens[index];
  const next = (what: string): Token => {
    const token = tokens[index];
    if (!token) throw syntax(source, source.length, `expected ${what}`);
    index += 1;
    return token;
  };
  // OData keywords are lower case; `AND` or `Eq` are syntax errors, as in the real parser.
  const isWord = (token: Token | undefined, word: string): boolean =>
    token !== undefined && !token.quoted && token.text === word;

  const parseOr = (): FilterNode => {
    let left = parseAnd();
    while (isWord(peek(), "or")) {
      index += 1;
      left = { kind: "or", left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): FilterNode => {
    let left = parsePrimary();
    while (isWord(peek(), "and")) {
      index += 1;
      left = { kind: "and", left, right: parsePrimary() };
    }
    return left;
  };
  const parsePrimary = (): FilterNode => {
    if (isWord(peek(), "(")) {
      index += 1;
      const inner = parseOr();
      const close = next("')'");
      if (!isWord(close, ")")) throw syntax(source, close.position, "expected ')'");
      return inner;
    }
    return parseComparison();
  };
  const parseComparison = (): FilterNode => {
    const name = next("a property name");
    if (name.quoted || !/^[A-Za-z_]\w*$/.test(name.text)) {
      throw syntax(source, name.position, "expected a property name");
    }
    // Assumption: `not`, `in`, lambda and functions (contains, startswith) are unsupported;
    // the docs show only comparisons joined by `and`. `not` fails here as an unknown property.
    const field = Object.hasOwn(schema.fields, name.text) ? schema.fields[name.text] : undefined;
    // Assumption: property names are case-sensitive (OData default): a docs spelling such as
    // MDE's `InvestigationId` is refused and only the wire name (`investigationId`) filters.
    if (!field) {
      throw new ODataQueryError("$filter",
        `Could not find a filterable property named '${name.text}' on type ` +
          `'${schema.entityType}'.`);
    }
    const opToken = next("an operator");
    if (opToken.quoted || !OPERATORS.has(opToken.text)) {
      throw syntax(source, opToken.position, `'${opToken.text}' is not a supported operator`);
    }
    const op = opToken.text as Operator;
    const literal = parseLiteral(source, next("a literal"));
    checkTypes(name.text, field, op, literal);
    return { kind: "compare", field: name.text, type: field.type, op, literal };
  };

  const tree = parseOr();
  const rest = peek();
  if (rest) throw syntax(source, rest.position, `unexpected '${rest.text}'`);
  return tree;
}

function parseLiteral(source: string, token: Token): Literal {
  if (token.quoted) return { type: "String", value: token.text };
  if (token.text === "null") return { type: "Null" };
  if (/^-?\d{1,15}$/.test(token.text)) return { type: "Int64", value: Number(token.text) };
  if (/^\d{4}-/.test(token.text)) {
    const ticks = parseInstant(token.text);
    if (ticks === undefined) {
      throw new ODataQueryError("$filter",
        `The DateTimeOffset literal '${token.text}' is not valid.`);
    }
    return { type: "DateTimeOffset", ticks };
  }
  throw syntax(source, token.position, `'${token.text}' is not a valid literal`);
}

function checkTypes(
  name: string,
  field: FieldSpec,
  op: Operator,
  literal: Literal,
): void {
  const ordering = op !== "eq" && op !== "ne";
  if (literal.type === "Null") {
    if (ordering) throw incompatible(name, field.type, "null", op);
    return;
  }
  const expected = field.type === "Enum" ? "String" : field.type;
  // Assumption: a quoted timestamp ('2024-01-01T00:00:00Z') is a type error, as in OData.
  if (literal.type !== expected) throw incompatible(name, field.type, literal.type, op);
  // Assumption: ordering operators on strings and enums are refused (strictest reading).
  if (ordering && expected === "String") throw incompatible(name, field.type, "String", op);
  if (field.values && literal.type === "String" && !field.values.includes(literal.value)) {
    // Assumption: enum names are case-sensitive; 'new' is not 'New'.
    throw new ODataQueryError("$filter",
      `The value '${literal.value}' is not valid for property '${name}'. ` +
        `Valid values: ${field.values.join(", ")}.`);
  }
}

function incompatible(name: string, type: string, found: string, op: Operator): ODataQueryError {
  return new ODataQueryError("$filter",
    `A binary operator with incompatible types was detected. Found operand types ` +
      `'Edm.${type}' (${name}) and '${found === "null" ? "null" : `Edm.${found}`}' ` +
      `for operator kind '${OPERATOR_KINDS[op]}'.`);
}

/** Reads a stored timestamp field as an instant (null when absent or unparseable). */
export type InstantReader = (item: object, field: string) => bigint | null;

/** Evaluates a parsed filter against one stored item, as OData does (null never orders). */
export function matchesFilter(node: FilterNode, item: object, readInstant: InstantReader):
  boolean {
  if (node.kind !== "compare") {
    const left = matchesFilter(node.left, item, readInstant);
    // Short-circuit as OData does: `and` stops on false, `or` on true.
    if (node.kind === "and" ? !left : left) return left;
    return matchesFilter(node.right, item, readInstant);
  }

  const { field, type, op, literal } = node;
  const stored = type === "DateTimeOffset"
    ? readInstant(item, field)
    : (item as Record<string, unknown>)[field] ?? null;
  // Assumption: string equality is case-sensitive (OData `eq`), e.g. for assignedTo.
  if (literal.type === "Null") return op === "eq" ? stored === null : stored !== null;
  if (stored === null) return op === "ne";

  const wanted = literal.type === "DateTimeOffset" ? literal.ticks : literal.value;
  if (typeof stored !== typeof wanted) return op === "ne";
  const a = stored as bigint | number | string;
  switch (op) {
    case "eq": return a === wanted;
    case "ne": return a !== wanted;
    case "gt": return a > wanted;
    case "ge": return a >= wanted;
    case "lt": return a < wanted;
    case "le": return a <= wanted;
  }
}
