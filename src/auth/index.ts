export { accountSecretName, ACCOUNT_CONF, loadCredential, SECRET_REALM } from "./credentials.ts";
export { createTokenProvider, mapAuthError } from "./token-provider.ts";
export type { Credential, TokenProvider } from "./token-provider.ts";
