import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import type { TestTls } from "../../support/tls.ts";
import { createTokenSigner, type AccessTokenClaims } from "./access-token.ts";
import { createBrowserRoutes, type BrowserRecord, type BrowserScript } from "./authorize.ts";
import {
  createDirectory, type AppChanges, type AppInput, type AppSecret, type Grant, type TenantPolicy,
  type User,
} from "./directory.ts";
import { createDiscoveryRoutes, type DiscoveryRecord } from "./discovery.ts";
import { createFaultQueue, type InjectedError } from "./faults.ts";
import { matchRoute, sendJson, type Route } from "./http.ts";
import { createTokenRoutes, type TokenRequestRecord } from "./token-endpoint.ts";
import { createUserGrantStore, type RefreshTokenRecord } from "./user-grants.ts";

export interface EntraPeerOptions {
  tls: TestTls;
  /**
   * The peer's clock, ms epoch: token times, secret, certificate and refresh token expiry,
   * and token verification. `advanceClock` moves it further.
   */
  now?: () => number;
}

/** A running Entra ID stand-in on `https://127.0.0.1:<port>`. */
export interface EntraPeer {
  /** Origin, `https://127.0.0.1:PORT`; an MSAL authority is `${url}/${tenantId}`. */
  readonly url: string;
  /** `127.0.0.1:PORT`, for MSAL's `knownAuthorities`. */
  readonly host: string;
  /** Adds a customer directory, addressable by id or `domain`. Throws on a duplicate. */
  addTenant(tenantId: string, opts?: { domain?: string }): void;
  /** Registers the MSSP's multi-tenant app. Throws when the client id exists. */
  registerApp(app: AppInput): void;
  /** Replaces an app's secrets (rotation). */
  setSecrets(clientId: string, secrets: AppSecret[]): void;
  /** Replaces an app's certificates, redirect URIs or required permissions. */
  updateApp(clientId: string, changes: AppChanges): void;
  /** Conditional Access sign-in frequency and refresh token reuse rules of one tenant. */
  setTenantPolicy(tenantId: string, policy: TenantPolicy): void;
  /** A user of a tenant who can sign in on the authorize and admin consent pages. */
  addUser(user: { tenantId: string; upn: string; displayName?: string; admin?: boolean }): User;
  /** Who the scripted browser is signed in as (none: pages show the sign-in form). */
  signIn(upn: string | undefined): void;
  /** What the signed-in user answers on a consent prompt. */
  answerConsent(answer: BrowserScript["consent"]): void;
  /** Revokes every refresh token of a user (AADSTS50173 afterwards). */
  revokeUserSessions(tenantId: string, upn: string): number;
  /** Removes the delegated permissions granted on `resource` (AADSTS65001 afterwards). */
  withdrawDelegatedConsent(tenantId: string, clientId: string, resource: string): void;
  /** Admin consent: the app's service principal in the tenant, with these application roles. */
  consent(c: { tenantId: string; clientId: string; grants: Grant[] }): void;
  /** Deletes the service principal; token requests then fail with AADSTS700016. */
  revokeConsent(tenantId: string, clientId: string): void;
  /**
   * Verifies an access token this peer issued against its clock. Throws `AccessTokenError`
   * (`malformed`, `algorithm`, `key`, `signature`, `issuer`, `expired`, `not_yet_valid`).
   */
  verifyAccessToken(token: string): AccessTokenClaims;
  /** Makes the next matching token request(s) fail with this ESTS error. */
  injectError(fault: InjectedError): void;
  clearErrors(): void;
  /** Every token request, oldest first. */
  readonly requests: readonly TokenRequestRecord[];
  /** Every authorize and admin consent page request, oldest first. */
  readonly browserRequests: readonly BrowserRecord[];
  /** The refresh tokens issued in a tenant (or all), oldest first. */
  refreshTokens(tenantId?: string): readonly RefreshTokenRecord[];
  /** The peer's current time, ms epoch. */
  now(): number;
  /** Moves the peer's clock forward (the 90-day inactivity rule, sign-in frequency). */
  advanceClock(ms: number): void;
  /**
   * Holds the answers of matching successful token requests until `release()`: the grant has
   * happened (a refresh token rotated) but the client has not heard of it, the window in which
   * a crash loses the answer. `reached` resolves when the first answer is held.
   */
  holdTokenAnswers(match: { tenantId?: string; grantType?: string }): { reached: Promise<void>; release(): void };
  /** Every metadata and key-set request, oldest first. */
  readonly discoveryRequests: readonly DiscoveryRecord[];
  /** Access tokens issued, by tenant id. */
  readonly issued: ReadonlyMap<string, number>;
  /** Empties `requests`, `browserRequests`, `discoveryRequests` and `issued`. */
  resetLogs(): void;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

async function dispatch(
  routes: readonly Route[],
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const pathname = new URL(req.url ?? "/", "https://peer.invalid").pathname;
  let found: ReturnType<typeof matchRoute>;
  try {
    found = matchRoute(routes, req.method ?? "GET", pathname);
  } catch {
    found = undefined; // a malformed %-escape names no tenant
  }
  if (found === undefined) return sendJson(res, 404, { error: "not_found" });
  if (found === "methodMismatch") return sendJson(res, 405, { error: "method_not_allowed" });
  await found.route.handle(req, res, found.params);
}

/**
 * Starts the Entra ID stand-in: v2 discovery and key set, v1 and v2 token endpoints (client
 * credentials with a secret or a certificate assertion, authorization code with PKCE, rotating
 * refresh tokens), authorize and admin consent pages for a scripted browser, for any tenant
 * added with `addTenant`, signing RS256 tokens with a key generated for this peer.
 */
export async function createEntraPeer(opts: EntraPeerOptions): Promise<EntraPeer> {
  const base = opts.now ?? Date.now;
  let offsetMs = 0;
  const now = (): number => base() + offsetMs;
  const directory = createDirectory();
  const codes = createUserGrantStore();
  const browser: BrowserScript = { consent: "accept" };
  const browserRequests: BrowserRecord[] = [];
  const holds: { matches(r: TokenRequestRecord): boolean; reachedNow(): void; released: Promise<void> }[] = [];
  const beforeAnswer = async (record: TokenRequestRecord): Promise<void> => {
    const hold = holds.find((h) => h.matches(record));
    if (hold === undefined) return;
    hold.reachedNow();
    await hold.released;
  };
  const faults = createFaultQueue();
  const signer = await createTokenSigner();
  const requests: TokenRequestRecord[] = [];
  const discoveryRequests: DiscoveryRecord[] = [];
  const issued = new Map<string, number>();
  const routes: Route[] = [];

  const server = createServer({ cert: opts.tls.cert, key: opts.tls.key }, (req, res) => {
    dispatch(routes, req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: "server_error", detail: String(error) });
      else res.destroy();
    });
  });
  const port = await listen(server);
  const origin = `https://127.0.0.1:${port}`;

  routes.push(
    ...createDiscoveryRoutes({
      directory, signer, now, origin, record: (entry) => discoveryRequests.push(entry),
    }),
    ...createTokenRoutes({
      directory, signer, faults, now, origin, codes, beforeAnswer,
      record: (entry) => requests.push(entry),
      countIssued: (tenantId) => issued.set(tenantId, (issued.get(tenantId) ?? 0) + 1),
    }),
    ...createBrowserRoutes({
      directory, codes, now, origin, browser, record: (entry) => browserRequests.push(entry),
    }),
  );

  return {
    url: origin,
    host: `127.0.0.1:${port}`,
    addTenant(tenantId, tenantOpts) {
      directory.addTenant(tenantId, tenantOpts);
    },
    registerApp: (app) => directory.registerApp(app),
    setSecrets: (clientId, secrets) => directory.setSecrets(clientId, secrets),
    updateApp: (clientId, changes) => directory.updateApp(clientId, changes),
    setTenantPolicy: (tenantId, policy) => directory.setPolicy(tenantId, policy),
    addUser: (user) => directory.addUser(user),
    signIn(upn) {
      if (upn === undefined) delete browser.user;
      else browser.user = upn;
    },
    answerConsent(answer) {
      browser.consent = answer;
    },
    revokeUserSessions(tenantId, upn) {
      const user = directory.findUser(upn);
      if (user === undefined) throw new Error(`entra peer: unknown user ${upn}`);
      return codes.revokeUser(tenantId, user.oid);
    },
    withdrawDelegatedConsent: (tenantId, clientId, resource) =>
      directory.removeDelegated(tenantId, clientId, resource),
    consent(c) {
      directory.consent(c);
    },
    revokeConsent: (tenantId, clientId) => directory.revokeConsent(tenantId, clientId),
    verifyAccessToken: (token) => signer.verify(token, now()),
    injectError: (fault) => faults.add(fault),
    clearErrors: () => faults.clear(),
    requests,
    browserRequests,
    refreshTokens: (tenantId) => codes.refreshTokens(tenantId),
    now,
    holdTokenAnswers(match) {
      let reachedNow = (): void => undefined;
      let release = (): void => undefined;
      const reached = new Promise<void>((resolve) => (reachedNow = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      const hold = {
        matches: (r: TokenRequestRecord) =>
          (match.tenantId === undefined || r.tenantId === match.tenantId) &&
          (match.grantType === undefined || r.grantType === match.grantType),
        reachedNow: () => reachedNow(),
        released,
      };
      holds.push(hold);
      return {
        reached,
        release() {
          holds.splice(holds.indexOf(hold), 1);
          release();
        },
      };
    },
    advanceClock(ms) {
      if (!(ms >= 0)) throw new Error("entra peer: the clock only moves forward");
      offsetMs += ms;
    },
    discoveryRequests,
    issued,
    resetLogs() {
      requests.length = 0;
      browserRequests.length = 0;
      discoveryRequests.length = 0;
      issued.clear();
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
