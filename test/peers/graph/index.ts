// The Microsoft Graph security alerts_v2 stand-in and its alert generator (see ../README.md).

export { ALERT_ROLES, GRAPH_RESOURCE } from "./auth.ts";
export { GRAPH_ALERT_TEMPLATES, type EvidenceKind } from "./catalog.ts";
export { GRAPH_JSON, type GraphRequestIds } from "./errors.ts";
export {
  generateGraphAlerts,
  loadPublicGraphAlerts,
  type GenerateGraphAlertsOptions,
} from "./generate.ts";
export { GRAPH_ODATA_CONTEXT, serveGraphAlert, wantsUnknownEnumMembers } from "./listing.ts";
export {
  createGraphPeer,
  DEFAULT_GRAPH_RATE_LIMITS,
  type GraphFault,
  type GraphPeer,
  type GraphPeerOptions,
  type GraphRateLimits,
  type GraphRequestRecord,
} from "./peer.ts";
export { DEFAULT_TOP, GRAPH_ALERT_FILTER, MAX_TOP } from "./query.ts";
export {
  ALERT_CLASSIFICATIONS,
  ALERT_DETERMINATIONS,
  ALERT_SEVERITIES,
  ALERT_STATUSES,
  DETECTION_SOURCES,
  evolvableMembers,
  SERVICE_SOURCES,
  type AlertClassification,
  type AlertDetermination,
  type AlertSeverity,
  type AlertStatus,
  type DetectionSource,
  type EvidenceBase,
  type GraphAlert,
  type GraphAlertComment,
  type GraphEvidence,
  type ServiceSource,
} from "./types.ts";
