// A Splunk Web stand-in: login and session cookies, app pages built from Simple XML views,
// the app's static files, the `$C` configuration script, and the `/splunkd/__raw` proxy to the
// splunkd stand-in with its CSRF check (splunk-platform.md §2.6).
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import { Agent, request } from "undici";

import type { SplunkdPeer } from "../splunkd/index.ts";
import type { TestTls } from "../../support/tls.ts";
import { exposedPatterns, readNav, readView, staticFile, viewReaders } from "./app-files.ts";
import { appPage, loginPage, notFoundPage } from "./pages.ts";

export interface SplunkWebPeerOptions {
  tls: TestTls;
  splunkd: SplunkdPeer;
  /** The app folder (views, nav, metadata, appserver/static); defaults to splunkd's. */
  appDir?: string;
  locale?: string;
}

/** One call through the proxy (method, splunkd path, status); never bodies or headers. */
export interface ProxiedCall {
  method: string;
  path: string;
  status: number;
}

export interface SplunkWebPeer {
  /** `https://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** The page of a view: `/en-US/app/<app>/<view>`. */
  viewUrl(view: string): string;
  readonly proxied: ProxiedCall[];
  close(): Promise<void>;
}

interface WebSession {
  user: string;
  sessionKey: string;
  csrf: string;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;

export async function createSplunkWebPeer(opts: SplunkWebPeerOptions): Promise<SplunkWebPeer> {
  const appDir = opts.appDir ?? opts.splunkd.appDir;
  const appName = opts.splunkd.appName;
  const locale = opts.locale ?? "en-US";
  const sessions = new Map<string, WebSession>();
  const proxied: ProxiedCall[] = [];
  const agent = new Agent({ connect: { ca: opts.tls.ca } });

  const server: Server = createServer({ cert: opts.tls.cert, key: opts.tls.key });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `https://127.0.0.1:${port}`;
  const sessionCookie = `splunkweb_session_${port}`;
  const csrfCookie = `splunkweb_csrf_token_${port}`;

  const splunkd = async (method: string, path: string, session: WebSession | undefined,
    body?: { type: string; data: Buffer }): Promise<{ status: number; type: string; text: string }> => {
    const res = await request(new URL(path, opts.splunkd.url), {
      method: method as "GET",
      dispatcher: agent,
      headers: {
        ...(session ? { authorization: `Splunk ${session.sessionKey}` } : {}),
        ...(body ? { "content-type": body.type } : {}),
      },
      ...(body ? { body: body.data } : {}),
    });
    return { status: res.statusCode, type: String(res.headers["content-type"] ?? ""), text: await res.body.text() };
  };

  const contextOf = async (session: WebSession): Promise<{ roles: string[] } | undefined> => {
    const res = await splunkd("GET", "/services/authentication/current-context?output_mode=json", session);
    if (res.status !== 200) return undefined;
    const entry = (JSON.parse(res.text) as { entry: Array<{ content: { roles: string[] } }> }).entry[0];
    return entry ? { roles: entry.content.roles } : undefined;
  };

  const isConfigured = async (session: WebSession): Promise<boolean> => {
    const res = await splunkd("GET", `/servicesNS/nobody/${appName}/configs/conf-app/install?output_mode=json`, session);
    if (res.status !== 200) return false;
    const entry = (JSON.parse(res.text) as { entry: Array<{ content: Record<string, unknown> }> }).entry[0];
    const value = entry?.content["is_configured"] as string | number | boolean | undefined;
    return ["1", "true"].includes(String(value ?? "").toLowerCase());
  };

  const setupView = async (session: WebSession): Promise<string | undefined> => {
    const res = await splunkd("GET", `/servicesNS/nobody/${appName}/configs/conf-app/ui?output_mode=json`, session);
    if (res.status !== 200) return undefined;
    const entry = (JSON.parse(res.text) as { entry: Array<{ content: Record<string, unknown> }> }).entry[0];
    const view = entry?.content["setup_view"];
    return typeof view === "string" && view !== "" ? view : undefined;
  };

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    serve(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(`Splunk Web stand-in failed: ${String(error)}`);
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = new URL(req.url ?? "/", url);
    const path = target.pathname;
    const session = sessions.get(cookiesOf(req).get(sessionCookie) ?? "");
    const prefix = `/${locale}`;

    if (path === "/" || path === prefix || path === `${prefix}/`) return redirect(res, `${prefix}/app/launcher/home`);
    if (path === `${prefix}/account/login`) return login(req, res, target);
    if (path === `${prefix}/config`) return config(res, session);
    const staticMatch = new RegExp(`^${prefix}/static/(?:@[^/]+/)?app/([^/]+)/(.+)$`).exec(path);
    if (staticMatch) return serveStatic(res, staticMatch[1] ?? "", decodeURIComponent(staticMatch[2] ?? ""));
    if (path.startsWith(`${prefix}/splunkd/__raw/`)) return proxy(req, res, target, session);

    const appMatch = new RegExp(`^${prefix}/app/([^/]+)/?([^/]*)$`).exec(path);
    if (!appMatch) return send(res, 404, "text/html; charset=UTF-8", notFoundPage(locale));
    if (!session) return redirect(res, `${prefix}/account/login?return_to=${encodeURIComponent(path + target.search)}`);
    return appView(res, session, appMatch[1] ?? "", appMatch[2] ?? "");
  }

  async function login(req: IncomingMessage, res: ServerResponse, target: URL): Promise<void> {
    const returnTo = safeReturn(target.searchParams.get("return_to"), locale);
    if (req.method !== "POST") return send(res, 200, "text/html; charset=UTF-8", loginPage(returnTo, undefined));
    const form = new URLSearchParams((await readBody(req)).toString("utf8"));
    const answer = await splunkd("POST", "/services/auth/login?output_mode=json", undefined, {
      type: "application/x-www-form-urlencoded",
      data: Buffer.from(new URLSearchParams({
        username: form.get("username") ?? "", password: form.get("password") ?? "",
      }).toString()),
    });
    if (answer.status !== 200) {
      return send(res, 200, "text/html; charset=UTF-8", loginPage(returnTo, "Invalid username or password."));
    }
    const id = randomBytes(24).toString("hex");
    const csrf = randomBytes(20).toString("hex");
    sessions.set(id, {
      user: form.get("username") ?? "",
      sessionKey: (JSON.parse(answer.text) as { sessionKey: string }).sessionKey,
      csrf,
    });
    res.setHeader("set-cookie", [
      `${sessionCookie}=${id}; Path=/; Secure; HttpOnly; SameSite=Lax`,
      // Readable by the page's JavaScript: it sends the value back in X-Splunk-Form-Key.
      `${csrfCookie}=${csrf}; Path=/; Secure; SameSite=Strict`,
    ]);
    return redirect(res, returnTo);
  }

  // Splunk Web's /config script: window.$C, which @splunk/splunk-utils/config reads.
  function config(res: ServerResponse, session: WebSession | undefined): void {
    const $C = {
      LOCALE: locale,
      MRSPARKLE_ROOT_PATH: "",
      MRSPARKLE_PORT_NUMBER: String(port),
      SPLUNKD_PATH: `/${locale}/splunkd/__raw`,
      USERNAME: session?.user ?? "",
      BUILD_NUMBER: "standin",
      BUILD_PUSH_NUMBER: 0,
      VERSION_LABEL: "9.3.2",
      APP_BUILD: 1,
    };
    send(res, 200, "text/javascript; charset=UTF-8", `window.$C = ${JSON.stringify($C)};\n`);
  }

  function serveStatic(res: ServerResponse, app: string, rel: string): void {
    const file = app === appName ? staticFile(appDir, rel) : undefined;
    if (!file) return send(res, 404, "text/plain", "Not Found");
    res.writeHead(200, { "content-type": file.type, "content-length": file.body.length, "cache-control": "no-store" });
    res.end(file.body);
  }

  async function appView(res: ServerResponse, session: WebSession, app: string, viewName: string): Promise<void> {
    if (app !== appName) return send(res, 404, "text/html; charset=UTF-8", notFoundPage(locale));
    const nav = readNav(appDir);
    if (viewName === "") {
      // An app whose setup has not run opens on its setup view (app.conf [ui] setup_view).
      const setup = await setupView(session);
      if (setup !== undefined && !(await isConfigured(session))) return redirect(res, `/${locale}/app/${app}/${setup}`);
      const first = nav.find((n) => n.isDefault) ?? nav[0];
      return redirect(res, `/${locale}/app/${app}/${first?.view ?? "search"}`);
    }
    const view = readView(appDir, viewName);
    const context = await contextOf(session);
    const readers = viewReaders(appDir, viewName);
    const allowed = readers.includes("*") || (context?.roles ?? []).some((role) => readers.includes(role));
    // splunkd hides a view its reader may not see; Splunk Web then answers "Page not found!".
    if (!view || !allowed) return send(res, 404, "text/html; charset=UTF-8", notFoundPage(locale));
    const navViews = nav
      .map((n) => ({ name: n.view, label: readView(appDir, n.view)?.label ?? n.view }))
      .filter((n) => n.name === "search" || (viewReaders(appDir, n.name).includes("*") ||
        (context?.roles ?? []).some((role) => viewReaders(appDir, n.name).includes(role))));
    send(res, 200, "text/html; charset=UTF-8", appPage({ locale, app, view, nav: navViews, user: session.user }));
  }

  async function proxy(req: IncomingMessage, res: ServerResponse, target: URL, session: WebSession | undefined): Promise<void> {
    const method = req.method ?? "GET";
    const splunkdPath = target.pathname.slice(`/${locale}/splunkd/__raw`.length);
    const record = (status: number): void => {
      proxied.push({ method, path: splunkdPath, status });
    };
    if (!session) {
      record(401);
      return sendMessages(res, 401, "Splunk Web session is not logged in.");
    }
    // Splunk Web refuses a state-changing call that does not carry the CSRF form key.
    // Assumption: its status and text (the brief of issue 5 says 403).
    if (method !== "GET" && method !== "HEAD" && req.headers["x-splunk-form-key"] !== session.csrf) {
      record(403);
      return sendMessages(res, 403, "Splunk cannot authenticate the request. CSRF validation failed.");
    }
    if (!exposed(splunkdPath, method)) {
      record(404);
      return sendMessages(res, 404, "Not Found");
    }
    const body = await readBody(req);
    const answer = await splunkd(method, splunkdPath + target.search, session,
      body.length > 0 ? { type: String(req.headers["content-type"] ?? ""), data: body } : undefined);
    record(answer.status);
    send(res, answer.status, answer.type || "application/json", answer.text);
  }

  // The app's custom endpoints reach splunkd only where web.conf exposes them; splunkd's own
  // endpoints are exposed by Splunk Web's system web.conf.
  // Assumption: the stock endpoints listed here are among those; others answer 404.
  const appPatterns = exposedPatterns(appDir);
  function exposed(splunkdPath: string, method: string): boolean {
    const match = /^\/servicesNS\/[^/]+\/[^/]+\/(.+)$/.exec(splunkdPath) ?? /^\/services\/(.+)$/.exec(splunkdPath);
    const endpoint = match?.[1] ?? "";
    const stock = /^(storage\/passwords|storage\/collections|configs\/conf-|data\/inputs|authentication\/current-context|apps\/local|server\/info)/;
    if (stock.test(endpoint)) return true;
    return appPatterns.some((p) => p.pattern.test(endpoint) && p.methods.includes(method));
  }

  return {
    url,
    port,
    viewUrl: (view) => `${url}/${locale}/app/${appName}/${view}`,
    proxied,
    close: () =>
      new Promise<void>((resolve, reject) => {
        void agent.close();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function cookiesOf(req: IncomingMessage): Map<string, string> {
  const jar = new Map<string, string>();
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) jar.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return jar;
}

function safeReturn(value: string | null, locale: string): string {
  return value !== null && value.startsWith(`/${locale}/`) && !value.startsWith("//") ? value : `/${locale}/app/launcher/home`;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error("request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { location, "cache-control": "no-store" });
  res.end();
}

function send(res: ServerResponse, status: number, type: string, text: string): void {
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(text), "cache-control": "no-store" });
  res.end(text);
}

function sendMessages(res: ServerResponse, status: number, text: string): void {
  send(res, status, "application/json; charset=UTF-8", JSON.stringify({ messages: [{ type: "ERROR", text }] }));
}
