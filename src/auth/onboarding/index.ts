export { adminConsentUrl, completeAdminConsent, verifyConsent } from "./admin-consent.ts";
export type { OnboardingDeps } from "./admin-consent.ts";
export { storeCertificate, storeClientSecret } from "./credential-admin.ts";
export { completeSignIn, signInUrl, storeRefreshToken } from "./delegated-sign-in.ts";
export { createStateStore, OAUTH_STATE_COLLECTION, STATE_LIFETIME_MS } from "./oauth-state.ts";
export type { SessionBinding, StateStore } from "./oauth-state.ts";
export {
  ONBOARD_ACTIONS,
  parseOnboardRequest,
  readRequestText,
  runOnboardAction,
  statusFor,
} from "./onboard-command.ts";
export type { OnboardAction, OnboardRequest, OnboardResponse } from "./onboard-command.ts";
