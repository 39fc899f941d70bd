// The app's custom REST endpoints: `restmap.conf` `[script:<name>]` stanzas with
// `scripttype = persist`, which splunkd serves by handing each request to the Python class
// `handler` in the app's bin/ (splunk-platform.md §2.6). The stand-in starts Python once per
// request with a small driver in place of splunkd's persistconn server: the driver imports the
// real handler module, calls `handle(in_string)` with the request document splunkd would build,
// and prints the answer.
import { spawn } from "node:child_process";
import { join } from "node:path";

import { readConfFile } from "./conf-file.ts";
import { requireCapability, RestError, type RestReply, type RestRequest } from "./rest-http.ts";

interface ScriptStanza {
  name: string;
  /** The path after the namespace, without its leading slash: `ta_defender_mssp/onboard`. */
  match: string;
  script: string;
  module: string;
  className: string;
  capabilities: Map<string, string>;
  passPayload: boolean;
  passSession: boolean;
}

export interface ScriptHandlers {
  /** The handler for an endpoint path, if the app declares one. */
  find(endpoint: string[]): ScriptStanza | undefined;
  run(stanza: ScriptStanza, request: RestRequest, origin: string): Promise<RestReply>;
  /** Environment added to splunkd's for the handlers (and the programs they start). */
  setEnv(env: NodeJS.ProcessEnv): void;
}

const TIMEOUT_MS = 120_000;

const DRIVER = `
import importlib, json, sys
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[1])
handler_class = getattr(importlib.import_module(sys.argv[2]), sys.argv[3])
answer = handler_class("", "").handle(sys.stdin.read())
if isinstance(answer, (bytes, str)):
    answer = json.loads(answer)
sys.stdout.write(json.dumps(answer))
`;

export function createScriptHandlers(opts: { appDir: string; appName: string; python?: string }): ScriptHandlers {
  const stanzas = [...readConfFile(join(opts.appDir, "default", "restmap.conf"))]
    .filter(([name]) => name.startsWith("script:"))
    .map(([name, keys]): ScriptStanza => {
      const handler = keys.get("handler") ?? "";
      const dot = handler.lastIndexOf(".");
      return {
        name,
        match: (keys.get("match") ?? "").replace(/^\/+/, ""),
        script: keys.get("script") ?? "",
        module: handler.slice(0, dot),
        className: handler.slice(dot + 1),
        capabilities: new Map([...keys].filter(([key]) => key === "capability" || key.startsWith("capability."))),
        passPayload: (keys.get("passPayload") ?? "false") !== "false",
        passSession: (keys.get("passSession") ?? "true") !== "false",
      };
    });
  let extraEnv: NodeJS.ProcessEnv = {};

  return {
    find(endpoint) {
      const path = endpoint.join("/");
      return stanzas.find((s) => s.match !== "" && (path === s.match || path.startsWith(`${s.match}/`)));
    },
    setEnv(env) {
      extraEnv = { ...env };
    },
    async run(stanza, request, origin) {
      const capability = stanza.capabilities.get(`capability.${request.method.toLowerCase()}`) ??
        stanza.capabilities.get("capability");
      if (capability !== undefined) requireCapability(request.session, capability);
      const path = request.endpoint.join("/");
      const document = {
        output_mode: request.query.get("output_mode") ?? "xml",
        path_info: path.slice(stanza.match.length).replace(/^\//, "") || null,
        query: [...request.query],
        method: request.method,
        rest_path: `/${path}`,
        ns: { app: request.namespace.app, user: request.namespace.owner },
        server: { rest_uri: origin, hostname: "splunk-standin", servername: "splunk-standin" },
        ...(stanza.passSession ? { session: { user: request.session.user, authtoken: request.session.key } } : {}),
        ...(stanza.passPayload ? { payload: request.body.toString("utf8") } : {}),
      };
      const answer = await runPython(opts.python ?? "python3", [
        "-c", DRIVER, join(opts.appDir, "bin"), stanza.module, stanza.className,
      ], JSON.stringify(document), { ...process.env, ...extraEnv }, join(opts.appDir, "bin"));
      const status = typeof answer["status"] === "number" ? answer["status"] : 200;
      const payload = answer["payload"];
      return { status, body: typeof payload === "string" ? JSON.parse(payload) as unknown : payload };
    },
  };
}

function runPython(python: string, args: string[], stdin: string, env: NodeJS.ProcessEnv, cwd: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, { env, cwd, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), TIMEOUT_MS);
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new RestError(500, `Failed to start the REST handler: ${error.message}`));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      try {
        if (code !== 0) throw new Error(`exit code ${String(code)}`);
        resolve(JSON.parse(stdout) as Record<string, unknown>);
      } catch {
        // Assumption: splunkd answers 500 when a persistent handler dies or answers nothing.
        reject(new RestError(500, `Script handler failed: ${stderr.trim().split("\n").at(-1) ?? ""}`));
      }
    });
    child.stdin.end(stdin);
  });
}
