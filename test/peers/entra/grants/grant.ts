import type { Authority } from "../authority.ts";
import type { PresentedClient } from "../client-auth.ts";
import type { Directory } from "../directory.ts";
import type { TokenSigner } from "../access-token.ts";
import type { Form } from "../http.ts";
import type { Protocol, UserGrantStore } from "../user-grants.ts";

/** Everything a grant handler may read; the token endpoint has already parsed the request. */
export interface GrantContext {
  authority: Authority;
  form: Form;
  client: PresentedClient;
  directory: Directory;
  signer: TokenSigner;
  nowMs: number;
  /** Which token endpoint was called: `/oauth2/token` (v1) or `/oauth2/v2.0/token` (v2). */
  protocol: Protocol;
  /** The URL the request was posted to (a client assertion's `aud`). */
  endpointUrl: string;
  /** The peer's origin, for ID token issuers. */
  origin: string;
  codes: UserGrantStore;
}

/** A successful token response and the tenant whose token it is (for `issued`). */
export interface TokenSuccess {
  tenantId: string;
  body: Record<string, unknown>;
}

/**
 * One OAuth grant type. Handlers throw `AadstsFailure` for every refusal; the token endpoint
 * renders it. New grants are added to `GRANTS`.
 */
export type GrantHandler = (ctx: GrantContext) => TokenSuccess;
