import { parseInputConfig, tokenProtocolFor, type InputConfig } from "../../config/index.ts";
import { AddonError } from "../../errors.ts";
import { Secret } from "../../log/secret.ts";
import type { ParamValue } from "../../protocol/index.ts";
import { loadAppCredential, SECRET_REALM, secretNames, type AppCredential } from "../credentials.ts";
import { codeForRefusal } from "../entra-errors.ts";
import { authorizeEndpoint, delegatedScope } from "../entra-urls.ts";
import { createLeaseStore } from "../lease.ts";
import { createOAuthClient, type DelegatedTokens } from "../oauth-client.ts";
import { createSecretStore } from "../secret-store.ts";
import type { OnboardingDeps } from "./admin-consent.ts";
import { createStateStore, type SessionBinding } from "./oauth-state.ts";
import { createPkce } from "./pkce.ts";
import { recordConsent } from "./records.ts";
import { field, redirectUriField, requestInvalid } from "./targets.ts";

// The input's own parameters, as the setup page holds them; everything else is not stored.
const INPUT_PARAMS = [
  "tenant_id", "account", "cloud", "api", "login_url", "api_url", "api_resource", "auth_mode",
] as const;

/** The input a delegated sign-in is for, checked exactly as its runs will check it. */
function inputOf(params: Record<string, string>, nowMs: number): InputConfig {
  const name = field(params, "input");
  const stanza: Record<string, ParamValue> = {};
  for (const key of INPUT_PARAMS) {
    const value = params[key];
    if (value !== undefined && value.trim() !== "") stanza[key] = value;
  }
  const config = parseInputConfig(name, stanza, nowMs);
  if (config.authMode !== "delegated") {
    throw requestInvalid(`input '${name}' has auth_mode ${config.authMode}; set it to delegated`, "auth_mode");
  }
  return config;
}

function stanzaOf(config: InputConfig, params: Record<string, string>): Record<string, string> {
  const kept: Record<string, string> = { input: config.inputName };
  for (const key of INPUT_PARAMS) {
    const value = params[key];
    if (value !== undefined && value.trim() !== "") kept[key] = value;
  }
  return kept;
}

/**
 * The authorization URL of a delegated sign-in for one input (authorization code with PKCE,
 * microsoft-apis.md §4): v2 `/oauth2/v2.0/authorize` with `scope=<resource>/.default
 * offline_access openid profile`, or v1 `/oauth2/authorize` with `resource=` for the legacy SIEM
 * audience (Microsoft's MSSP guide). The PKCE verifier stays on the server with the state.
 *
 * @throws AddonError ONBOARDING_REQUEST_INVALID, CONFIG_INVALID, ACCOUNT_NOT_FOUND, SECRET_*
 */
export async function signInUrl(
  deps: OnboardingDeps,
  binding: SessionBinding,
  params: Record<string, string>,
): Promise<{ url: string; expires_at: string }> {
  const config = inputOf(params, deps.nowMs());
  const redirectUri = redirectUriField(params);
  const secrets = createSecretStore({ splunkd: deps.splunkd, realm: SECRET_REALM, nowMs: deps.nowMs });
  const app = await loadAppCredential(deps.splunkd, secrets, config.account, deps.nowMs());
  const pkce = createPkce();
  const { state, expiresAtMs } = await createStateStore(deps).issue("sign_in", binding, {
    ...stanzaOf(config, params), redirect_uri: redirectUri, code_verifier: pkce.verifier.reveal(),
  });

  const protocol = tokenProtocolFor(config.api);
  const url = new URL(authorizeEndpoint(config.loginUrl, config.tenantId, protocol));
  const query = url.searchParams;
  query.set("client_id", app.clientId);
  query.set("response_type", "code");
  query.set("redirect_uri", redirectUri);
  // v2 takes scopes, v1 the resource; each endpoint gets only what it accepts.
  if (protocol === "v2") {
    query.set("response_mode", "query");
    query.set("scope", delegatedScope(config.apiResource));
  } else {
    query.set("resource", config.apiResource);
  }
  query.set("state", state);
  query.set("code_challenge", pkce.challenge);
  query.set("code_challenge_method", "S256");
  query.set("prompt", "select_account");
  return { url: url.href, expires_at: new Date(expiresAtMs).toISOString() };
}

/**
 * Completes a delegated sign-in from the redirect's query (`state` and `code`, or `error`):
 * redeems the code on this server (the client secret never reaches the browser, and Entra
 * refuses cross-origin redemption for web apps), saves the refresh token for the input, and
 * records the sign-in for the tenant.
 *
 * @throws AddonError ONBOARDING_STATE_INVALID, ONBOARDING_DENIED, AUTH_CODE_REJECTED,
 * AUTH_TENANT_MISMATCH, AUTH_* (Entra's refusal of the code), AUTH_LEASE_BUSY
 */
export async function completeSignIn(
  deps: OnboardingDeps,
  binding: SessionBinding,
  params: Record<string, string>,
): Promise<Record<string, string>> {
  const data = await createStateStore(deps).consume("sign_in", field(params, "state"), binding);
  const error = params["error"]?.trim();
  if (error) throw signInRefused(error, params["error_description"] ?? "");
  const code = field(params, "code");
  const config = inputOf(data, deps.nowMs());
  const { app, client } = await clientFor(deps, config);
  const tokens = await client.redeemCode({
    code: new Secret(code), redirectUri: field(data, "redirect_uri"),
    codeVerifier: new Secret(field(data, "code_verifier")),
  });
  return saveSignIn(deps, binding, config, app, tokens);
}

/**
 * Stores a refresh token an admin obtained elsewhere (Microsoft's MSSP guide has the customer
 * sign in with a script). By default it is redeemed at once, which proves it belongs to this
 * app and tenant and replaces it with its rotated successor.
 *
 * @throws AddonError ONBOARDING_REQUEST_INVALID, AUTH_REFRESH_TOKEN_* and the other AUTH_* codes
 */
export async function storeRefreshToken(
  deps: OnboardingDeps,
  binding: SessionBinding,
  params: Record<string, string>,
): Promise<Record<string, string>> {
  const config = inputOf(params, deps.nowMs());
  const pasted = new Secret(field(params, "refresh_token"));
  const verify = (params["verify"]?.trim().toLowerCase() ?? "true") !== "false";
  const { app, client } = await clientFor(deps, config);
  if (!verify) {
    await saveUnderLease(deps, config.inputName, pasted);
    await recordConsent(deps.splunkd, {
      account: config.account, tenant_id: config.tenantId, auth_mode: "delegated",
      consent_state: "unknown", verified_at: "", recorded_by: binding.user, signed_in_as: "",
      input: config.inputName,
    }, deps.nowMs());
    return { input: config.inputName, tenant_id: config.tenantId, verified: "false" };
  }
  const tokens = await client.refresh(pasted);
  return saveSignIn(deps, binding, config, app, { ...tokens, refreshToken: tokens.refreshToken ?? pasted });
}

async function clientFor(deps: OnboardingDeps, config: InputConfig) {
  const secrets = createSecretStore({ splunkd: deps.splunkd, realm: SECRET_REALM, nowMs: deps.nowMs });
  const app = await loadAppCredential(deps.splunkd, secrets, config.account, deps.nowMs());
  const client = createOAuthClient({
    http: deps.http, loginUrl: config.loginUrl, tenantId: config.tenantId,
    protocol: tokenProtocolFor(config.api), resource: config.apiResource, app, nowMs: deps.nowMs,
  });
  return { app, client };
}

async function saveSignIn(
  deps: OnboardingDeps,
  binding: SessionBinding,
  config: InputConfig,
  app: AppCredential,
  tokens: DelegatedTokens,
): Promise<Record<string, string>> {
  if (tokens.tenantId !== undefined && tokens.tenantId.toLowerCase() !== config.tenantId) {
    throw new AddonError("AUTH_TENANT_MISMATCH",
      `The sign-in for input '${config.inputName}' is for tenant ${tokens.tenantId}, not the ` +
      `input's tenant ${config.tenantId}`, { tenant_id: config.tenantId });
  }
  if (tokens.refreshToken === undefined) {
    throw new AddonError("AUTH_FAILED",
      `Entra ID returned no refresh token for tenant ${config.tenantId}: the sign-in did not ` +
      "grant offline_access", { tenant_id: config.tenantId });
  }
  await saveUnderLease(deps, config.inputName, tokens.refreshToken);
  const now = new Date(deps.nowMs()).toISOString();
  await recordConsent(deps.splunkd, {
    account: config.account, tenant_id: config.tenantId, auth_mode: "delegated",
    consent_state: "granted", verified_at: now, recorded_by: binding.user,
    signed_in_as: tokens.userName ?? "", input: config.inputName,
  }, deps.nowMs());
  deps.logger.info("delegated sign-in recorded", {
    input: config.inputName, tenant_id: config.tenantId, client_id: app.clientId,
  });
  return {
    input: config.inputName, tenant_id: config.tenantId, signed_in_as: tokens.userName ?? "",
    verified: "true",
  };
}

// The input's runs rotate the same token under this lease; the new sign-in waits its turn so a
// run in flight cannot overwrite it with the token it was redeeming.
async function saveUnderLease(deps: OnboardingDeps, input: string, token: Secret): Promise<void> {
  const lease = await createLeaseStore(deps).acquire(`refresh_token/${input}`);
  try {
    await createSecretStore({ splunkd: deps.splunkd, realm: SECRET_REALM, nowMs: deps.nowMs })
      .write(secretNames.refreshToken(input), token);
  } finally {
    await lease.release();
  }
}

/** An error redirect from the authorize page, mapped like a token endpoint refusal. */
function signInRefused(error: string, description: string): AddonError {
  const line = description.split(/\r?\n/)[0] ?? "";
  const aadsts = /AADSTS(\d+)/.exec(line)?.[1];
  const code = codeForRefusal(aadsts, undefined, "authorization_code");
  return new AddonError(code === "AUTH_FAILED" ? "ONBOARDING_DENIED" : code,
    `The sign-in did not complete: ${error}: ${line}`,
    { oauth_error: error, aadsts: aadsts === undefined ? undefined : `AADSTS${aadsts}` });
}
