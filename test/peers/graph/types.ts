// The wire shape of a Microsoft Graph security `alert` (alerts_v2), as documented in
// `security-alert.md` and `security-alertevidence.md` of microsoft-graph-docs-contrib (see
// ../shared/reference/microsoft-apis.md, section 3). Enum members are camelCase.

export const SENTINEL = "unknownFutureValue";

// Assumption: `unknown` is a status although the property table omits it; the values table
// of security-alert.md lists it.
export const ALERT_STATUSES =
  ["unknown", "new", "inProgress", "resolved", "unknownFutureValue"] as const;
export const ALERT_SEVERITIES =
  ["unknown", "informational", "low", "medium", "high", "unknownFutureValue"] as const;
export const ALERT_CLASSIFICATIONS = ["unknown", "falsePositive", "truePositive",
  "informationalExpectedActivity", "unknownFutureValue"] as const;
// Assumption: the page lists two spellings of four members (compromisedUser/compromisedAccount,
// clean/notMalicious, insufficientData/notEnoughDataToValidate,
// confirmedUserActivity/confirmedActivity); these are the members of its values table, which
// the service's metadata uses. The other spellings are refused in `$filter`.
export const ALERT_DETERMINATIONS = ["unknown", "apt", "malware", "securityPersonnel",
  "securityTesting", "unwantedSoftware", "other", "multiStagedAttack", "compromisedAccount",
  "phishing", "maliciousUserActivity", "notMalicious", "notEnoughDataToValidate",
  "confirmedActivity", "lineOfBusinessApplication", "unknownFutureValue"] as const;
// Members after `unknownFutureValue` are evolvable: served only with
// `Prefer: include-unknown-enum-members`.
// Assumption: microsoftSentinel and microsoftInsiderRiskManagement (serviceSource) and
// microsoftSentinel (detectionSource), listed by later revisions of the page, are evolvable
// members too.
export const SERVICE_SOURCES = ["unknown", "microsoftDefenderForEndpoint",
  "microsoftDefenderForIdentity", "microsoftDefenderForCloudApps",
  "microsoftDefenderForOffice365", "microsoft365Defender", "azureAdIdentityProtection",
  "microsoftAppGovernance", "dataLossPrevention", "unknownFutureValue",
  "microsoftDefenderForCloud", "microsoftSentinel", "microsoftInsiderRiskManagement"] as const;
export const DETECTION_SOURCES = ["unknown", "microsoftDefenderForEndpoint", "antivirus",
  "smartScreen", "customTi", "microsoftDefenderForOffice365", "automatedInvestigation",
  "microsoftThreatExperts", "customDetection", "microsoftDefenderForIdentity",
  "cloudAppSecurity", "microsoft365Defender", "azureAdIdentityProtection", "manual",
  "microsoftDataLossPrevention", "appGovernancePolicy", "appGovernanceDetection",
  "unknownFutureValue", "microsoftDefenderForCloud", "microsoftDefenderForIoT",
  "microsoftDefenderForServers", "microsoftDefenderForStorage", "microsoftDefenderForDNS",
  "microsoftDefenderForDatabases", "microsoftDefenderForContainers",
  "microsoftDefenderForNetwork", "microsoftDefenderForAppService",
  "microsoftDefenderForKeyVault", "microsoftDefenderForResourceManager",
  "microsoftDefenderForApiManagement", "microsoftSentinel"] as const;

export type AlertStatus = (typeof ALERT_STATUSES)[number];
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];
export type AlertClassification = (typeof ALERT_CLASSIFICATIONS)[number];
export type AlertDetermination = (typeof ALERT_DETERMINATIONS)[number];
export type ServiceSource = (typeof SERVICE_SOURCES)[number];
export type DetectionSource = (typeof DETECTION_SOURCES)[number];

/** Members of an evolvable enum declared after its `unknownFutureValue` sentinel. */
export function evolvableMembers(members: readonly string[]): string[] {
  const sentinel = members.indexOf(SENTINEL);
  return sentinel === -1 ? [] : members.slice(sentinel + 1);
}

export const EVIDENCE_VERDICTS =
  ["unknown", "suspicious", "malicious", "noThreatsFound", "unknownFutureValue"] as const;
export const REMEDIATION_STATUSES =
  ["none", "remediated", "prevented", "blocked", "notFound", "unknownFutureValue"] as const;
export const EVIDENCE_ROLES = ["unknown", "contextual", "scanned", "source", "destination",
  "created", "added", "compromised", "edited", "attacked", "attacker", "commandAndControl",
  "loaded", "suspicious", "policyViolator", "unknownFutureValue"] as const;

/** Properties every evidence type carries (alertEvidence), then the derived type's own. */
export interface EvidenceBase {
  "@odata.type": string;
  createdDateTime: string;
  verdict: (typeof EVIDENCE_VERDICTS)[number];
  remediationStatus: (typeof REMEDIATION_STATUSES)[number];
  remediationStatusDetails: string | null;
  roles: (typeof EVIDENCE_ROLES)[number][];
  detailedRoles: string[];
  tags: string[];
}

/** One evidence entry: the base properties plus those of its `@odata.type`. */
export type GraphEvidence = EvidenceBase & Record<string, unknown>;

export interface GraphAlertComment {
  comment: string;
  createdByDisplayName: string;
  createdDateTime: string;
}

/**
 * One alert, keys in the order of the documented JSON representation. Public samples may lack
 * keys (`@odata.type`, `systemTags`) or carry nulls where the docs show enums, so the peer
 * reads fields defensively and serves alerts as stored.
 */
export interface GraphAlert {
  "@odata.type": "#microsoft.graph.security.alert";
  id: string;
  providerAlertId: string;
  incidentId: string | null;
  status: AlertStatus;
  severity: AlertSeverity;
  classification: AlertClassification | null;
  determination: AlertDetermination | null;
  serviceSource: ServiceSource;
  detectionSource: DetectionSource;
  detectorId: string | null;
  tenantId: string;
  title: string;
  description: string;
  recommendedActions: string;
  category: string;
  assignedTo: string | null;
  alertWebUrl: string;
  incidentWebUrl: string | null;
  actorDisplayName: string | null;
  threatDisplayName: string | null;
  threatFamilyName: string | null;
  mitreTechniques: string[];
  createdDateTime: string;
  lastUpdateDateTime: string;
  resolvedDateTime: string | null;
  firstActivityDateTime: string | null;
  lastActivityDateTime: string | null;
  comments: GraphAlertComment[];
  evidence: GraphEvidence[];
  systemTags: string[];
}
