export { createEventWriter } from "./event-writer.ts";
export type { EventWriter, StreamEvent } from "./event-writer.ts";
export {
  decodeDocument,
  parseInputDocument,
  parseValidationDocument,
} from "./input-definition.ts";
export type { InputDefinition, ParamValue, Stanza } from "./input-definition.ts";
export { readStdinDocument } from "./stdin.ts";
export { renderScheme, renderValidationError } from "./scheme.ts";
export type { Scheme, SchemeArg } from "./scheme.ts";
export { escapeJsonForXml, escapeXml } from "./xml.ts";
