import type { IncomingMessage, ServerResponse } from "node:http";

/** Token requests are small; anything larger is refused before it is parsed. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Reads the whole body, or `undefined` once it passes `MAX_BODY_BYTES`. */
export async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Sends `body` as JSON with the given status and extra headers. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** True when the media type (parameters ignored) is `application/x-www-form-urlencoded`. */
export function isFormEncoded(contentType: string | undefined): boolean {
  const mediaType = (contentType ?? "").split(";")[0]?.trim().toLowerCase();
  return mediaType === "application/x-www-form-urlencoded";
}

/** A parsed form: one value per name, plus the names that were sent more than once. */
export interface Form {
  get(name: string): string | undefined;
  has(name: string): boolean;
  /** Every parameter name sent, sorted. */
  names(): string[];
  duplicates: string[];
}

export function parseForm(text: string): Form {
  const params = new URLSearchParams(text);
  const values = new Map<string, string>();
  const duplicates: string[] = [];
  for (const [name, value] of params) {
    if (values.has(name) && !duplicates.includes(name)) duplicates.push(name);
    else values.set(name, value);
  }
  return {
    get: (name) => values.get(name),
    has: (name) => values.has(name),
    names: () => [...values.keys()].sort(),
    duplicates,
  };
}

/** An HTTP route: method (`*` for any), path pattern (groups become `params`), handler. */
export interface Route {
  method: string;
  path: RegExp;
  handle(req: IncomingMessage, res: ServerResponse, params: string[]): Promise<void> | void;
}

/** Finds the route for a request; `methodMismatch` when only the method is wrong. */
export function matchRoute(
  routes: readonly Route[],
  method: string,
  pathname: string,
): { route: Route; params: string[] } | "methodMismatch" | undefined {
  let pathMatched = false;
  for (const route of routes) {
    const match = route.path.exec(pathname);
    if (match === null) continue;
    pathMatched = true;
    if (route.method !== "*" && route.method !== method) continue;
    return { route, params: match.slice(1).map((p) => decodeURIComponent(p)) };
  }
  return pathMatched ? "methodMismatch" : undefined;
}
