import { evaluate, parseEval, type Fields } from "./spl-eval.ts";

/**
 * How JSON null reaches search: Splunk's JSON extraction is believed to give the text "null"
 * (an assumption to confirm on a real Splunk); "absent" drops the field instead. The props
 * expressions must give the same answer either way.
 */
export type NullHandling = "text" | "absent";

/**
 * The fields KV_MODE = json extracts from one event: object keys joined with ".", arrays
 * marked "{}" (`evidence{}.ipAddress`, `mitreTechniques{}`), every leaf at a path collected
 * into one multivalue field, numbers and booleans as their JSON text.
 */
export function extractJson(raw: string, nulls: NullHandling = "text"): Fields {
  const collected = new Map<string, string[]>();
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item, `${path}{}`);
      return;
    }
    if (value !== null && typeof value === "object") {
      for (const [key, inner] of Object.entries(value)) walk(inner, path === "" ? key : `${path}.${key}`);
      return;
    }
    if (value === null && nulls === "absent") return;
    const list = collected.get(path) ?? [];
    const leaf = value as string | number | boolean | null;
    list.push(leaf === null ? "null" : String(leaf));
    collected.set(path, list);
  };
  walk(JSON.parse(raw) as unknown, "");
  const fields: Fields = {};
  for (const [path, values] of collected) fields[path] = values.length === 1 ? values[0]! : values;
  return fields;
}

/** The search-time knowledge of one props.conf stanza that the evaluator runs. */
export interface SearchTimeRules {
  aliases: Array<{ from: string; to: string }>;
  evals: Array<{ field: string; expression: string; node: ReturnType<typeof parseEval> }>;
}

/** Reads FIELDALIAS-* and EVAL-* of a stanza; any other search-time key is refused. */
export function searchTimeRules(stanza: Map<string, string>): SearchTimeRules {
  const rules: SearchTimeRules = { aliases: [], evals: [] };
  for (const [key, value] of [...stanza].sort(([a], [b]) => a.localeCompare(b))) {
    if (key.startsWith("FIELDALIAS-")) {
      const words = value.split(/\s+/);
      if (words.length % 3 !== 0) throw new Error(`${key}: expected "<field> AS <field>" pairs`);
      for (let i = 0; i < words.length; i += 3) {
        if (words[i + 1] !== "AS") throw new Error(`${key}: only AS is supported, got ${words[i + 1]}`);
        rules.aliases.push({ from: words[i]!, to: words[i + 2]! });
      }
    } else if (key.startsWith("EVAL-")) {
      rules.evals.push({ field: key.slice(5), expression: value, node: parseEval(value) });
    } else if (/^(EXTRACT|REPORT|LOOKUP)-/.test(key)) {
      throw new Error(`${key}: not covered by the evaluator`);
    }
  }
  return rules;
}

/**
 * Splunk's search-time order for the fields of one event: extraction, then field aliases, then
 * calculated fields, all of which see the fields as they were before any EVAL ran (calculated
 * fields cannot use each other's results). A null result removes the field.
 */
export function applySearchTime(rules: SearchTimeRules, fields: Fields): Fields {
  const aliased: Fields = { ...fields };
  for (const { from, to } of rules.aliases) {
    const value = fields[from];
    if (value !== undefined) aliased[to] = value;
  }
  const out: Fields = { ...aliased };
  for (const { field, node } of rules.evals) {
    const value = evaluate(node, aliased);
    if (value === null) delete out[field];
    else if (typeof value === "boolean") throw new Error(`EVAL-${field} gives a boolean`);
    else out[field] = value;
  }
  return out;
}
