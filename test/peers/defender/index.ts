// The Defender for Endpoint alerts API stand-in and its alert generator (see ../README.md).

export { MDE_RESOURCE, type TokenClaims, type VerifyToken } from "./auth.ts";
export type {
  ConnectionFault,
  ConnectionFaultKind,
  DefenderFault,
  FaultRequest,
  HttpFault,
} from "./faults.ts";
export { generateAlerts, loadPublicAlerts, type GenerateAlertsOptions } from "./generate.ts";
export { ODATA_CONTEXT } from "./listing.ts";
export {
  createDefenderPeer,
  type DefenderPeer,
  type DefenderPeerOptions,
  type DefenderRequestRecord,
} from "./peer.ts";
export { MAX_TOP } from "./query.ts";
export { DEFAULT_RATE_LIMITS, type RateLimits } from "./rate-limit.ts";
export { formatInstant, fractionDigits, parseInstant } from "./timestamps.ts";
export {
  EVIDENCE_KEYS,
  type Alert,
  type AlertComment,
  type Classification,
  type Determination,
  type Evidence,
  type InvestigationState,
  type RelatedUser,
  type Severity,
  type Status,
} from "./types.ts";
