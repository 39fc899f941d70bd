// The browser-facing endpoints: authorize (v1 and v2) and admin consent (v1 and v2), for a
// scripted browser — the test says who is signed in and what they answer on a consent prompt
// (microsoft-apis.md §4 "Authorization code flow", "Admin consent").
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

import { AadstsFailure, aadsts, renderFailure } from "./aadsts.ts";
import { resolveAuthority } from "./authority.ts";
import type { AppRegistration, Directory, Grant, User } from "./directory.ts";
import { readDelegatedScope } from "./grants/delegated.ts";
import { sendJson, type Route } from "./http.ts";
import { defaultScopeResource, findResource, splitScope, type NamedResource } from "./resources.ts";
import type { Protocol, UserGrantStore } from "./user-grants.ts";

/** What the scripted browser does. */
export interface BrowserScript {
  /** The signed-in user's UPN; none: the sign-in page is shown and nothing redirects. */
  user?: string;
  /** The answer to a consent prompt. Default: accept. */
  consent: "accept" | "decline";
}

/** One browser request as the peer saw it (parameter names only). */
export interface BrowserRecord {
  at: number;
  kind: "authorize" | "adminconsent";
  protocol: Protocol;
  tenant: string;
  parameters: string[];
  /** `code`, `consented`, `error:<oauth error>`, `page:<reason>`. */
  outcome: string;
  /** The OAuth/AADSTS error code of a refusal, when there was one. */
  errorCode?: number;
}

export interface BrowserDeps {
  directory: Directory;
  codes: UserGrantStore;
  now(): number;
  origin: string;
  browser: BrowserScript;
  record(entry: BrowserRecord): void;
}

/** Thrown to show an error page: the redirect URI cannot be trusted, so nothing redirects. */
class ErrorPage extends Error {
  constructor(readonly failure: AadstsFailure) {
    super(failure.message);
  }
}

/** Thrown to redirect back with `error`, `error_description` and `state`. */
class RedirectError extends Error {
  constructor(readonly params: Record<string, string>, readonly errorCode?: number) {
    super(params.error);
  }
}

const redirectFailure = (failure: AadstsFailure): RedirectError =>
  new RedirectError({
    error: failure.error,
    error_description: `AADSTS${failure.code}: ${failure.text}`,
  }, failure.code);

const plain = (error: string, code: number, text: string): RedirectError =>
  redirectFailure(new AadstsFailure(400, error, code, text));

function redirect(res: ServerResponse, base: string, params: Record<string, string>): void {
  const url = new URL(base);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  res.writeHead(302, { location: url.href, "cache-control": "no-store, no-cache" });
  res.end();
}

interface Checked {
  app: AppRegistration;
  redirectUri: string;
  user: User;
  tenantId: string;
}

/** The checks both pages share, in the order the service applies them. */
function checkRequest(deps: BrowserDeps, segment: string, query: URLSearchParams): Checked | "sign-in" {
  const authority = resolveAuthority(deps.directory, segment);
  if (authority === undefined || authority.segment === "consumers") {
    throw new ErrorPage(aadsts.tenantNotFound(segment));
  }
  const clientId = query.get("client_id") ?? "";
  const app = deps.directory.findApp(clientId);
  if (app === undefined) throw new ErrorPage(aadsts.appNotInTenant(clientId, segment));
  const redirectUri = query.get("redirect_uri") ?? "";
  // Web redirect URIs must match a registered one exactly; the error shows on Entra's own page.
  if (!app.redirectUris.includes(redirectUri)) {
    throw new ErrorPage(aadsts.redirectMismatch(app.clientId));
  }

  const upn = deps.browser.user;
  const user = upn === undefined ? undefined : deps.directory.findUser(upn);
  if (user === undefined) {
    if (query.get("prompt") === "none") {
      throw plain("login_required", 50058, "A silent sign-in request was sent but no user is " +
        "signed in.");
    }
    return "sign-in";
  }
  if (authority.kind === "tenant" && authority.tenantId !== user.tenantId) {
    throw plain("access_denied", 50020, `User account '${user.upn}' from identity provider ` +
      `does not exist in tenant '${authority.name}' and cannot access the application.`);
  }
  return { app, redirectUri, user, tenantId: user.tenantId };
}

/** The delegated permissions a `.default` (or explicit) request asks for on one resource. */
function requiredScopes(app: AppRegistration, resource: NamedResource, asked: string[] | "default"): string[] {
  if (asked !== "default") return asked;
  const access = app.requiredResourceAccess.find(
    (a) => findResource(a.resource)?.app.appId === resource.app.appId);
  return [...(access?.scopes ?? [])];
}

function authorize(deps: BrowserDeps, protocol: Protocol, segment: string, query: URLSearchParams, res: ServerResponse): BrowserRecord["outcome"] {
  const checked = checkRequest(deps, segment, query);
  if (checked === "sign-in") {
    sendJson(res, 200, { page: "sign_in", message: "Sign in to your account" });
    return "page:sign_in";
  }
  const { app, user, tenantId } = checked;
  if (query.get("response_type") !== "code") {
    throw plain("unsupported_response_type", 700054, "response_type 'code' is required here.");
  }
  const mode = query.get("response_mode") ?? "query";
  // Assumption: only the query response mode is served; the product asks for it explicitly.
  if (mode !== "query") throw plain("invalid_request", 900144, "Only response_mode=query.");

  let resource: NamedResource | undefined;
  let asked: string[] | "default" = "default";
  let oidc = new Set(["openid", "offline_access"]);
  if (protocol === "v2") {
    if (query.has("resource")) throw redirectFailure(aadsts.resourceParameter());
    const scope = query.get("scope");
    if (!scope) throw redirectFailure(aadsts.missingParameter("scope"));
    try {
      const read = readDelegatedScope(scope, tenantId);
      resource = read.resource;
      asked = read.permissions;
      oidc = read.oidc;
    } catch (error) {
      if (error instanceof AadstsFailure) throw redirectFailure(error);
      throw error;
    }
  } else {
    const named = query.get("resource");
    if (!named) throw redirectFailure(aadsts.missingParameter("resource"));
    resource = findResource(named);
    if (resource === undefined) throw redirectFailure(aadsts.resourceNotFound(named, tenantId));
  }
  // Assumption: a user flow must name one resource; an OIDC-only request is refused.
  if (resource === undefined) {
    throw redirectFailure(aadsts.invalidScope(query.get("scope") ?? ""));
  }
  const scopes = requiredScopes(app, resource, asked);
  if (scopes.length === 0) throw redirectFailure(aadsts.noDelegatedScopes(resource.identifier));

  const challenge = query.get("code_challenge") ?? undefined;
  const method = query.get("code_challenge_method") ?? (challenge === undefined ? undefined : "plain");
  if (method !== undefined && method !== "S256" && method !== "plain") {
    throw plain("invalid_request", 9002313, "code_challenge_method must be S256 or plain.");
  }
  if (method !== undefined && challenge === undefined) {
    throw plain("invalid_request", 900144, "code_challenge is required with its method.");
  }

  const granted = deps.directory.findServicePrincipal(tenantId, app.clientId)
    ?.scopes.get(resource.app.appId) ?? [];
  const prompted = query.get("prompt") === "consent" || !scopes.every((s) => granted.includes(s));
  if (prompted) {
    if (deps.browser.consent === "decline") {
      throw plain("access_denied", 65004, "User declined to consent to access the app.");
    }
    // Assumption: a user who may not consent is sent back with 90094 (the real page says
    // "Need admin approval" and offers a request flow).
    if (!user.admin) {
      throw plain("access_denied", 90094, "Admin consent is required for the permissions " +
        "requested by this application.");
    }
    deps.directory.addGrants({
      tenantId, clientId: app.clientId, grants: [{ resource: resource.identifier, roles: [], scopes }],
    });
  }

  const code = deps.codes.issueCode({
    protocol, clientId: app.clientId, tenantId, userOid: user.oid, redirectUri: checked.redirectUri,
    resource: resource.identifier, scopes, oidc,
    ...(challenge !== undefined ? { codeChallenge: challenge } : {}),
    ...(method !== undefined ? { codeChallengeMethod: method } : {}),
    issuedAt: deps.now(),
  });
  const state = query.get("state");
  redirect(res, checked.redirectUri, {
    code, ...(state !== null ? { state } : {}), session_state: randomUUID(),
  });
  return "code";
}

function adminConsent(deps: BrowserDeps, protocol: Protocol, segment: string, query: URLSearchParams, res: ServerResponse): BrowserRecord["outcome"] {
  const checked = checkRequest(deps, segment, query);
  if (checked === "sign-in") {
    sendJson(res, 200, { page: "sign_in", message: "Sign in with an administrator account" });
    return "page:sign_in";
  }
  const { app, user, tenantId } = checked;
  const scope = query.get("scope");
  let grants: Grant[] = app.requiredResourceAccess.map((a) => ({
    resource: a.resource, roles: [...(a.roles ?? [])], scopes: [...(a.scopes ?? [])],
  }));
  if (protocol === "v2") {
    if (!scope) throw redirectFailure(aadsts.missingParameter("scope"));
    const wanted = new Set(splitScope(scope).map((item) => {
      const resource = findResource(defaultScopeResource(item) ?? "");
      if (resource === undefined) throw redirectFailure(aadsts.invalidScope(scope));
      return resource.app.appId;
    }));
    grants = grants.filter((g) => wanted.has(findResource(g.resource)?.app.appId ?? ""));
  }
  if (!user.admin) {
    throw plain("access_denied", 90094, "Admin consent is required for the permissions " +
      "requested by this application.");
  }
  if (deps.browser.consent === "decline") {
    // The two documented failure forms (microsoft-apis.md §4 "Admin consent").
    if (protocol === "v1") {
      throw new RedirectError({
        error: "permission_denied", error_description: "The admin canceled the request",
      });
    }
    throw new RedirectError({
      admin_consent: "True", error: "consent_required",
      error_description: "AADSTS65004: User declined to consent to access the app.",
    }, 65004);
  }

  deps.directory.addGrants({ tenantId, clientId: app.clientId, grants });
  const state = query.get("state");
  const params: Record<string, string> = protocol === "v1"
    ? { tenant: tenantId, ...(state !== null ? { state } : {}), admin_consent: "True" }
    : { admin_consent: "True", tenant: tenantId, scope: scope ?? "",
      ...(state !== null ? { state } : {}) };
  redirect(res, checked.redirectUri, params);
  return "consented";
}

type Page = typeof authorize;

function browserRoute(deps: BrowserDeps, kind: BrowserRecord["kind"], protocol: Protocol, path: RegExp, page: Page): Route {
  return {
    method: "GET",
    path,
    handle(req: IncomingMessage, res: ServerResponse, [segment = ""]: string[]) {
      const query = new URL(req.url ?? "/", deps.origin).searchParams;
      const entry: BrowserRecord = {
        at: deps.now(), kind, protocol, tenant: segment,
        parameters: [...new Set(query.keys())].sort(), outcome: "",
      };
      try {
        entry.outcome = page(deps, protocol, segment, query, res);
      } catch (error) {
        if (error instanceof ErrorPage) {
          const failure = renderFailure(error.failure, {
            now: deps.now(), origin: deps.origin, correlationId: randomUUID(), traceId: randomUUID(),
          });
          entry.outcome = `page:${error.failure.error}`;
          entry.errorCode = error.failure.code;
          sendJson(res, error.failure.status === 401 ? 400 : error.failure.status, failure.body);
        } else if (error instanceof RedirectError) {
          const state = query.get("state");
          entry.outcome = `error:${error.params.error ?? ""}`;
          if (error.errorCode !== undefined) entry.errorCode = error.errorCode;
          redirect(res, query.get("redirect_uri") ?? "", {
            ...error.params, ...(state !== null ? { state } : {}),
          });
        } else {
          throw error;
        }
      }
      deps.record(entry);
    },
  };
}

/** `GET /{tenant}/oauth2[/v2.0]/authorize` and `GET /{tenant}[/v2.0]/adminconsent`. */
export function createBrowserRoutes(deps: BrowserDeps): Route[] {
  return [
    browserRoute(deps, "authorize", "v2", /^\/([^/]+)\/oauth2\/v2\.0\/authorize$/, authorize),
    browserRoute(deps, "authorize", "v1", /^\/([^/]+)\/oauth2\/authorize$/, authorize),
    browserRoute(deps, "adminconsent", "v2", /^\/([^/]+)\/v2\.0\/adminconsent$/, adminConsent),
    browserRoute(deps, "adminconsent", "v1", /^\/([^/]+)\/adminconsent$/, adminConsent),
  ];
}
