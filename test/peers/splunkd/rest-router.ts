import type { IncomingHttpHeaders } from "node:http";

import type { ConfStore } from "./conf-endpoint.ts";
import type { ModularInputs } from "./inputs-endpoint.ts";
import type { KvStore } from "./kv-endpoint.ts";
import type { PasswordStore } from "./passwords-endpoint.ts";
import { buildEnvelope } from "./rest-envelope.ts";
import { jsonErrorBody, parseRestPath, requireCapability, RestError, WILDCARD, xmlErrorBody } from "./rest-http.ts";
import type { Namespace, RestReply, RestRequest } from "./rest-http.ts";
import type { ScriptHandlers } from "./script-endpoint.ts";
import { serverInfoReply, type ServerIdentity } from "./server-info.ts";
import { SYSTEM_USER, type Session, type Sessions, type SplunkUser } from "./sessions.ts";

export interface RouterDeps {
  origin: string;
  appName: string;
  users: Record<string, SplunkUser>;
  sessions: Sessions;
  passwords: PasswordStore;
  kv: KvStore;
  confs: ConfStore;
  identity: ServerIdentity;
  inputs: ModularInputs;
  scripts: ScriptHandlers;
}

/** One HTTP call as the server received it. */
export interface RawCall {
  method: string;
  target: URL;
  body: Buffer;
  headers: IncomingHttpHeaders;
}

/** What to send back: a JSON text, or splunkd's XML error document when JSON was not asked. */
export interface Answer {
  status: number;
  text: string;
  json: boolean;
}

const STOCK_APPS = ["search", "launcher", "system"];

/**
 * Routes splunkd REST calls; answers every failure as splunkd's `messages` body. Calls that run
 * the app's own code (modular input validation, REST handlers) answer asynchronously.
 */
export function createRestRouter(deps: RouterDeps): (call: RawCall) => Answer | Promise<Answer> {
  return (call) => {
    let json = outputModeOf(call) === "json";
    const failed = (error: unknown): Answer => {
      const failure =
        error instanceof RestError
          ? error
          : new RestError(500, `splunkd stand-in failed: ${String(error)}`);
      const text = json ? JSON.stringify(jsonErrorBody(failure)) : xmlErrorBody(failure);
      return { status: failure.status, text, json };
    };
    try {
      const parsed = parseRestPath(call.target.pathname);
      if (!parsed) throw new RestError(404, "Not Found");
      const { namespace, endpoint } = parsed;

      if (endpoint.join("/") === "auth/login") {
        requireJsonMode(json);
        return answer(login(deps.sessions, call), json);
      }
      const session = authenticate(deps.sessions, call.headers.authorization);
      checkNamespace(deps, namespace);
      const request: RestRequest = {
        method: call.method,
        namespace,
        endpoint,
        query: call.target.searchParams,
        body: call.body,
        contentType: call.headers["content-type"] ?? "",
        session,
      };
      const [first, second, third] = endpoint;
      const script = deps.scripts.find(endpoint);
      if (script) {
        // A REST handler answers JSON; output_mode is passed on to it.
        json = true;
        return deps.scripts.run(script, request, deps.origin).then((reply) => answer(reply, true), failed);
      }
      if (first === "storage" && second === "collections" && third === "data") {
        // KV store data endpoints speak JSON whatever output_mode says.
        json = true;
        return answer(deps.kv.handle(request, endpoint.slice(2), deps.origin), json);
      }

      requireJsonMode(json);
      if (first === "data" && second === "inputs") {
        return deps.inputs.handle(request, endpoint.slice(2), deps.origin).then((reply) => answer(reply, true), failed);
      }
      return answer(dispatch(deps, request), json);
    } catch (error) {
      return failed(error);
    }
  };
}

function dispatch(deps: RouterDeps, request: RestRequest): RestReply {
  const [first, second, ...rest] = request.endpoint;
  if (first === "server" && second === "info" && rest.length === 0) {
    if (request.method !== "GET") throw new RestError(405, "Method Not Allowed");
    return serverInfoReply(deps.origin, deps.identity, deps.kv.status);
  }
  if (first === "authentication" && second === "current-context" && rest.length === 0) {
    if (request.method !== "GET") throw new RestError(405, "Method Not Allowed");
    return currentContext(deps.origin, request.session);
  }
  if (first === "apps" && second === "local" && rest.length === 2 && rest[1] === "_reload") {
    // Re-reads the app's configuration; this stand-in reads default/ on every call anyway.
    if (request.method !== "POST") throw new RestError(405, "Method Not Allowed");
    requireCapability(request.session, "admin_all_objects");
    if (rest[0] !== deps.appName && !STOCK_APPS.includes(rest[0] ?? "")) {
      throw new RestError(404, `Application does not exist: ${rest[0] ?? ""}`);
    }
    return { status: 200, body: { entry: [], messages: [] } };
  }
  if (first === "storage" && second === "passwords") {
    return deps.passwords.handle(request, rest, deps.origin);
  }
  if (first === "storage" && second === "collections") {
    return deps.kv.handle(request, rest, deps.origin);
  }
  if (first === "configs" && second?.startsWith("conf-")) {
    return deps.confs.handle(request, second.slice("conf-".length), rest, deps.origin);
  }
  throw new RestError(404, "Not Found");
}

/** Who the session key belongs to: splunkd's `authentication/current-context`. */
function currentContext(origin: string, session: Session): RestReply {
  const ref = { origin, owner: "nobody", app: "system", base: "authentication/current-context", global: true };
  return {
    status: 200,
    body: buildEnvelope(ref, [{
      name: "context",
      app: "system",
      owner: session.user,
      author: "system",
      sharing: "system",
      updated: new Date(),
      content: {
        username: session.user,
        realname: "",
        roles: [...session.roles],
        capabilities: [...session.capabilities].sort(),
        defaultApp: "launcher",
        "eai:acl": null,
      },
    }], { total: 1, perPage: 30, offset: 0 }),
  };
}

function answer(reply: RestReply, json: boolean): Answer {
  return {
    status: reply.status,
    text: reply.body === undefined ? "" : JSON.stringify(reply.body),
    json,
  };
}

function login(sessions: Sessions, call: RawCall): RestReply {
  if (call.method !== "POST") throw new RestError(405, "Method Not Allowed");
  const form = formOf(call);
  const key = sessions.login(form.get("username") ?? "", form.get("password") ?? "");
  if (key === undefined) {
    throw new RestError(401, "Login failed", "WARN", "incorrect_username_or_password");
  }
  // Assumption: recent splunkd adds empty `message` and `code` next to the key.
  return { status: 200, body: { sessionKey: key, message: "", code: "" } };
}

// Assumption: token authentication is off, as it is by default, so only `Splunk <key>` passes.
function authenticate(sessions: Sessions, header: string | undefined): Session {
  const match = /^Splunk\s+(\S+)$/i.exec(header ?? "");
  const session = match?.[1] === undefined ? undefined : sessions.lookup(match[1]);
  if (!session) throw new RestError(401, "call not properly authenticated", "WARN");
  return session;
}

// Assumption: splunkd's texts for an unknown app or owner in the namespace.
function checkNamespace(deps: RouterDeps, namespace: Namespace): void {
  if (namespace.implicit) return;
  const apps = [WILDCARD, deps.appName, ...STOCK_APPS];
  if (!apps.includes(namespace.app)) {
    throw new RestError(404, `Application does not exist: ${namespace.app}`);
  }
  const owners = [WILDCARD, "nobody", SYSTEM_USER, ...Object.keys(deps.users)];
  if (!owners.includes(namespace.owner)) {
    throw new RestError(404, `User does not exist: ${namespace.owner}`);
  }
}

// Assumption: splunkd answers Atom XML without output_mode=json; this stand-in speaks only
// JSON, so it refuses such a call with 400 instead of silently answering JSON.
function requireJsonMode(json: boolean): void {
  if (json) return;
  throw new RestError(
    400,
    "This splunkd stand-in answers only output_mode=json; without it splunkd answers Atom XML.",
  );
}

function outputModeOf(call: RawCall): string | null {
  return call.target.searchParams.get("output_mode") ?? formOf(call).get("output_mode");
}

function formOf(call: RawCall): URLSearchParams {
  const type = call.headers["content-type"]?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") return new URLSearchParams();
  return new URLSearchParams(call.body.toString("utf8"));
}
