import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import type { TestTls } from "../../support/tls.ts";
import { createConfStore } from "./conf-endpoint.ts";
import { createModularInputs, type ModularInputCode } from "./inputs-endpoint.ts";
import { createKvStore, type KvStoreStatus } from "./kv-endpoint.ts";
import type { KvDocument } from "./kv-query.ts";
import { createPasswordStore, type StoredPassword } from "./passwords-endpoint.ts";
import { createRestRouter } from "./rest-router.ts";
import { createScriptHandlers } from "./script-endpoint.ts";
import { createServerIdentity } from "./server-info.ts";
import { createSessions, DEFAULT_USERS, SYSTEM_USER, type SplunkUser } from "./sessions.ts";

export interface SplunkdPeerOptions {
  tls: TestTls;
  /** The add-on's folder: `default/*.conf` are read from it, nothing is written to it. */
  appDir: string;
  appName?: string;
  /** Defaults to {@link DEFAULT_USERS}: `admin` (role admin) and `analyst` (role user). */
  users?: Record<string, SplunkUser>;
  serverName?: string;
}

/** One served call; never bodies, query strings or headers, so never a secret. */
export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
}

/** A splunkd stand-in on `https://127.0.0.1:<port>`. */
export interface SplunkdPeer {
  readonly url: string;
  readonly appName: string;
  readonly appDir: string;
  readonly serverName: string;
  readonly requests: RecordedRequest[];
  /** A new session key for a user, or for `splunk-system-user` as splunkd gives an input. */
  sessionKeyFor(user: string): string;
  /** Invalidates every session key, as a restart or session timeout of splunkd does. */
  expireSessions(): void;
  /** While not `ready`, KV store data calls answer 503 and server/info reports the status. */
  setKvStoreStatus(status: KvStoreStatus): void;
  passwords(): StoredPassword[];
  kv(collection: string): KvDocument[];
  /** Effective stanzas of one of the app's conf files (default/ plus REST changes). */
  conf(file: string): Record<string, Record<string, string>>;
  /**
   * Serves `data/inputs/<scheme>` with this scheme's executable, as splunkd does for a modular
   * input it found in the app: introspection, and `--validate-arguments` on create and edit.
   */
  addModularInput(scheme: string, code: ModularInputCode): void;
  /**
   * Environment added to splunkd's own for the app's REST handlers (restmap.conf), which run
   * the real Python handlers in the app's bin/ on every call.
   */
  setHandlerEnv(env: NodeJS.ProcessEnv): void;
  close(): Promise<void>;
}

export { SYSTEM_USER };

const MAX_BODY_BYTES = 64 * 1024 * 1024;
const TOO_LARGE = { type: "ERROR", text: "Request body too large." };

/** Starts the stand-in; see the README of test/peers for the names it honours. */
export async function createSplunkdPeer(opts: SplunkdPeerOptions): Promise<SplunkdPeer> {
  const appName = opts.appName ?? "TA-defender-mssp";
  const users = opts.users ?? DEFAULT_USERS;
  const sessions = createSessions(users);
  const passwords = createPasswordStore();
  const kv = createKvStore({ appName, appDir: opts.appDir });
  const confs = createConfStore({ appName, appDir: opts.appDir });
  const identity = createServerIdentity(opts.serverName);
  const inputs = createModularInputs({ appName, confs });
  const scripts = createScriptHandlers({ appDir: opts.appDir, appName });
  const requests: RecordedRequest[] = [];

  const server: Server = createServer({ cert: opts.tls.cert, key: opts.tls.key });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const route = createRestRouter({
    origin: url,
    appName,
    users,
    sessions,
    passwords,
    kv,
    confs,
    identity,
    inputs,
    scripts,
  });

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    // A client that goes away mid-body leaves nothing to answer.
    serve(req, res).catch(() => res.destroy());
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    const target = new URL(req.url ?? "/", url);
    const body = await readBody(req);
    const answer =
      body === undefined
        ? { status: 413, text: JSON.stringify({ messages: [TOO_LARGE] }), json: true }
        : await route({ method, target, body, headers: req.headers });
    const type = answer.json ? "application/json; charset=UTF-8" : "text/xml; charset=UTF-8";
    res.writeHead(answer.status, {
      "Content-Type": type,
      "Content-Length": Buffer.byteLength(answer.text),
    });
    res.end(answer.text);
    requests.push({ method, path: target.pathname, status: answer.status });
  }

  return {
    url,
    appName,
    appDir: opts.appDir,
    serverName: identity.serverName,
    requests,
    sessionKeyFor: (user) => sessions.keyFor(user),
    expireSessions: () => sessions.expireAll(),
    setKvStoreStatus(status) {
      kv.status = status;
    },
    passwords: () => passwords.all(),
    kv: (collection) => kv.documents(appName, collection),
    conf(file) {
      const stanzas = confs.merged(appName, file);
      return Object.fromEntries(
        [...stanzas].map(([name, keys]) => [name, Object.fromEntries(keys)]),
      );
    },
    addModularInput: (scheme, code) => inputs.register(scheme, code),
    setHandlerEnv: (env) => scripts.setEnv(env),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** The body, or undefined when it is larger than splunkd would take. */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size <= MAX_BODY_BYTES) chunks.push(buffer);
  }
  return size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks);
}
