import type { Readable } from "node:stream";

import { AddonError, toAddonError } from "../../errors.ts";
import type { HttpClient } from "../../http/index.ts";
import type { Logger } from "../../log/index.ts";
import { Secret } from "../../log/secret.ts";
import type { SplunkdClient } from "../../splunkd/index.ts";
import { adminConsentUrl, completeAdminConsent, verifyConsent, type OnboardingDeps } from "./admin-consent.ts";
import { storeCertificate, storeClientSecret } from "./credential-admin.ts";
import { completeSignIn, signInUrl, storeRefreshToken } from "./delegated-sign-in.ts";
import type { SessionBinding } from "./oauth-state.ts";

/**
 * What the setup page's REST handler (bin/ta_defender_mssp_onboard.py) writes on stdin for
 * `defender_alerts --onboard`: splunkd's address, the calling user's session, and one action.
 */
export interface OnboardRequest {
  serverUri: string;
  sessionKey: Secret;
  user: string;
  action: string;
  params: Record<string, string>;
}

/** The answer written on stdout, one JSON document: an HTTP status and its payload. */
export interface OnboardResponse {
  status: number;
  payload: Record<string, unknown>;
}

export type OnboardAction = (deps: OnboardingDeps, binding: SessionBinding, params: Record<string, string>) =>
  Promise<Record<string, string>>;
type Action = OnboardAction;

/** The actions the setup page calls, by name. */
export const ONBOARD_ACTIONS: Readonly<Record<string, Action>> = {
  store_client_secret: (deps, _binding, params) => storeClientSecret(deps, params),
  store_certificate: (deps, _binding, params) => storeCertificate(deps, params),
  admin_consent_url: adminConsentUrl,
  admin_consent_callback: completeAdminConsent,
  verify_consent: verifyConsent,
  sign_in_url: signInUrl,
  sign_in_callback: completeSignIn,
  store_refresh_token: storeRefreshToken,
};


const MAX_REQUEST_BYTES = 256 * 1024;

/** Reads the whole request from `input` (the handler closes stdin after writing it). */
export function readRequestText(input: Readable, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => fail("no request arrived on stdin"), timeoutMs);
    const fail = (why: string): void => {
      clearTimeout(timer);
      input.pause();
      reject(new AddonError("ONBOARDING_REQUEST_INVALID", `The onboarding request cannot be read: ${why}`));
    };
    input.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) fail("it is larger than 256 KiB");
      else chunks.push(chunk);
    });
    input.on("end", () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString("utf8"));
    });
    input.on("error", (error) => fail(error.message));
  });
}

/**
 * Parses `{"server_uri", "session_key", "user", "action", "params": {…}}`.
 *
 * @throws AddonError ONBOARDING_REQUEST_INVALID naming the field
 */
export function parseOnboardRequest(text: string): OnboardRequest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AddonError("ONBOARDING_REQUEST_INVALID", "The onboarding request is not JSON", { field: "request" });
  }
  const doc = typeof json === "object" && json !== null ? (json as Record<string, unknown>) : {};
  const text_ = (name: string): string => {
    const value = doc[name];
    if (typeof value !== "string" || value === "") {
      throw new AddonError("ONBOARDING_REQUEST_INVALID", `The onboarding request has no ${name}`, { field: name });
    }
    return value;
  };
  const rawParams = doc["params"] ?? {};
  if (typeof rawParams !== "object" || rawParams === null || Array.isArray(rawParams)) {
    throw new AddonError("ONBOARDING_REQUEST_INVALID", "params must be an object", { field: "params" });
  }
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(rawParams)) {
    if (typeof value === "string") params[key] = value;
    else if (typeof value === "number" || typeof value === "boolean") params[key] = String(value);
  }
  return {
    serverUri: text_("server_uri"),
    sessionKey: new Secret(text_("session_key")),
    user: text_("user"),
    action: text_("action"),
    params,
  };
}

/** The HTTP status the handler answers for a failure. */
export function statusFor(error: AddonError): number {
  if (error.code === "INTERNAL") return 500;
  if (error.code === "ONBOARDING_DENIED") return 403;
  if (error.code === "ACCOUNT_NOT_FOUND" || error.code === "SECRET_NOT_FOUND" ||
    error.code === "CERTIFICATE_NOT_FOUND") return 404;
  if (error.code.startsWith("SPLUNKD_") || error.code === "KVSTORE_UNAVAILABLE") return 503;
  // Entra ID or the network refused: the gateway's answer.
  if (error.code.startsWith("AUTH_") || error.code === "TLS_UNTRUSTED" || error.code.startsWith("PROXY_")) return 502;
  return 400;
}

/**
 * Runs one onboarding action and answers with its payload, or with the failure's permanent
 * code, message and next step (safe details only; never a secret).
 */
export async function runOnboardAction(
  request: OnboardRequest,
  deps: { splunkd: SplunkdClient; http: HttpClient; nowMs: () => number; sleep: (ms: number) => Promise<void>; logger: Logger },
  /** Actions from layers above auth (test_connection needs the alert sources). */
  extra: Readonly<Record<string, Action>> = {},
): Promise<OnboardResponse> {
  const logger = deps.logger.child({ onboard_action: request.action, user: request.user });
  const actions: Readonly<Record<string, Action>> = { ...ONBOARD_ACTIONS, ...extra };
  const action = Object.hasOwn(actions, request.action) ? actions[request.action] : undefined;
  try {
    if (action === undefined) {
      throw new AddonError("ONBOARDING_REQUEST_INVALID",
        `Unknown action '${request.action}': use one of ${Object.keys(actions).join(", ")}`,
        { field: "action" });
    }
    const payload = await action({ ...deps, logger }, { user: request.user, sessionKey: request.sessionKey },
      request.params);
    logger.info("onboarding action done", { outcome: "success" });
    return { status: 200, payload };
  } catch (raw) {
    const error = toAddonError(raw);
    logger.error(error.message, { code: error.code, ...error.details, action: error.action });
    return {
      status: statusFor(error),
      payload: { error: { code: error.code, message: error.message, action: error.action, details: error.details } },
    };
  }
}
