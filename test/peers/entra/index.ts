// The Entra ID stand-in: OpenID metadata, key set, v1 and v2 token endpoints, authorize and
// admin consent pages, RS256 tokens and AADSTS error bodies. See ../README.md for the contract
// with the other stand-ins.
export { createEntraPeer } from "./peer.ts";
export type { EntraPeer, EntraPeerOptions } from "./peer.ts";
export { AccessTokenError } from "./access-token.ts";
export type { AccessTokenClaims, AccessTokenFailure } from "./access-token.ts";
export type {
  AppCertificate, AppChanges, AppInput, AppSecret, Grant, RequiredAccess, TenantPolicy, User,
} from "./directory.ts";
export type { BrowserRecord, BrowserScript } from "./authorize.ts";
export type { Protocol, RefreshTokenRecord } from "./user-grants.ts";
export { CODE_LIFETIME_MS, REFRESH_TOKEN_INACTIVITY_MS } from "./grants/index.ts";
export type { InjectedError } from "./faults.ts";
export type { TokenRequestRecord } from "./token-endpoint.ts";
export type { DiscoveryRecord } from "./discovery.ts";
export type { ClientAuthMethod } from "./client-auth.ts";
export { AZURE_AD_GRAPH, MDE, MICROSOFT_GRAPH, type ResourceApp } from "./resources.ts";
