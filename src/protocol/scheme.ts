import { escapeXml } from "./xml.ts";

export interface SchemeArg {
  name: string;
  title: string;
  description: string;
  dataType?: "string" | "number" | "boolean";
  requiredOnCreate?: boolean;
  requiredOnEdit?: boolean;
}

export interface Scheme {
  title: string;
  description: string;
  args: SchemeArg[];
}

/**
 * Renders the `--scheme` document: XML streaming mode, one process per stanza, external
 * validation on (splunkd then runs `--validate-arguments` on every create and edit).
 */
export function renderScheme(scheme: Scheme): string {
  const lines = [
    "<scheme>",
    `  <title>${escapeXml(scheme.title)}</title>`,
    `  <description>${escapeXml(scheme.description)}</description>`,
    "  <use_external_validation>true</use_external_validation>",
    "  <use_single_instance>false</use_single_instance>",
    "  <streaming_mode>xml</streaming_mode>",
    "  <endpoint>",
    "    <args>",
  ];
  for (const arg of scheme.args) {
    lines.push(
      `      <arg name="${escapeXml(arg.name)}">`,
      `        <title>${escapeXml(arg.title)}</title>`,
      `        <description>${escapeXml(arg.description)}</description>`,
      `        <data_type>${arg.dataType ?? "string"}</data_type>`,
      `        <required_on_edit>${String(arg.requiredOnEdit ?? false)}</required_on_edit>`,
      `        <required_on_create>${String(arg.requiredOnCreate ?? false)}</required_on_create>`,
      "      </arg>",
    );
  }
  lines.push("    </args>", "  </endpoint>", "</scheme>", "");
  return lines.join("\n");
}

/** The `<error><message>` document splunkd shows when `--validate-arguments` rejects an input. */
export function renderValidationError(message: string): string {
  return `<error><message>${escapeXml(message)}</message></error>\n`;
}
