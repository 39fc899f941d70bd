// Bearer token checks every alert API stand-in applies, in the order Microsoft's services apply
// them: a token at all, a valid signature, not expired, the API's audience, an accepted
// application role, a tenant. Each peer turns a failure into its own status and envelope.

/** The claims the peers need from a verified access token (seconds for `exp`). */
export interface TokenClaims {
  aud: string;
  tid: string;
  roles?: string[];
  /** Delegated permissions of a user token, space-separated. */
  scp?: string;
  appid?: string;
  azp?: string;
  exp: number;
}

/** Verifies signature and issuer and returns the claims, or throws. May be async. */
export type VerifyToken = (token: string) => TokenClaims | Promise<TokenClaims>;

export type BearerFailure =
  /** No `Authorization: Bearer <token>` header. */
  | "missing"
  /** The verifier refused the token (signature, issuer, format). */
  | "invalid"
  /** `exp` is past on the peer's clock. */
  | "expired"
  /** `aud` is not the API's resource. */
  | "audience"
  /** None of the accepted application roles (nor, for a user token, delegated permissions). */
  | "roles"
  /** No `tid` claim. */
  | "tenant";

export type BearerCheck =
  | { ok: true; tenantId: string; appId: string; claims: TokenClaims }
  | { ok: false; failure: BearerFailure; claims?: TokenClaims };

export interface BearerRules {
  verifyToken: VerifyToken;
  /** The only `aud` accepted. */
  audience: string;
  /** Application roles of which one is required; empty = no role check. */
  roles: readonly string[];
  /**
   * Delegated permissions (`scp`) of which one admits a user token instead of a role. The
   * service then applies the user's own rights, which the stand-ins do not model.
   */
  scopes?: readonly string[];
  nowMs: number;
}

/** Checks an `Authorization` header value against `rules`. Never throws. */
export async function checkBearer(header: string | undefined, rules: BearerRules):
  Promise<BearerCheck> {
  const match = /^Bearer +(\S+)$/i.exec(header ?? "");
  if (!match?.[1]) return { ok: false, failure: "missing" };

  let claims: TokenClaims;
  try {
    claims = await rules.verifyToken(match[1]);
  } catch {
    return { ok: false, failure: "invalid" };
  }
  if (typeof claims.exp !== "number" || claims.exp * 1000 <= rules.nowMs) {
    return { ok: false, failure: "expired", claims };
  }
  // Assumption: the audience must equal the configured resource exactly; the resource's app
  // id or a trailing slash is refused.
  if (claims.aud !== rules.audience) return { ok: false, failure: "audience", claims };
  const roles = Array.isArray(claims.roles) ? claims.roles : [];
  const scopes = typeof claims.scp === "string" ? claims.scp.split(" ") : [];
  const delegated = scopes.some((scope) => rules.scopes?.includes(scope) === true);
  if (rules.roles.length > 0 && !delegated && !roles.some((role) => rules.roles.includes(role))) {
    return { ok: false, failure: "roles", claims };
  }
  if (typeof claims.tid !== "string" || claims.tid === "") {
    return { ok: false, failure: "tenant", claims };
  }

  // Assumption: a quota's "app" is the token's `appid` (v1 tokens), or `azp` (v2 tokens).
  return { ok: true, tenantId: claims.tid, appId: claims.appid ?? claims.azp ?? "unknown",
    claims };
}

/** The roles a token carries, for messages. */
export function rolesOf(claims: TokenClaims | undefined): string[] {
  return Array.isArray(claims?.roles) ? claims.roles : [];
}
