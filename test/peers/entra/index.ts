// The Entra ID stand-in: OpenID metadata, key set, v2 token endpoint, RS256 access tokens and
// AADSTS error bodies. See ../README.md for the contract with the other stand-ins.
export { createEntraPeer } from "./peer.ts";
export type { EntraPeer, EntraPeerOptions } from "./peer.ts";
export { AccessTokenError } from "./access-token.ts";
export type { AccessTokenClaims, AccessTokenFailure } from "./access-token.ts";
export type { AppSecret, Grant } from "./directory.ts";
export type { InjectedError } from "./faults.ts";
export type { TokenRequestRecord } from "./token-endpoint.ts";
export type { DiscoveryRecord } from "./discovery.ts";
export type { ClientAuthMethod } from "./client-auth.ts";
export { AZURE_AD_GRAPH, MDE, MICROSOFT_GRAPH, type ResourceApp } from "./resources.ts";
