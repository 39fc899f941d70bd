import { join } from "node:path";

import { readConfFile } from "./conf-file.ts";

/** Input parameters as splunkd passes them: one value, or a list for `<param_list>`. */
export type InputParams = Record<string, string | readonly string[]>;

/** The fields splunkd puts at the top of both stdin documents. */
export interface ServerFields {
  serverHost: string;
  serverUri: string;
  sessionKey: string;
  checkpointDir: string;
}

/** Escapes text for an XML element or a double-quoted attribute. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** The `--validate-arguments` stdin document: `<items>` holding exactly one `<item>`. */
export function buildItemsDocument(
  server: ServerFields,
  name: string,
  params: InputParams,
): string {
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<items>`,
    ...serverLines(server),
    `  <item name="${escapeXml(name)}">`,
    ...paramLines(params, "    "),
    `  </item>`,
    `</items>`,
    "",
  ].join("\n");
}

/** The run-mode stdin document: `<input>` with one `<stanza>` in `<configuration>`. */
export function buildInputDocument(
  server: ServerFields,
  stanza: { name: string; app: string; params: InputParams },
): string {
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<input>`,
    ...serverLines(server),
    `  <configuration>`,
    `    <stanza name="${escapeXml(stanza.name)}" app="${escapeXml(stanza.app)}">`,
    ...paramLines(stanza.params, "      "),
    `    </stanza>`,
    `  </configuration>`,
    `</input>`,
    "",
  ].join("\n");
}

/**
 * The parameters splunkd sends for `[<scheme>://<name>]`: its built-in `[default]`
 * (`host = $decideOnStartup`, `index = default`), then the app's `default/inputs.conf`
 * `[default]` and `[<scheme>]`, then the stanza's own, then `disabled = 0`.
 * Assumption: with no interval anywhere, splunkd sends `interval = 60` (the scripted-input
 * default); `start_by_shell` is `false` unless configured, since the runner execs directly.
 */
export function effectiveParams(appDir: string, scheme: string, own: InputParams): InputParams {
  const conf = readConfFile(join(appDir, "default", "inputs.conf"));
  const layered: Record<string, string | readonly string[]> = {
    host: "$decideOnStartup",
    index: "default",
    interval: "60",
    start_by_shell: "false",
    ...Object.fromEntries(conf.get("default") ?? []),
    ...Object.fromEntries(conf.get(scheme) ?? []),
    ...own,
  };
  layered["disabled"] = "0";
  return layered;
}

/** The single value of a parameter, or undefined for a list or an absent one. */
export function paramValue(params: InputParams, name: string): string | undefined {
  const value = Object.hasOwn(params, name) ? params[name] : undefined;
  return typeof value === "string" ? value : undefined;
}

function serverLines(server: ServerFields): string[] {
  return [
    `  <server_host>${escapeXml(server.serverHost)}</server_host>`,
    `  <server_uri>${escapeXml(server.serverUri)}</server_uri>`,
    `  <session_key>${escapeXml(server.sessionKey)}</session_key>`,
    `  <checkpoint_dir>${escapeXml(server.checkpointDir)}</checkpoint_dir>`,
  ];
}

// splunkd lists parameters in name order (see the captured otlp document).
function paramLines(params: InputParams, indent: string): string[] {
  return Object.keys(params)
    .sort()
    .flatMap((name) => {
      const value = params[name] ?? "";
      const attr = escapeXml(name);
      if (typeof value === "string") {
        return [`${indent}<param name="${attr}">${escapeXml(value)}</param>`];
      }
      return [
        `${indent}<param_list name="${attr}">`,
        ...value.map((item) => `${indent}  <value>${escapeXml(item)}</value>`),
        `${indent}</param_list>`,
      ];
    });
}
