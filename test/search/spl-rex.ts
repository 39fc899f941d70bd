/**
 * Runs the `rex` steps of a search (a macro definition, for example) on one event, so the field
 * extractions of the dashboards can be checked on real log lines without a Splunk. Only
 * `rex field=<field> "<regex>"` and `where isnotnull(<field>)` are understood; the search's first
 * segment (the base search) is left to the caller.
 */
export type RexFields = Record<string, string>;

type Step = { kind: "rex"; field: string; pattern: RegExp } | { kind: "require"; field: string };

/** The rex steps of `search`, in order. Throws on any other command after the base search. */
export function rexSteps(search: string): Step[] {
  const [, ...commands] = splitPipes(search);
  const steps: Step[] = [];
  for (const command of commands.map((c) => c.trim())) {
    const where = /^where isnotnull\(([A-Za-z_]+)\)$/.exec(command);
    if (where) {
      steps.push({ kind: "require", field: where[1]! });
      continue;
    }
    const m = /^rex field=([A-Za-z_]+) "((?:[^"\\]|\\.)*)"$/.exec(command);
    if (!m) throw new Error(`not a rex step the test understands: ${command}`);
    // SPL string escapes: \" is a quote and \\ a backslash; other backslashes reach PCRE as is.
    const source = m[2]!.replace(/\\(["\\])/g, "$1");
    steps.push({ kind: "rex", field: m[1]!, pattern: new RegExp(source) });
  }
  return steps;
}

/** The fields the steps extract from one raw event; undefined when `where isnotnull` drops it. */
export function runRex(steps: Step[], raw: string): RexFields | undefined {
  const fields: RexFields = { _raw: raw };
  for (const step of steps) {
    const text = fields[step.field];
    if (step.kind === "require") {
      if (text === undefined) return undefined;
      continue;
    }
    if (text === undefined) continue;
    const groups = step.pattern.exec(text)?.groups ?? {};
    for (const [name, value] of Object.entries(groups)) if (value !== undefined) fields[name] = value;
  }
  return fields;
}

/** The commands of a search: split at pipes outside double-quoted strings. */
function splitPipes(search: string): string[] {
  const commands: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < search.length; i++) {
    const c = search[i]!;
    if (quoted && c === "\\") {
      current += c + (search[i + 1] ?? "");
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === "|" && !quoted) {
      commands.push(current);
      current = "";
      continue;
    }
    current += c;
  }
  commands.push(current);
  return commands;
}
