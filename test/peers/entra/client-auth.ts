import { createHash, timingSafeEqual } from "node:crypto";

import { aadsts, type AadstsFailure } from "./aadsts.ts";
import type { Authority } from "./authority.ts";
import { verifyClientAssertion } from "./client-assertion.ts";
import type { AppRegistration, Directory, ServicePrincipal } from "./directory.ts";
import type { Form } from "./http.ts";

export type ClientAuthMethod = "client_secret_post" | "client_secret_basic" | "private_key_jwt";

const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/**
 * The client's credentials as sent, before any check. It holds the secret, so it is never
 * logged or stored; the request log keeps only `clientId` and `methods`.
 */
export interface PresentedClient {
  clientId?: string;
  methods: ClientAuthMethod[];
  secret?: string;
  assertion?: string;
  /** Set when the presentation itself is unusable; raised before any lookup. */
  problem?: AadstsFailure;
}

/** RFC 6749 §2.3.1: id and secret are form-encoded, then joined by `:` and base64-encoded. */
function parseBasic(value: string): { clientId: string; secret: string } | undefined {
  const decoded = Buffer.from(value.trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) return undefined;
  const unform = (s: string): string => decodeURIComponent(s.replace(/\+/g, " "));
  try {
    return { clientId: unform(decoded.slice(0, colon)), secret: unform(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

/** Reads `client_id`, `client_secret`, `client_assertion` and an HTTP Basic header. */
export function readClientCredentials(form: Form, authorization?: string): PresentedClient {
  const presented: PresentedClient = { methods: [] };
  const bodyId = form.get("client_id") || undefined;
  let basicId: string | undefined;

  const [scheme, value] = (authorization ?? "").split(/\s+/, 2);
  if (scheme?.toLowerCase() === "basic") {
    const basic = parseBasic(value ?? "");
    if (basic === undefined) {
      presented.problem = aadsts.malformed("The Authorization header is not valid Basic " +
        "credentials.");
    } else {
      basicId = basic.clientId;
      presented.secret = basic.secret;
      presented.methods.push("client_secret_basic");
    }
  }
  const bodySecret = form.get("client_secret");
  if (bodySecret) {
    presented.secret = bodySecret;
    presented.methods.push("client_secret_post");
  }
  const assertion = form.get("client_assertion");
  if (assertion) {
    presented.assertion = assertion;
    presented.methods.push("private_key_jwt");
    if (form.get("client_assertion_type") !== JWT_BEARER) {
      presented.problem ??= aadsts.malformed("client_assertion_type must be jwt-bearer.");
    }
  }

  presented.clientId = bodyId ?? basicId;
  // RFC 6749 §2.3: "The client MUST NOT use more than one authentication method".
  if (presented.methods.length > 1) {
    presented.problem ??= aadsts.malformed("The client used more than one authentication " +
      "method.");
  }
  if (bodyId !== undefined && basicId !== undefined && bodyId !== basicId) {
    presented.problem ??= aadsts.malformed("client_id does not match the Authorization header.");
  }
  return presented;
}

const digest = (value: string): Buffer => createHash("sha256").update(value).digest();

function secretMatches(stored: string, sent: string): boolean {
  return timingSafeEqual(digest(stored), digest(sent));
}

/** A client that proved itself: with a secret, or with a certificate assertion. */
export interface AuthenticatedClient {
  app: AppRegistration;
  principal: ServicePrincipal;
  /** "1" secret, "2" certificate: the `appidacr` claim of the tokens issued. */
  appidacr: "1" | "2";
}

/**
 * Authenticates a confidential client in one tenant. Throws AADSTS700016 (app not in the
 * tenant), 7000218 (no credential), 700027/700024/50027 (assertion), 7000215 (wrong secret) or
 * 7000222 (expired secret). `tokenEndpoint` is the URL an assertion's `aud` must name.
 */
export function authenticateClient(
  directory: Directory,
  authority: Extract<Authority, { kind: "tenant" }>,
  presented: PresentedClient,
  nowMs: number,
  tokenEndpoint: string,
): AuthenticatedClient {
  if (presented.problem !== undefined) throw presented.problem;
  if (presented.clientId === undefined) throw aadsts.missingParameter("client_id");

  const app = directory.findApp(presented.clientId);
  const principal = directory.findServicePrincipal(authority.tenantId, presented.clientId);
  if (app === undefined || principal === undefined) {
    throw aadsts.appNotInTenant(presented.clientId, authority.name);
  }
  if (presented.assertion !== undefined) {
    verifyClientAssertion(presented.assertion, app, tokenEndpoint, nowMs);
    return { app, principal, appidacr: "2" };
  }
  const sent = presented.secret;
  if (sent === undefined) throw aadsts.noClientCredential();

  const match = app.secrets.find((secret) => secretMatches(secret.value, sent));
  if (match === undefined) throw aadsts.invalidSecret(app.clientId);
  if (match.expiresAt !== undefined && nowMs >= match.expiresAt) {
    throw aadsts.expiredSecret(app.clientId);
  }
  return { app, principal, appidacr: "1" };
}
