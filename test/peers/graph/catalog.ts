// Detection templates per Graph `serviceSource`. Defender for Endpoint reuses the MDE stand-in's
// catalogue, mapped to Graph's camelCase enums; the other products get a few kinds of alert
// each. Titles follow the kinds of alert those products raise; descriptions are our own.

import { ALERT_TEMPLATES, type AlertTemplate, type EntityType } from "../defender/catalog.ts";
import type { Severity } from "../defender/types.ts";
import type { AlertSeverity, DetectionSource, ServiceSource } from "./types.ts";

export type EvidenceKind = "device" | "file" | "process" | "registryKey" | "registryValue" |
  "ip" | "url" | "user" | "mailbox" | "cloudApplication";

export interface GraphAlertTemplate {
  serviceSource: ServiceSource;
  detectionSources: readonly DetectionSource[];
  title: string;
  description: string;
  recommendedActions: string;
  category: string;
  severity: AlertSeverity;
  mitreTechniques: readonly string[];
  threatFamilyName: string | null;
  threatDisplayName: string | null;
  actorDisplayName: string | null;
  /** Evidence kinds this alert usually cites, most likely first. */
  evidence: readonly EvidenceKind[];
}

const SEVERITY: Record<Severity, AlertSeverity> = { UnSpecified: "unknown",
  Informational: "informational", Low: "low", Medium: "medium", High: "high" };
const DETECTION: Record<string, DetectionSource> = { WindowsDefenderAv: "antivirus",
  WindowsDefenderAtp: "microsoftDefenderForEndpoint", CustomerTI: "customTi",
  WindowsDefenderSmartScreen: "smartScreen" };
const ENTITY: Record<EntityType, EvidenceKind> = { User: "user", Process: "process",
  File: "file", Ip: "ip", Url: "url", Registry: "registryKey" };

const MDE_ACTIONS = "Review the device timeline for activity before and after the alert.\n" +
  "Isolate the device if the activity was not remediated.\nRun a full antivirus scan.\n" +
  "Reset the credentials of accounts that used the device.";

// Defender for Endpoint alerts always cite the device first, as the documented example does.
function fromMde(t: AlertTemplate): GraphAlertTemplate {
  return { serviceSource: "microsoftDefenderForEndpoint",
    detectionSources: [DETECTION[t.detectionSource] ?? "microsoftDefenderForEndpoint",
      "customDetection", "automatedInvestigation"],
    title: t.title, description: t.description, recommendedActions: MDE_ACTIONS,
    category: t.category, severity: SEVERITY[t.severity], mitreTechniques: t.mitreTechniques,
    threatFamilyName: t.threatFamilyName, threatDisplayName: t.threatName,
    actorDisplayName: null, evidence: ["device", ...t.entities.map((e) => ENTITY[e])] };
}

const other = (serviceSource: ServiceSource, detectionSource: DetectionSource, title: string,
  category: string, severity: AlertSeverity, mitreTechniques: string[],
  evidence: EvidenceKind[], description: string): GraphAlertTemplate => ({
  serviceSource, detectionSources: [detectionSource], title, description,
  recommendedActions: "Investigate the activity and the accounts involved; contain them if " +
    "the activity is not expected.",
  category, severity, mitreTechniques, threatFamilyName: null, threatDisplayName: null,
  actorDisplayName: null, evidence,
});

const OTHER_TEMPLATES: readonly GraphAlertTemplate[] = [
  other("microsoftDefenderForOffice365", "microsoftDefenderForOffice365",
    "Email messages containing malicious URL removed after delivery", "InitialAccess",
    "informational", ["T1566.002"], ["mailbox", "url", "user"],
    "Messages with a link later found malicious were removed from mailboxes after delivery."),
  other("microsoftDefenderForOffice365", "microsoftDefenderForOffice365",
    "A potentially malicious URL click was detected", "InitialAccess", "high",
    ["T1566.002"], ["url", "user", "mailbox"],
    "A user opened a link that was later identified as malicious."),
  other("microsoftDefenderForIdentity", "microsoftDefenderForIdentity",
    "Suspected DCSync attack (replication of directory services)", "CredentialAccess",
    "high", ["T1003.006"], ["user", "device", "ip"],
    "A device that is not a domain controller asked a domain controller to replicate secrets."),
  other("microsoftDefenderForIdentity", "microsoftDefenderForIdentity",
    "Account enumeration reconnaissance", "Discovery", "medium", ["T1087.002"],
    ["device", "user", "ip"], "A device queried the directory for many account names."),
  other("microsoftDefenderForCloudApps", "cloudAppSecurity", "Impossible travel activity",
    "InitialAccess", "medium", ["T1078"], ["user", "ip", "cloudApplication"],
    "The same user signed in from two places too far apart to travel between in the time."),
  other("microsoftDefenderForCloudApps", "cloudAppSecurity", "Mass download by a single user",
    "Exfiltration", "medium", ["T1530"], ["user", "cloudApplication", "file"],
    "A user downloaded far more files than usual in one session."),
  other("azureAdIdentityProtection", "azureAdIdentityProtection",
    "Unfamiliar sign-in properties", "InitialAccess", "low", ["T1078.004"], ["user", "ip"],
    "A sign-in came with properties not seen before for this user."),
  other("azureAdIdentityProtection", "azureAdIdentityProtection", "Anonymous IP address",
    "InitialAccess", "medium", ["T1090.003"], ["user", "ip"],
    "A sign-in came from an anonymising proxy or Tor exit node."),
  other("microsoft365Defender", "microsoft365Defender",
    "Suspicious inbox manipulation rule", "DefenseEvasion", "medium", ["T1564.008"],
    ["mailbox", "user", "ip"], "A rule that moves or deletes messages was set on an inbox."),
  other("dataLossPrevention", "microsoftDataLossPrevention",
    "DLP policy match for document shared externally", "Exfiltration", "low", [],
    ["user", "file"], "A document matching a data loss prevention policy left the tenant."),
  other("microsoftAppGovernance", "appGovernanceDetection",
    "App with suspicious OAuth scopes made unusual Graph calls", "Persistence", "medium",
    ["T1098.003"], ["cloudApplication", "user"],
    "An OAuth app granted broad scopes began calling APIs it had not called before."),
  other("microsoftDefenderForCloud", "microsoftDefenderForServers",
    "Suspicious process executed on a server", "Execution", "high", ["T1059"],
    ["device", "process", "ip"], "Defender for Cloud saw a process known to attackers run."),
  other("microsoftDefenderForCloud", "microsoftDefenderForStorage",
    "Access from a suspicious IP address to a storage account", "InitialAccess", "medium",
    ["T1190"], ["ip", "cloudApplication"], "A storage account was read from a flagged address."),
  other("microsoftSentinel", "microsoftSentinel", "Multiple failed sign-ins followed by success",
    "CredentialAccess", "medium", ["T1110"], ["user", "ip"],
    "A scheduled analytics rule matched a brute-force pattern."),
];

export const GRAPH_ALERT_TEMPLATES: readonly GraphAlertTemplate[] =
  [...ALERT_TEMPLATES.map(fromMde), ...OTHER_TEMPLATES];

// Share of each product among a tenant's alerts when the caller does not choose.
export const DEFAULT_SOURCE_WEIGHTS: readonly (readonly [ServiceSource, number])[] = [
  ["microsoftDefenderForEndpoint", 50], ["microsoftDefenderForOffice365", 14],
  ["microsoftDefenderForIdentity", 10], ["microsoftDefenderForCloudApps", 8],
  ["azureAdIdentityProtection", 8], ["microsoft365Defender", 3], ["dataLossPrevention", 3],
  ["microsoftAppGovernance", 1], ["microsoftDefenderForCloud", 2], ["microsoftSentinel", 1],
];

// Assumption: id prefixes per product as seen in portal URLs (`da` MDE, `fa` Office 365,
// `aa` Identity, `ca` Cloud Apps, `ad` Entra ID Protection); the others are ours.
export const ID_PREFIXES: Partial<Record<ServiceSource, string>> = {
  microsoftDefenderForEndpoint: "da", microsoftDefenderForOffice365: "fa",
  microsoftDefenderForIdentity: "aa", microsoftDefenderForCloudApps: "ca",
  azureAdIdentityProtection: "ad", microsoft365Defender: "ra", dataLossPrevention: "dl",
  microsoftAppGovernance: "ag", microsoftDefenderForCloud: "dc", microsoftSentinel: "sn",
};
