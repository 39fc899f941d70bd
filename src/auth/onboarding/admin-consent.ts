import { AddonError } from "../../errors.ts";
import type { HttpClient } from "../../http/index.ts";
import type { Logger } from "../../log/index.ts";
import type { SplunkdClient } from "../../splunkd/index.ts";
import { createAppOnlyTokenIssuer } from "../app-only-token-provider.ts";
import { loadAppCredential, SECRET_REALM } from "../credentials.ts";
import { adminConsentEndpoint } from "../entra-urls.ts";
import { createSecretStore } from "../secret-store.ts";
import { createStateStore, type SessionBinding } from "./oauth-state.ts";
import { recordConsent } from "./records.ts";
import {
  accountField, consentTarget, field, guidField, redirectUriField, requestInvalid,
  type ConsentTarget,
} from "./targets.ts";

export interface OnboardingDeps {
  splunkd: SplunkdClient;
  http: HttpClient;
  nowMs: () => number;
  sleep: (ms: number) => Promise<void>;
  logger: Logger;
}

/**
 * The admin consent URL for a customer (microsoft-apis.md §4 "Admin consent"): v1
 * `/{tenant}/adminconsent?client_id&redirect_uri&state` (the app's registered permissions) or
 * v2 `/{tenant}/v2.0/adminconsent?client_id&scope&redirect_uri&state`. `tenant` defaults to
 * `organizations`: the customer's admin signs in to their own directory.
 *
 * @throws AddonError ONBOARDING_REQUEST_INVALID, ACCOUNT_NOT_FOUND, KVSTORE_UNAVAILABLE
 */
export async function adminConsentUrl(
  deps: OnboardingDeps,
  binding: SessionBinding,
  params: Record<string, string>,
): Promise<{ url: string; expires_at: string }> {
  const account = accountField(params);
  const redirectUri = redirectUriField(params);
  const target = consentTarget(params);
  const version = (params["endpoint_version"]?.trim() || "v1").toLowerCase();
  if (version !== "v1" && version !== "v2") {
    throw requestInvalid(`endpoint_version '${version}' is unknown: use v1 or v2`, "endpoint_version");
  }
  const tenant = params["tenant"]?.trim() || "organizations";
  if (!/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(tenant)) throw requestInvalid(`tenant '${tenant}' is not valid`, "tenant");
  const secrets = createSecretStore({ splunkd: deps.splunkd, realm: SECRET_REALM, nowMs: deps.nowMs });
  const app = await loadAppCredential(deps.splunkd, secrets, account, deps.nowMs());

  const { state, expiresAtMs } = await createStateStore(deps).issue("admin_consent", binding, {
    account, redirect_uri: redirectUri, cloud: target.cloud, api: target.api,
    login_url: target.loginUrl.href, api_resource: target.resource,
  });
  const url = new URL(adminConsentEndpoint(target.loginUrl, tenant, version));
  url.searchParams.set("client_id", app.clientId);
  if (version === "v2") url.searchParams.set("scope", `${target.resource}/.default`);
  url.searchParams.set("redirect_uri", redirectUri);
  url.searchParams.set("state", state);
  return { url: url.href, expires_at: new Date(expiresAtMs).toISOString() };
}

/**
 * Completes an admin consent from the redirect's query (`state`, `tenant`, `admin_consent`, or
 * `error`/`error_description`). The returned tenant id is not trusted (it can be forged) until
 * a client-credentials token for it succeeds; then the consent is recorded for the tenant.
 *
 * @throws AddonError ONBOARDING_STATE_INVALID, ONBOARDING_DENIED, ONBOARDING_REQUEST_INVALID,
 * and the AUTH_* codes of the proving token request
 */
export async function completeAdminConsent(
  deps: OnboardingDeps,
  binding: SessionBinding,
  params: Record<string, string>,
): Promise<Record<string, string>> {
  const data = await createStateStore(deps).consume("admin_consent", field(params, "state"), binding);
  const error = params["error"]?.trim();
  if (error) {
    throw new AddonError("ONBOARDING_DENIED",
      `The customer's admin did not grant consent: ${error}: ` +
      `${(params["error_description"] ?? "").split(/\r?\n/)[0]}`, { oauth_error: error });
  }
  if (params["admin_consent"]?.toLowerCase() !== "true") {
    throw requestInvalid("the response does not say admin_consent=True", "admin_consent");
  }
  const tenantId = guidField(params, "tenant");
  const target: ConsentTarget = consentTarget(data);
  const account = field(data, "account");
  const verifiedAt = await proveConsent(deps, account, tenantId, target);
  await recordConsent(deps.splunkd, {
    account, tenant_id: tenantId, auth_mode: "app_only", consent_state: "granted",
    verified_at: verifiedAt, recorded_by: binding.user, signed_in_as: "", input: "",
  }, deps.nowMs());
  deps.logger.info("admin consent recorded", { account, tenant_id: tenantId });
  return { tenant_id: tenantId, account, consent_state: "granted", verified_at: verifiedAt };
}

/**
 * Checks a tenant's consent without a consent round trip (the customer consented through a
 * link sent by mail, or the portal), by asking for a client-credentials token.
 *
 * @throws AddonError ONBOARDING_REQUEST_INVALID and the AUTH_* codes of the token request
 */
export async function verifyConsent(
  deps: OnboardingDeps,
  binding: SessionBinding,
  params: Record<string, string>,
): Promise<Record<string, string>> {
  const account = accountField(params);
  const tenantId = guidField(params, "tenant_id");
  const verifiedAt = await proveConsent(deps, account, tenantId, consentTarget(params));
  await recordConsent(deps.splunkd, {
    account, tenant_id: tenantId, auth_mode: "app_only", consent_state: "granted",
    verified_at: verifiedAt, recorded_by: binding.user, signed_in_as: "", input: "",
  }, deps.nowMs());
  return { tenant_id: tenantId, account, consent_state: "granted", verified_at: verifiedAt };
}

// Entra creates the customer's service principal as the consent completes, but a token
// request a moment later can still meet AADSTS700016 while it replicates.
const PROPAGATION_WAITS_MS = [1000, 2000];

async function proveConsent(
  deps: OnboardingDeps,
  account: string,
  tenantId: string,
  target: ConsentTarget,
): Promise<string> {
  const secrets = createSecretStore({ splunkd: deps.splunkd, realm: SECRET_REALM, nowMs: deps.nowMs });
  const credential = await loadAppCredential(deps.splunkd, secrets, account, deps.nowMs());
  for (let attempt = 0; ; attempt += 1) {
    const tokens = createAppOnlyTokenIssuer({
      credential, tenantId, loginUrl: target.loginUrl, resource: target.resource, http: deps.http,
    });
    try {
      await tokens.issue();
      return new Date(deps.nowMs()).toISOString();
    } catch (error) {
      const wait = PROPAGATION_WAITS_MS[attempt];
      if (!(error instanceof AddonError) || error.code !== "AUTH_APP_NOT_IN_TENANT" || wait === undefined) {
        throw error;
      }
      await deps.sleep(wait);
    }
  }
}
