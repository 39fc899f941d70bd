import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";

import type { TokenSigner } from "./access-token.ts";
import { AadstsFailure, aadsts, renderFailure } from "./aadsts.ts";
import { resolveAuthority } from "./authority.ts";
import { readClientCredentials, type ClientAuthMethod } from "./client-auth.ts";
import type { Directory } from "./directory.ts";
import type { FaultQueue } from "./faults.ts";
import { GRANTS, type TokenSuccess } from "./grants/index.ts";
import { isFormEncoded, parseForm, readBody, sendJson, type Route } from "./http.ts";
import { OIDC_SCOPES, splitScope } from "./resources.ts";
import type { Protocol, UserGrantStore } from "./user-grants.ts";

/** One token request as the peer saw it. Secret values are never kept. */
export interface TokenRequestRecord {
  /** Peer clock, ms epoch. */
  at: number;
  /** The `{tenant}` URL segment as sent (id, domain or alias). */
  tenant: string;
  /** The directory it resolved to, when it did. */
  tenantId?: string;
  /** `v1` for `/oauth2/token`, `v2` for `/oauth2/v2.0/token`. */
  protocol: Protocol;
  grantType?: string;
  clientId?: string;
  scope?: string;
  /** The v1 `resource` parameter. */
  resource?: string;
  /** Every parameter name of the body, sorted (values are never kept). */
  parameters: string[];
  /** Whether a client secret came in the body or an HTTP Basic header. */
  secretSent: boolean;
  authMethods: ClientAuthMethod[];
  status: number;
  error?: string;
  errorCodes?: number[];
}

export interface TokenEndpointDeps {
  directory: Directory;
  signer: TokenSigner;
  faults: FaultQueue;
  now(): number;
  origin: string;
  record(entry: TokenRequestRecord): void;
  countIssued(tenantId: string): void;
  codes: UserGrantStore;
  /** Resolves when a granted answer may be sent (a test can hold it: a crash window). */
  beforeAnswer(record: TokenRequestRecord): Promise<void>;
}

/** Grants that redeem a user's code or token: refused cross-origin for web (confidential) apps. */
const REDEMPTIONS = new Set(["authorization_code", "refresh_token"]);

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The `client-request-id` a client sent (header or query), when it is a GUID. */
function clientRequestIdOf(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers["client-request-id"];
  const sent = (typeof header === "string" ? header : undefined) ??
    url.searchParams.get("client-request-id") ?? undefined;
  return sent !== undefined && GUID.test(sent) ? sent : undefined;
}

async function processTokenRequest(
  req: IncomingMessage,
  url: URL,
  segment: string,
  record: TokenRequestRecord,
  deps: TokenEndpointDeps,
  protocol: Protocol,
): Promise<TokenSuccess> {
  const method = req.method ?? "GET";
  const formEncoded = isFormEncoded(req.headers["content-type"]);
  const text = method === "POST" ? await readBody(req) : "";
  const form = parseForm(formEncoded && text !== undefined ? text : "");
  const client = readClientCredentials(form, req.headers.authorization);
  Object.assign(record, {
    grantType: form.get("grant_type"),
    clientId: client.clientId,
    scope: form.get("scope"),
    resource: form.get("resource"),
    parameters: form.names(),
    secretSent: client.secret !== undefined,
    authMethods: client.methods,
  });

  const authority = resolveAuthority(deps.directory, segment);
  if (authority?.kind === "tenant") record.tenantId = authority.tenantId;
  // Injected faults model throttling and outages: they win over every other check.
  const fault = deps.faults.take([segment, ...(record.tenantId ? [record.tenantId] : [])]);
  if (fault !== undefined) throw fault;
  if (authority === undefined) throw aadsts.tenantNotFound(segment);
  if (method !== "POST") throw aadsts.postOnly(method);
  if (text === undefined) throw aadsts.malformed("The request body is too large.");
  // Assumption: a body that is not form-encoded is not read at all, so the first missing
  // parameter is reported, as ESTS does for JSON bodies.
  if (!formEncoded) throw aadsts.missingParameter("grant_type");
  const repeated = form.duplicates[0];
  if (repeated !== undefined) throw aadsts.malformed(`Parameter '${repeated}' is repeated.`);
  // RFC 6749 §2.3.1: client credentials "MUST NOT be included in the request URI".
  if (url.searchParams.has("client_secret") || url.searchParams.has("client_assertion")) {
    throw aadsts.malformed("Client credentials must not be sent in the URL.");
  }
  // Each endpoint takes only its own form of the audience (microsoft-apis.md §5 "resource").
  if (protocol === "v2" && form.has("resource")) throw aadsts.resourceParameter();
  const scope = form.get("scope");
  if (protocol === "v1" && scope !== undefined &&
    splitScope(scope).some((item) => !OIDC_SCOPES.has(item.toLowerCase()))) {
    throw aadsts.v1ResourceScope(scope);
  }

  const grantType = form.get("grant_type");
  if (!grantType) throw aadsts.missingParameter("grant_type");
  const handler = Object.hasOwn(GRANTS, grantType) ? GRANTS[grantType] : undefined;
  if (handler === undefined) throw aadsts.unsupportedGrantType(grantType);
  // A browser's token call carries `Origin`; Entra refuses it for web apps, which is why the
  // code exchange runs on the Splunk server (docs/ONBOARDING.md).
  if (REDEMPTIONS.has(grantType) && req.headers.origin !== undefined) throw aadsts.crossOrigin();

  return handler({
    authority, form, client, directory: deps.directory, signer: deps.signer, nowMs: deps.now(),
    protocol, endpointUrl: `${deps.origin}${url.pathname}`, origin: deps.origin,
    codes: deps.codes,
  });
}

/**
 * `POST /{tenant}/oauth2/v2.0/token` and the v1 `POST /{tenant}/oauth2/token`
 * (microsoft-apis.md §4 "Endpoints").
 */
export function createTokenRoutes(deps: TokenEndpointDeps): Route[] {
  return [
    tokenRoute(deps, "v2", /^\/([^/]+)\/oauth2\/v2\.0\/token$/),
    tokenRoute(deps, "v1", /^\/([^/]+)\/oauth2\/token$/),
  ];
}

function tokenRoute(deps: TokenEndpointDeps, protocol: Protocol, path: RegExp): Route {
  return {
    method: "*",
    path,
    async handle(req, res, [segment = ""]) {
      const url = new URL(req.url ?? "/", deps.origin);
      const clientRequestId = clientRequestIdOf(req, url);
      // ESTS reuses the client's request id as the correlation id of its answer.
      const correlationId = clientRequestId ?? randomUUID();
      const traceId = randomUUID();
      const record: TokenRequestRecord = {
        at: deps.now(), tenant: segment, protocol, parameters: [], secretSent: false,
        authMethods: [], status: 0,
      };
      const headers: Record<string, string> = {
        "cache-control": "no-store, no-cache",
        pragma: "no-cache",
        "x-ms-request-id": traceId,
        ...(clientRequestId !== undefined ? { "client-request-id": clientRequestId } : {}),
      };

      try {
        const success = await processTokenRequest(req, url, segment, record, deps, protocol);
        deps.countIssued(success.tenantId);
        record.status = 200;
        deps.record(record);
        // The grant has happened (a refresh token is rotated) whether or not the answer arrives.
        await deps.beforeAnswer(record);
        if (!res.destroyed) sendJson(res, 200, success.body, headers);
      } catch (error: unknown) {
        if (!(error instanceof AadstsFailure)) throw error;
        const failure = renderFailure(error, {
          now: deps.now(), origin: deps.origin, correlationId, traceId,
        });
        Object.assign(record, {
          status: failure.status, error: error.error, errorCodes: [error.code],
        });
        deps.record(record);
        sendJson(res, failure.status, failure.body, { ...headers, ...failure.headers });
      }
    },
  };
}
