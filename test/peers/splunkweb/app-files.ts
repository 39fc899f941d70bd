// What Splunk Web reads from an app folder to serve its pages: views, the navigation, view
// permissions (metadata/default.meta), web.conf's `[expose:*]` stanzas, and static files.
import { existsSync, readFileSync, statSync } from "node:fs";
import { extname, join, normalize, sep } from "node:path";

import { XMLParser } from "fast-xml-parser";

import { readConfFile } from "../splunkd/index.ts";

/** A Simple XML view as Splunk Web needs it to build the page. */
export interface View {
  name: string;
  label: string;
  /** The `script` and `stylesheet` attributes: files under appserver/static. */
  scripts: string[];
  stylesheets: string[];
  hideTitle: boolean;
}

export interface NavEntry {
  view: string;
  isDefault: boolean;
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_", isArray: (name) => name === "view" });

const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=UTF-8",
  ".css": "text/css; charset=UTF-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".map": "application/json",
  ".html": "text/html; charset=UTF-8",
};

export function readView(appDir: string, name: string): View | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) return undefined;
  const path = join(appDir, "default", "data", "ui", "views", `${name}.xml`);
  if (!existsSync(path)) return undefined;
  const doc = xml.parse(readFileSync(path, "utf8")) as Record<string, Record<string, unknown>>;
  const root = doc["dashboard"] ?? doc["form"];
  if (!root) return undefined;
  const list = (value: unknown): string[] =>
    typeof value === "string" ? value.split(",").map((s) => s.trim()).filter((s) => s !== "") : [];
  return {
    name,
    label: typeof root["label"] === "string" ? root["label"] : name,
    scripts: list(root["@_script"]),
    stylesheets: list(root["@_stylesheet"]),
    hideTitle: root["@_hideTitle"] === "true",
  };
}

export function readNav(appDir: string): NavEntry[] {
  const path = join(appDir, "default", "data", "ui", "nav", "default.xml");
  const doc = xml.parse(readFileSync(path, "utf8")) as { nav?: { view?: Array<Record<string, string>> } };
  return (doc.nav?.view ?? []).map((v) => ({ view: v["@_name"] ?? "", isDefault: v["@_default"] === "true" }));
}

/**
 * The roles that may read a view: `[views/<name>]`, else `[views]`, else `[]` of
 * default.meta (the most specific stanza with an `access` wins, as splunkd resolves ACLs).
 */
export function viewReaders(appDir: string, name: string): string[] {
  const meta = readConfFile(join(appDir, "metadata", "default.meta"));
  for (const stanza of [`views/${name}`, "views", ""]) {
    const access = meta.get(stanza)?.get("access");
    if (access === undefined) continue;
    const read = /read\s*:\s*\[([^\]]*)\]/.exec(access)?.[1] ?? "";
    return read.split(",").map((r) => r.trim()).filter((r) => r !== "");
  }
  return ["*"];
}

/** web.conf `[expose:*]` patterns of the app: which splunkd paths the proxy may reach. */
export function exposedPatterns(appDir: string): Array<{ pattern: RegExp; methods: string[] }> {
  const web = readConfFile(join(appDir, "default", "web.conf"));
  return [...web]
    .filter(([name]) => name.startsWith("expose:"))
    .map(([, keys]) => ({
      pattern: globToRegExp(keys.get("pattern") ?? ""),
      methods: (keys.get("methods") ?? "GET").split(",").map((m) => m.trim().toUpperCase()),
    }));
}

// web.conf.spec: `*` matches one path segment, `**` any number of them.
function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .split("/")
    .map((part) => (part === "**" ? ".*" : part.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")))
    .join("/");
  return new RegExp(`^${body}$`);
}

/** A file of the app's appserver/static folder (or its static/ icons), never outside them. */
export function staticFile(appDir: string, rel: string): { body: Buffer; type: string } | undefined {
  for (const root of [join(appDir, "appserver", "static"), join(appDir, "static")]) {
    const path = normalize(join(root, rel));
    if (!path.startsWith(root + sep)) return undefined;
    if (existsSync(path) && statSync(path).isFile()) {
      return { body: readFileSync(path), type: CONTENT_TYPES[extname(path)] ?? "application/octet-stream" };
    }
  }
  return undefined;
}
