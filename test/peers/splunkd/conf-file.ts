import { readFileSync } from "node:fs";

/** One .conf file: stanza name → key → value, both in file order. */
export type ConfStanzas = Map<string, Map<string, string>>;

/**
 * Parses Splunk's .conf syntax: `[stanza]` headers, `key = value` lines split at the first
 * `=`, `#` comments on their own line, and a trailing backslash that continues a value on
 * the next line. Keys before the first header belong to `[default]`, as in splunkd.
 */
export function parseConf(text: string): ConfStanzas {
  const stanzas: ConfStanzas = new Map();
  let current = "default";
  let pending = "";

  for (const rawLine of text.replace(/^\uFEFF/, "").split(/\r?\n/)) {
    // A trailing backslash joins the next physical line, keeping the line break in the value.
    if (rawLine.endsWith("\\")) {
      pending += `${rawLine.slice(0, -1)}\n`;
      continue;
    }
    const line = (pending + rawLine).trim();
    pending = "";
    if (line === "" || line.startsWith("#")) continue;

    const header = /^\[(.*)\]$/.exec(line);
    if (header) {
      current = header[1] ?? "";
      ensureStanza(stanzas, current);
      continue;
    }
    const eq = line.indexOf("=");
    // splunkd warns about and skips a line without `=`; so do we.
    if (eq <= 0) continue;
    ensureStanza(stanzas, current).set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return stanzas;
}

/** Reads and parses a .conf file; a missing file is an empty conf, as splunkd treats it. */
export function readConfFile(path: string): ConfStanzas {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return new Map();
    throw error;
  }
  return parseConf(text);
}

function ensureStanza(stanzas: ConfStanzas, name: string): Map<string, string> {
  let stanza = stanzas.get(name);
  if (!stanza) {
    stanza = new Map();
    stanzas.set(name, stanza);
  }
  return stanza;
}
