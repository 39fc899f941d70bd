// Characters XML 1.0 forbids (https://www.w3.org/TR/xml/#charsets): C0 controls other than tab,
// LF and CR, lone surrogates, U+FFFE and U+FFFF. One of them in the stream makes splunkd drop
// the rest of it, so they never reach stdout raw.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escapes text for an XML element or attribute; forbidden characters become U+FFFD. */
export function escapeXml(text: string): string {
  return text
    .replace(FORBIDDEN, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/**
 * Escapes JSON text for an event's `<data>` without changing the JSON value: characters XML
 * forbids can only stand inside JSON strings (JSON.stringify already escapes C0 controls and lone
 * surrogates), so they are written as `\u` escapes (four hex digits), which decode to the same string.
 */
export function escapeJsonForXml(json: string): string {
  return json
    .replace(FORBIDDEN, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}
