// Authorization codes and refresh tokens: the state of the delegated flows
// (microsoft-apis.md §4 "Authorization code flow", "Refresh token grant").
import { randomBytes } from "node:crypto";

export type Protocol = "v1" | "v2";

/** A code issued by the authorize endpoint; redeemable once, for about ten minutes. */
export interface AuthorizationCode {
  value: string;
  protocol: Protocol;
  clientId: string;
  tenantId: string;
  userOid: string;
  redirectUri: string;
  /** The resource's identifier URI as requested, and its granted delegated permissions. */
  resource: string;
  scopes: readonly string[];
  /** OIDC scopes asked for (`openid`, `profile`, `email`, `offline_access`). */
  oidc: ReadonlySet<string>;
  codeChallenge?: string;
  codeChallengeMethod?: "S256" | "plain";
  issuedAt: number;
  redeemed: boolean;
}

/** A refresh token and what Entra remembers about it. */
export interface RefreshTokenRecord {
  value: string;
  protocol: Protocol;
  clientId: string;
  tenantId: string;
  userOid: string;
  /** The resource of the last token minted with it (the v1 default for the next one). */
  resource: string;
  /** When the user last signed in interactively: sign-in frequency counts from here. */
  authTime: number;
  issuedAt: number;
  /** Issued or last redeemed: the 90-day inactivity clock counts from here. */
  lastActivityAt: number;
  redeemed: number;
  /** Refused from now on: the tenant invalidates used tokens, or a user/admin revoked them. */
  invalidated: boolean;
  revoked: boolean;
}

export interface UserGrantStore {
  issueCode(code: Omit<AuthorizationCode, "value" | "redeemed">): string;
  findCode(value: string): AuthorizationCode | undefined;
  issueRefreshToken(rt: Omit<RefreshTokenRecord, "value" | "redeemed" | "invalidated" |
    "revoked" | "lastActivityAt">): string;
  findRefreshToken(value: string): RefreshTokenRecord | undefined;
  /** Revokes every refresh token of a user ("revoke sessions", password reset). */
  revokeUser(tenantId: string, userOid: string): number;
  /** Refresh tokens of a tenant (or all), for tests. */
  refreshTokens(tenantId?: string): RefreshTokenRecord[];
}

// Real codes and refresh tokens are opaque strings of several hundred to over a thousand
// characters, longer than one storage/passwords entry holds (255): the product must chunk them.
const CODE_BYTES = 540;
const REFRESH_TOKEN_BYTES = 780;
const opaque = (bytes: number): string => `1.A${randomBytes(bytes).toString("base64url")}`;

export function createUserGrantStore(): UserGrantStore {
  const codes = new Map<string, AuthorizationCode>();
  const tokens = new Map<string, RefreshTokenRecord>();

  return {
    issueCode(code) {
      const value = opaque(CODE_BYTES);
      codes.set(value, { ...code, value, redeemed: false });
      return value;
    },
    findCode: (value) => codes.get(value),
    issueRefreshToken(rt) {
      const value = opaque(REFRESH_TOKEN_BYTES);
      tokens.set(value, {
        ...rt, value, redeemed: 0, invalidated: false, revoked: false, lastActivityAt: rt.issuedAt,
      });
      return value;
    },
    findRefreshToken: (value) => tokens.get(value),
    revokeUser(tenantId, userOid) {
      let count = 0;
      for (const rt of tokens.values()) {
        if (rt.tenantId === tenantId && rt.userOid === userOid && !rt.revoked) {
          rt.revoked = true;
          count += 1;
        }
      }
      return count;
    },
    refreshTokens: (tenantId) =>
      [...tokens.values()].filter((rt) => tenantId === undefined || rt.tenantId === tenantId),
  };
}
