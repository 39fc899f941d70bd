import type { Session } from "./sessions.ts";

/** A splunkd error answer: an HTTP status and one `messages[]` entry. */
export class RestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly messageType: "ERROR" | "WARN" = "ERROR",
    readonly code?: string,
  ) {
    super(message);
    this.name = "RestError";
  }
}

/** `/servicesNS/<owner>/<app>` or `/services` (then `implicit` is true and both are `-`). */
export interface Namespace {
  owner: string;
  app: string;
  implicit: boolean;
}

/** One authenticated call after routing. */
export interface RestRequest {
  method: string;
  namespace: Namespace;
  /** Path segments after the namespace, percent-decoded one by one. */
  endpoint: string[];
  query: URLSearchParams;
  body: Buffer;
  contentType: string;
  session: Session;
}

/** What a handler answers; `body` is sent as JSON. */
export interface RestReply {
  status: number;
  body: unknown;
}

export const WILDCARD = "-";

/** Splits a request path into its namespace and endpoint; undefined if it is not splunkd REST. */
export function parseRestPath(
  pathname: string,
): { namespace: Namespace; endpoint: string[] } | undefined {
  const raw = pathname.split("/").filter((part) => part !== "");
  let segments: string[];
  try {
    // Decode after splitting so an encoded `/` (%2F) stays inside one entity name.
    segments = raw.map((part) => decodeURIComponent(part));
  } catch {
    return undefined;
  }
  const [root, owner, app, ...rest] = segments;
  if (root === "services") {
    return {
      namespace: { owner: WILDCARD, app: WILDCARD, implicit: true },
      endpoint: segments.slice(1),
    };
  }
  if (root !== "servicesNS" || owner === undefined || app === undefined) return undefined;
  return { namespace: { owner, app, implicit: false }, endpoint: rest };
}

/**
 * The namespace a write lands in. Writes need an explicit owner and app, as both SDKs enforce.
 * Assumption: a write through `/services` lands in the `search` app as `nobody`, the default
 * app of splunkd's stock roles; a write to a `-` namespace is refused with 400.
 */
export function writeNamespace(namespace: Namespace): { owner: string; app: string } {
  if (namespace.implicit) return { owner: "nobody", app: "search" };
  if (namespace.owner === WILDCARD || namespace.app === WILDCARD) {
    throw new RestError(
      400,
      `Cannot create or change an object in a wildcard namespace ` +
        `(owner=${namespace.owner}, app=${namespace.app}); name an owner and an app.`,
    );
  }
  return { owner: namespace.owner, app: namespace.app };
}

/** Whether an object stored in `app` is visible from `namespace`. */
export function appVisible(namespace: Namespace, app: string): boolean {
  return namespace.app === WILDCARD || namespace.app === app;
}

/** Refuses the call unless the session holds one of the capabilities, in splunkd's words. */
export function requireCapability(session: Session, ...capabilities: string[]): void {
  if (capabilities.some((capability) => session.capabilities.has(capability))) return;
  throw new RestError(
    403,
    `You (user=${session.user}) do not have permission to perform this operation ` +
      `(requires capability: ${capabilities.join(" OR ")}).`,
  );
}

/** Form arguments of a POST body, without `output_mode`. */
export function formArgs(request: RestRequest): URLSearchParams {
  const type = request.contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  if (request.body.length > 0 && type !== "application/x-www-form-urlencoded") {
    throw new RestError(400, `Expected a form-encoded body, got Content-Type "${type}".`);
  }
  const args = new URLSearchParams(request.body.toString("utf8"));
  args.delete("output_mode");
  return args;
}

/** Refuses arguments a handler does not know, with splunkd's message. */
export function rejectUnknownArgs(args: URLSearchParams, allowed: readonly string[]): void {
  for (const key of args.keys()) {
    if (!allowed.includes(key)) {
      throw new RestError(400, `Argument "${key}" is not supported by this handler.`);
    }
  }
}

/** The JSON error body splunkd sends with `output_mode=json`. */
export function jsonErrorBody(error: RestError): unknown {
  const message: Record<string, string> = { type: error.messageType };
  if (error.code !== undefined) message["code"] = error.code;
  message["text"] = error.message;
  return { messages: [message] };
}

/** The XML error body splunkd sends when no output mode is asked for. */
export function xmlErrorBody(error: RestError): string {
  const text = error.message.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<response>\n  <messages>\n` +
    `    <msg type="${error.messageType}">${text}</msg>\n  </messages>\n</response>\n`
  );
}
