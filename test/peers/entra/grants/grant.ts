import type { Authority } from "../authority.ts";
import type { PresentedClient } from "../client-auth.ts";
import type { Directory } from "../directory.ts";
import type { TokenSigner } from "../access-token.ts";
import type { Form } from "../http.ts";

/** Everything a grant handler may read; the token endpoint has already parsed the request. */
export interface GrantContext {
  authority: Authority;
  form: Form;
  client: PresentedClient;
  directory: Directory;
  signer: TokenSigner;
  nowMs: number;
}

/** A successful token response and the tenant whose token it is (for `issued`). */
export interface TokenSuccess {
  tenantId: string;
  body: Record<string, unknown>;
}

/**
 * One OAuth grant type. Handlers throw `AadstsFailure` for every refusal; the token endpoint
 * renders it. New grants (authorization_code, refresh_token, ...) are added to `GRANTS`.
 */
export type GrantHandler = (ctx: GrantContext) => TokenSuccess;
