import { XMLParser, XMLValidator } from "fast-xml-parser";

import { AddonError } from "../errors.ts";
import { Secret } from "../log/secret.ts";

export type ParamValue = string | string[];

export interface Stanza {
  /** The full stanza name, `<scheme>://<input name>`. */
  name: string;
  /** The input name, after `://`. */
  inputName: string;
  app: string | undefined;
  params: Record<string, ParamValue>;
}

/** What splunkd writes on stdin: `<input>` for a run, `<items>` for `--validate-arguments`. */
export interface InputDefinition {
  serverHost: string;
  serverUri: string;
  sessionKey: Secret;
  checkpointDir: string;
  stanzas: Stanza[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  removeNSPrefix: true,
  isArray: (name) => ["stanza", "item", "param", "param_list", "value"].includes(name),
});

/**
 * Decodes the bytes splunkd wrote. Real splunkd sends UTF-8; Splunk's SDK fixtures also use a
 * BOM and UTF-16, so the byte order mark (or the first `<`) decides, never the XML declaration
 * (one fixture declares utf-16 over ASCII bytes).
 *
 * @throws AddonError INPUT_DOCUMENT_INVALID when the bytes are not valid text.
 */
export function decodeDocument(bytes: Buffer): string {
  let encoding = "utf-8";
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) [encoding, start] = ["utf-16be", 2];
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) [encoding, start] = ["utf-16le", 2];
  else if (bytes[0] === 0x00 && bytes[1] === 0x3c) encoding = "utf-16be";
  else if (bytes[0] === 0x3c && bytes[1] === 0x00) encoding = "utf-16le";

  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes.subarray(start));
  } catch {
    throw new AddonError(
      "INPUT_DOCUMENT_INVALID",
      `The document on stdin is not valid ${encoding} text`,
    );
  }
}

/**
 * Parses the run-mode `<input>` document.
 *
 * @throws AddonError INPUT_DOCUMENT_INVALID naming what is missing or malformed.
 */
export function parseInputDocument(text: string): InputDefinition {
  const root = parseRoot(text, "input");
  const configuration = root["configuration"];
  const stanzas = isRecord(configuration) ? asArray(configuration["stanza"]) : [];
  return { ...parseServerFields(root, "input"), stanzas: stanzas.map(parseStanza) };
}

/**
 * Parses the `--validate-arguments` `<items>` document, which holds exactly one `<item>`.
 *
 * @throws AddonError INPUT_DOCUMENT_INVALID naming what is missing or malformed.
 */
export function parseValidationDocument(text: string): InputDefinition {
  const root = parseRoot(text, "items");
  const items = asArray(root["item"]);
  if (items.length !== 1) {
    throw new AddonError(
      "INPUT_DOCUMENT_INVALID",
      `The <items> document must hold exactly one <item>, found ${items.length}`,
    );
  }
  return { ...parseServerFields(root, "items"), stanzas: items.map(parseStanza) };
}

function parseRoot(text: string, rootName: string): Record<string, unknown> {
  if (text.trim() === "") {
    throw new AddonError(
      "INPUT_DOCUMENT_INVALID",
      `stdin was empty; splunkd writes an <${rootName}> document there when it starts the input`,
    );
  }
  const check = XMLValidator.validate(text);
  if (check !== true) {
    throw new AddonError(
      "INPUT_DOCUMENT_INVALID",
      `The document on stdin is not well-formed XML: ${check.err.msg} (line ${check.err.line})`,
    );
  }
  const doc: unknown = parser.parse(text);
  const root = isRecord(doc) ? doc[rootName] : undefined;
  if (root === "") return {};
  if (!isRecord(root)) {
    throw new AddonError(
      "INPUT_DOCUMENT_INVALID",
      `The document on stdin has no <${rootName}> root element`,
    );
  }
  return root;
}

function parseServerFields(
  root: Record<string, unknown>,
  rootName: string,
): Omit<InputDefinition, "stanzas"> {
  const field = (name: string): string => {
    const value = root[name];
    if (typeof value !== "string" || value === "") {
      throw new AddonError(
        "INPUT_DOCUMENT_INVALID",
        `The <${rootName}> document has no <${name}> element`,
      );
    }
    return value;
  };
  return {
    serverHost: typeof root["server_host"] === "string" ? root["server_host"] : "",
    serverUri: field("server_uri"),
    sessionKey: new Secret(field("session_key")),
    checkpointDir: typeof root["checkpoint_dir"] === "string" ? root["checkpoint_dir"] : "",
  };
}

function parseStanza(node: unknown): Stanza {
  const element = isRecord(node) ? node : {};
  const name = element["@_name"];
  if (typeof name !== "string" || name === "") {
    throw new AddonError("INPUT_DOCUMENT_INVALID", "A stanza or item has no name attribute");
  }
  const params: Record<string, ParamValue> = {};
  for (const param of asArray(element["param"])) {
    if (!isRecord(param) && typeof param !== "string") continue;
    const key = isRecord(param) ? param["@_name"] : undefined;
    if (typeof key !== "string") continue;
    params[key] = textOf(param);
  }
  for (const list of asArray(element["param_list"])) {
    if (!isRecord(list) || typeof list["@_name"] !== "string") continue;
    params[list["@_name"]] = asArray(list["value"]).map(textOf);
  }
  const separator = name.indexOf("://");
  return {
    name,
    inputName: separator >= 0 ? name.slice(separator + 3) : name,
    app: typeof element["@_app"] === "string" ? element["@_app"] : undefined,
    params,
  };
}

function textOf(node: unknown): string {
  if (typeof node === "string") return node;
  if (isRecord(node) && typeof node["#text"] === "string") return node["#text"];
  return "";
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === "") return [];
  return Array.isArray(value) ? value : [value];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
