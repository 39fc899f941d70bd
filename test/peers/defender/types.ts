// The wire shape of an MDE `/api/alerts` alert, as documented in `alerts.md` and the
// `get-alerts.md` examples (see ../shared/reference/microsoft-apis.md, section 2).

export const SEVERITIES = ["UnSpecified", "Informational", "Low", "Medium", "High"] as const;
export const STATUSES = ["Unknown", "New", "InProgress", "Resolved"] as const;
export const CLASSIFICATIONS = [
  "TruePositive",
  "InformationalExpectedActivity",
  "FalsePositive",
] as const;
export const DETERMINATIONS = [
  "MultiStagedAttack", "MaliciousUserActivity", "CompromisedUser", "Malware", "Phishing",
  "UnwantedSoftware", "Other", "SecurityTesting", "LineOfBusinessApplication",
  "ConfirmedUserActivity", "Clean", "InsufficientData",
] as const;
export const INVESTIGATION_STATES = [
  "Unknown", "Terminated", "SuccessfullyRemediated", "Benign", "Failed", "PartiallyRemediated",
  "Running", "PendingApproval", "PendingResource", "PartiallyInvestigated", "TerminatedByUser",
  "TerminatedBySystem", "Queued", "InnerFailure", "PreexistingAlert", "UnsupportedOs",
  "UnsupportedAlertType", "SuppressedAlert",
] as const;

export type Severity = (typeof SEVERITIES)[number];
export type Status = (typeof STATUSES)[number];
export type Classification = (typeof CLASSIFICATIONS)[number];
export type Determination = (typeof DETERMINATIONS)[number];
export type InvestigationState = (typeof INVESTIGATION_STATES)[number];

/** The 25 keys every evidence entry carries, in the order Defender writes them. */
export const EVIDENCE_KEYS = [
  "entityType", "evidenceCreationTime", "sha1", "sha256", "fileName", "filePath", "processId",
  "processCommandLine", "processCreationTime", "parentProcessId", "parentProcessCreationTime",
  "parentProcessFileName", "parentProcessFilePath", "ipAddress", "url", "registryKey",
  "registryHive", "registryValueType", "registryValue", "accountName", "domainName", "userSid",
  "aadUserId", "userPrincipalName", "detectionStatus",
] as const;

export type EvidenceKey = (typeof EVIDENCE_KEYS)[number];
type NumericEvidenceKey = "processId" | "parentProcessId";

/** One evidence entry: every key present, unused ones `null`. */
export type Evidence = { [K in Exclude<EvidenceKey, NumericEvidenceKey>]: string | null } & {
  [K in NumericEvidenceKey]: number | null;
};

export interface AlertComment {
  comment: string;
  createdBy: string;
  createdTime: string;
}

export interface RelatedUser {
  userName: string;
  domainName: string;
}

/**
 * One alert. Public samples may lack keys or carry keys of older schemas (`alertUser`,
 * `alertFiles`...), so the peer reads every field defensively and serialises alerts as stored.
 */
export interface Alert {
  id: string;
  incidentId: number | null;
  investigationId: number | null;
  assignedTo: string | null;
  severity: Severity;
  status: Status;
  classification: Classification | null;
  determination: Determination | null;
  investigationState: InvestigationState;
  detectionSource: string;
  detectorId: string;
  category: string;
  threatFamilyName: string | null;
  title: string;
  description: string;
  alertCreationTime: string;
  firstEventTime: string | null;
  lastEventTime: string | null;
  lastUpdateTime: string;
  resolvedTime: string | null;
  machineId: string;
  computerDnsName: string;
  rbacGroupName: string | null;
  aadTenantId: string;
  threatName: string | null;
  mitreTechniques: string[];
  relatedUser: RelatedUser | null;
  comments: AlertComment[];
  evidence: Evidence[];
}
