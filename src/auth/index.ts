export {
  ACCOUNT_CONF,
  accountSecretName,
  appCredentialOf,
  credentialFingerprint,
  CREDENTIAL_TYPES,
  loadAppCredential,
  loadCredential,
  SECRET_REALM,
  secretNames,
} from "./credentials.ts";
export type { AppCredential, Credential, CredentialType, DelegatedCredential } from "./credentials.ts";
export { checkCertificateCredential } from "./certificate.ts";
export { createClientAssertion } from "./client-assertion.ts";
export { codeForRefusal, readRefusal, refusalError } from "./entra-errors.ts";
export type { EntraRefusal, GrantKind } from "./entra-errors.ts";
export { adminConsentEndpoint, authorityUrl, authorizeEndpoint, tokenEndpoint } from "./entra-urls.ts";
export { createLeaseStore, LEASE_COLLECTION } from "./lease.ts";
export type { Lease, LeaseStore } from "./lease.ts";
export { createOAuthClient } from "./oauth-client.ts";
export type { DelegatedTokens, OAuthClient } from "./oauth-client.ts";
export { CHUNK_SIZE, createSecretStore } from "./secret-store.ts";
export type { SecretStore } from "./secret-store.ts";
export { createTokenProvider, RENEW_BEFORE_MS } from "./token-provider.ts";
export type { TokenIssuer, TokenProvider } from "./token-provider.ts";
export { createStoredToken, tokenBinding } from "./stored-token.ts";
export type { IssuedToken, StoredToken } from "./stored-token.ts";
export { openTokenProvider } from "./tenant-tokens.ts";
export type { TenantAccess } from "./tenant-tokens.ts";
export {
  parseOnboardRequest,
  readRequestText,
  runOnboardAction,
} from "./onboarding/index.ts";
export type { OnboardAction, OnboardRequest, OnboardResponse } from "./onboarding/index.ts";
