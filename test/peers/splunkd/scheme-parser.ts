import { XMLParser, XMLValidator } from "fast-xml-parser";

/** One `<arg>` of a scheme, with splunkd's defaults filled in. */
export interface SchemeArg {
  name: string;
  title?: string;
  description?: string;
  validation?: string;
  dataType: "string" | "number" | "boolean";
  requiredOnEdit: boolean;
  requiredOnCreate: boolean;
}

/** What `<exe> --scheme` declared. */
export interface InputScheme {
  title: string;
  description?: string;
  useExternalValidation: boolean;
  useSingleInstance: boolean;
  streamingMode: "xml" | "simple";
  args: SchemeArg[];
}

type XmlNode = Record<string, unknown>;

// Scheme and parameter names splunkd accepts.
const IDENTIFIER = /^[0-9a-zA-Z][0-9a-zA-Z_-]*$/;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => name === "arg",
});

/**
 * Parses a `--scheme` document the way splunkd registers it. Omitted fields take splunkd's
 * defaults: streaming mode `simple` (documented); external validation and single instance
 * `false`, `data_type` `string`, `required_on_edit` false, `required_on_create` true.
 * Assumption: those last defaults are from memory of the ModInputsScripts page.
 * Throws an Error that says what is wrong with the document.
 */
export function parseScheme(xml: string): InputScheme {
  const root = parseRoot(xml, "scheme");
  const title = text(root, "title");
  if (title === undefined || title === "") throw new Error("scheme has no <title>");

  const mode = text(root, "streaming_mode") ?? "simple";
  if (mode !== "xml" && mode !== "simple") {
    throw new Error(`scheme <streaming_mode> must be xml or simple, got "${mode}"`);
  }
  const endpoint = child(root, "endpoint");
  const args = endpoint === undefined ? undefined : child(endpoint, "args");
  const argNodes = args === undefined ? [] : ((args["arg"] as XmlNode[] | undefined) ?? []);

  const parsed = argNodes.map(parseArg);
  const names = parsed.map((arg) => arg.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) throw new Error(`scheme declares <arg name="${duplicate}"> twice`);

  return {
    title,
    ...optional("description", text(root, "description")),
    useExternalValidation: bool(root, "use_external_validation", false),
    useSingleInstance: bool(root, "use_single_instance", false),
    streamingMode: mode,
    args: parsed,
  };
}

/** The text of `<error><message>` in a validation answer, or undefined if there is none. */
export function parseValidationError(xml: string): string | undefined {
  try {
    const message = text(parseRoot(xml, "error"), "message");
    return message === "" ? undefined : message;
  } catch {
    return undefined;
  }
}

function parseArg(node: XmlNode): SchemeArg {
  const name = node["@_name"];
  if (typeof name !== "string" || !IDENTIFIER.test(name)) {
    throw new Error(`scheme <arg> has an invalid name: ${JSON.stringify(name)}`);
  }
  const dataType = text(node, "data_type") ?? "string";
  if (dataType !== "string" && dataType !== "number" && dataType !== "boolean") {
    throw new Error(`scheme arg ${name}: <data_type> must be string, number or boolean`);
  }
  return {
    name,
    ...optional("title", text(node, "title")),
    ...optional("description", text(node, "description")),
    ...optional("validation", text(node, "validation")),
    dataType,
    requiredOnEdit: bool(node, "required_on_edit", false),
    requiredOnCreate: bool(node, "required_on_create", true),
  };
}

function parseRoot(xml: string, rootName: string): XmlNode {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new Error(`malformed XML: ${valid.err.msg} (line ${valid.err.line})`);
  }
  const document = parser.parse(xml) as XmlNode;
  const roots = Object.keys(document).filter((key) => !key.startsWith("?"));
  if (roots.length !== 1 || roots[0] !== rootName) {
    throw new Error(`expected one <${rootName}> root, got <${roots.join("> <")}>`);
  }
  const root = document[rootName];
  return typeof root === "object" && root !== null ? (root as XmlNode) : {};
}

function child(node: XmlNode, name: string): XmlNode | undefined {
  const value = node[name];
  if (value === undefined || value === "") return undefined;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`<${name}> must appear once and hold elements`);
  }
  return value as XmlNode;
}

function text(node: XmlNode, name: string): string | undefined {
  const value = node[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw new Error(`<${name}> must appear once and hold text`);
  return value;
}

// Assumption: splunkd reads these flags with its usual boolean parser (true/false/1/0).
function bool(node: XmlNode, name: string, fallback: boolean): boolean {
  const value = text(node, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  throw new Error(`<${name}> must be true or false, got "${value}"`);
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
