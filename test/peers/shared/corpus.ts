// The public sample payloads in ../shared/corpus/public/ (outside the repository), read at run
// time and never copied in. See that folder's SOURCES.md for where each file comes from.

import { readFileSync } from "node:fs";

const CORPUS = new URL("../../../../shared/corpus/public/", import.meta.url);

/**
 * Parses one file of the public corpus as JSON. `file` is a bare file name; throws for a path,
 * a missing file or invalid JSON.
 */
export function readPublicSample(file: string): unknown {
  if (file.includes("/") || file.includes("\\")) {
    throw new Error(`public samples are named by file name in the corpus, got ${file}`);
  }
  return JSON.parse(readFileSync(new URL(file, CORPUS), "utf8"));
}

/**
 * The `value` array of a JSON page (`{"value": [...]}`) whose items all pass `isItem`; throws
 * Error(`refusal`) otherwise.
 */
export function pageValue(page: unknown, isItem: (item: unknown) => boolean, refusal: string):
  unknown[] {
  const value = typeof page === "object" && page !== null
    ? (page as { value?: unknown }).value
    : undefined;
  if (!Array.isArray(value) || !value.every(isItem)) {
    throw new Error(refusal);
  }
  return value;
}
