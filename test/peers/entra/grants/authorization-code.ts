// grant_type=authorization_code (microsoft-apis.md §4 "Authorization code flow"): the code the
// authorize endpoint issued, redeemed once, within ten minutes, by the same client, at the same
// tenant and endpoint version, with the same redirect_uri and (PKCE) the matching verifier.
import { createHash } from "node:crypto";

import { aadsts } from "../aadsts.ts";
import { authenticateClient } from "../client-auth.ts";
import { findResource } from "../resources.ts";
import { grantedScopes, issueUserTokens, readDelegatedScope } from "./delegated.ts";
import type { GrantHandler } from "./grant.ts";

/** "The code lives about 10 minutes" (microsoft-apis.md §4). */
export const CODE_LIFETIME_MS = 10 * 60_000;

function pkceMatches(challenge: string, method: "S256" | "plain", verifier: string): boolean {
  const computed = method === "plain"
    ? verifier
    : createHash("sha256").update(verifier).digest("base64url");
  return computed === challenge;
}

export const authorizationCodeGrant: GrantHandler = (ctx) => {
  // Assumption: the product redeems at the customer's own authority; an alias is refused here
  // although the real service accepts `common` for codes.
  if (ctx.authority.kind === "alias") throw aadsts.noTenantInformation();
  const authority = ctx.authority;
  const client = authenticateClient(ctx.directory, authority, ctx.client, ctx.nowMs,
    ctx.endpointUrl);

  const value = ctx.form.get("code");
  if (!value) throw aadsts.missingParameter("code");
  const code = ctx.codes.findCode(value);
  if (code === undefined) throw aadsts.grantInvalid("The code is unknown.");
  if (code.clientId.toLowerCase() !== client.app.clientId.toLowerCase() ||
    code.tenantId !== authority.tenantId) {
    throw aadsts.grantInvalid("The code was issued to another client or tenant.");
  }
  if (code.protocol !== ctx.protocol) throw aadsts.protocolMismatch();
  if (code.redeemed) throw aadsts.codeRedeemed();
  if (ctx.nowMs - code.issuedAt > CODE_LIFETIME_MS) throw aadsts.codeExpired();
  if (ctx.form.get("redirect_uri") !== code.redirectUri) {
    throw aadsts.redirectMismatch(client.app.clientId);
  }
  if (code.codeChallenge !== undefined) {
    const verifier = ctx.form.get("code_verifier");
    if (!verifier || !pkceMatches(code.codeChallenge, code.codeChallengeMethod ?? "plain",
      verifier)) {
      throw aadsts.pkceMismatch();
    }
  }

  const resource = findResource(code.resource);
  if (resource === undefined) throw aadsts.resourceNotFound(code.resource, authority.name);
  let oidc = new Set(code.oidc);
  if (ctx.protocol === "v2") {
    const scope = ctx.form.get("scope");
    if (scope !== undefined) {
      const asked = readDelegatedScope(scope, authority.name);
      if (asked.resource !== undefined && asked.resource.app.appId !== resource.app.appId) {
        throw aadsts.invalidScope(scope);
      }
      oidc = new Set([...oidc].filter((s) => asked.oidc.has(s)));
    }
  } else {
    const asked = ctx.form.get("resource");
    if (asked !== undefined && findResource(asked)?.app.appId !== resource.app.appId) {
      throw aadsts.grantInvalid("The resource differs from the one the code was issued for.");
    }
  }

  const user = ctx.directory.findUser(code.userOid);
  if (user === undefined) throw aadsts.grantInvalid("The user no longer exists.");
  const scopes = grantedScopes(client, resource);
  code.redeemed = true;
  return issueUserTokens(ctx, {
    tenantId: authority.tenantId, client, user, resource, scopes, oidc,
    authTime: code.issuedAt, clientInfoRequested: ctx.form.get("client_info") === "1",
  });
};
