import {
  createHash, generateKeyPair, randomBytes, sign, verify, type KeyObject,
} from "node:crypto";
import { promisify } from "node:util";

/**
 * The claims of a v1.0 access token, as Entra issues them for the first-party APIs (whose
 * manifests accept v1 tokens): `iss` is `https://sts.windows.net/{tid}/`. App-only tokens carry
 * `roles`; delegated (user) tokens carry `scp` and the user's `upn` and `name`.
 */
export interface AccessTokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  appid: string;
  /** "1": the client authenticated with a secret, "2": with a certificate. */
  appidacr: "1" | "2";
  azp: string;
  idp: string;
  idtyp: "app" | "user";
  oid: string;
  sub: string;
  tid: string;
  /** Granted application roles for `aud`; absent when none were granted. */
  roles?: string[];
  /** Granted delegated permissions for `aud`, space-separated (user tokens only). */
  scp?: string;
  upn?: string;
  name?: string;
  /** Authentication methods of the sign-in (user tokens only). */
  amr?: string[];
  uti: string;
  ver: "1.0";
}

export type AccessTokenFailure =
  | "malformed" | "algorithm" | "key" | "signature" | "issuer" | "expired" | "not_yet_valid";

/** Thrown by `verifyAccessToken`; `reason` is stable, the message is for people. */
export class AccessTokenError extends Error {
  constructor(readonly reason: AccessTokenFailure, message: string) {
    super(message);
    this.name = "AccessTokenError";
  }
}

export interface Jwk {
  kty: "RSA";
  use: "sig";
  kid: string;
  n: string;
  e: string;
  issuer: string;
}

/** The peer's one RS256 signing key. */
export interface TokenSigner {
  readonly kid: string;
  /** The JWKS document; `issuer` is the v2 issuer template of the metadata document. */
  jwks(issuer: string): { keys: Jwk[] };
  sign(claims: AccessTokenClaims): string;
  /** Signs any claims (ID tokens) with the same key. */
  signJwt(claims: Record<string, unknown>): string;
  /** Checks signature, `iss`/`tid` agreement, then `nbf`/`exp` against `nowMs` (no leeway). */
  verify(token: string, nowMs: number): AccessTokenClaims;
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString("base64url");
const generateRsa = promisify(generateKeyPair);

/** Generates a fresh 2048-bit key; the `kid` is its RFC 7638 thumbprint. */
export async function createTokenSigner(): Promise<TokenSigner> {
  const { privateKey, publicKey } = await generateRsa("rsa", { modulusLength: 2048 });
  const jwk = publicKey.export({ format: "jwk" });
  const n = String(jwk.n);
  const e = String(jwk.e);
  const kid = b64url(createHash("sha256").update(JSON.stringify({ e, kty: "RSA", n })).digest());
  const signJwt = (claims: Record<string, unknown>): string => {
    const header = b64url(JSON.stringify({ typ: "JWT", alg: "RS256", kid }));
    const input = `${header}.${b64url(JSON.stringify(claims))}`;
    return `${input}.${b64url(sign("sha256", Buffer.from(input), privateKey))}`;
  };

  return {
    kid,
    jwks: (issuer) => ({ keys: [{ kty: "RSA", use: "sig", kid, n, e, issuer }] }),
    sign(claims) {
      return signJwt(claims as unknown as Record<string, unknown>);
    },
    signJwt,
    verify: (token, nowMs) => verifyToken(token, nowMs, kid, publicKey),
  };
}

function verifyToken(token: string, nowMs: number, kid: string, key: KeyObject): AccessTokenClaims {
  const parts = token.split(".");
  const [header, payload, signature] = parts;
  if (parts.length !== 3 || header === undefined || payload === undefined || !signature) {
    throw new AccessTokenError("malformed", "access token is not a signed JWT");
  }
  const head = parseJson(header);
  if (head.alg !== "RS256") throw new AccessTokenError("algorithm", "access token is not RS256");
  if (head.kid !== kid) throw new AccessTokenError("key", "access token signed by an unknown key");
  const valid = verify("sha256", Buffer.from(`${header}.${payload}`), key,
    Buffer.from(signature, "base64url"));
  if (!valid) throw new AccessTokenError("signature", "access token signature is invalid");

  const claims = readClaims(parseJson(payload));
  if (claims.iss !== `https://sts.windows.net/${claims.tid}/`) {
    throw new AccessTokenError("issuer", "access token issuer does not match its tenant");
  }
  // Assumption: no clock-skew leeway (resource servers often allow minutes); stricter.
  const nowS = Math.floor(nowMs / 1000);
  if (nowS < claims.nbf) throw new AccessTokenError("not_yet_valid", "access token not yet valid");
  // RFC 7519 §4.1.4: not accepted on or after `exp`.
  if (nowS >= claims.exp) throw new AccessTokenError("expired", "access token has expired");
  return claims;
}

function parseJson(segment: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // fall through to the one error below
  }
  throw new AccessTokenError("malformed", "access token segment is not a JSON object");
}

const STRING_CLAIMS = [
  "aud", "iss", "appid", "appidacr", "azp", "idp", "idtyp", "oid", "sub", "tid", "uti", "ver",
] as const;
const NUMBER_CLAIMS = ["iat", "nbf", "exp"] as const;

function readClaims(raw: Record<string, unknown>): AccessTokenClaims {
  for (const name of STRING_CLAIMS) {
    if (typeof raw[name] !== "string") throw new AccessTokenError("malformed", `no ${name} claim`);
  }
  for (const name of NUMBER_CLAIMS) {
    if (!Number.isInteger(raw[name])) throw new AccessTokenError("malformed", `no ${name} claim`);
  }
  const roles = raw.roles;
  if (roles !== undefined && !(Array.isArray(roles) && roles.every((r) => typeof r === "string"))) {
    throw new AccessTokenError("malformed", "roles claim is not a list of strings");
  }
  if (raw.scp !== undefined && typeof raw.scp !== "string") {
    throw new AccessTokenError("malformed", "scp claim is not a string");
  }
  return raw as unknown as AccessTokenClaims;
}

/** Access tokens live one hour (microsoft-apis.md §2 "Token"). */
export const ACCESS_TOKEN_LIFETIME_S = 3600;

/** The claims of an app-only token for `audience` in `tenantId`, issued at `nowMs`. */
export function appTokenClaims(input: {
  tenantId: string;
  clientId: string;
  objectId: string;
  audience: string;
  roles: readonly string[];
  nowMs: number;
  appidacr?: "1" | "2";
}): AccessTokenClaims {
  const iat = Math.floor(input.nowMs / 1000);
  const issuer = `https://sts.windows.net/${input.tenantId}/`;
  return {
    aud: input.audience,
    iss: issuer,
    iat,
    nbf: iat,
    exp: iat + ACCESS_TOKEN_LIFETIME_S,
    appid: input.clientId,
    appidacr: input.appidacr ?? "1",
    azp: input.clientId,
    idp: issuer,
    idtyp: "app",
    oid: input.objectId,
    sub: input.objectId,
    tid: input.tenantId,
    ...(input.roles.length > 0 ? { roles: [...input.roles] } : {}),
    uti: b64url(randomBytes(16)),
    ver: "1.0",
  };
}

/** The claims of a delegated access token for `user`, with the granted `scopes` of `audience`. */
export function userTokenClaims(input: {
  tenantId: string;
  clientId: string;
  user: { oid: string; upn: string; displayName: string };
  audience: string;
  scopes: readonly string[];
  appidacr: "1" | "2";
  nowMs: number;
}): AccessTokenClaims {
  const iat = Math.floor(input.nowMs / 1000);
  const issuer = `https://sts.windows.net/${input.tenantId}/`;
  return {
    aud: input.audience,
    iss: issuer,
    iat,
    nbf: iat,
    exp: iat + ACCESS_TOKEN_LIFETIME_S,
    appid: input.clientId,
    appidacr: input.appidacr,
    azp: input.clientId,
    idp: issuer,
    idtyp: "user",
    oid: input.user.oid,
    sub: b64url(createHash("sha256").update(`${input.user.oid}|${input.clientId}`).digest()),
    tid: input.tenantId,
    scp: [...input.scopes].join(" "),
    upn: input.user.upn,
    name: input.user.displayName,
    amr: ["pwd", "mfa"],
    uti: b64url(randomBytes(16)),
    ver: "1.0",
  };
}
