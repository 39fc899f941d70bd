// The wire shape of one detection record of the legacy SIEM API (`wdatp-alertexporter`,
// `GET /api/alerts`), as documented in pull-alerts-using-rest-api.md and
// api-portal-mapping.md (see ../shared/reference/microsoft-apis.md, section 1). Field names
// are PascalCase; empty values are `""`, except the three nullable booleans.

/** Every field of the documented example record, in its order. */
export const SIEM_FIELDS = [
  "AlertTime", "ComputerDnsName", "AlertTitle", "Category", "Severity", "AlertId", "Actor",
  "LinkToWDATP", "IocName", "IocValue", "CreatorIocName", "CreatorIocValue", "Sha1",
  "FileName", "FilePath", "IpAddress", "Url", "IoaDefinitionId", "UserName", "AlertPart",
  "FullId", "LastProcessedTimeUtc", "ThreatCategory", "ThreatFamily", "ThreatName",
  "RemediationAction", "RemediationIsSuccess", "Source", "Md5", "Sha256",
  "WasExecutingWhileDetected", "UserDomain", "LogOnUsers", "MachineDomain", "MachineName",
  "InternalIPv4List", "InternalIPv6List", "FileHash", "DeviceID", "MachineGroup",
  "Description", "DeviceCreatedMachineTags", "CloudCreatedMachineTags", "CommandLine",
  "IncidentLinkToWDATP", "ReportID", "LinkToMTP", "IncidentLinkToMTP", "ExternalId",
  "IocUniqueId",
] as const;

export type SiemField = (typeof SIEM_FIELDS)[number];

/** Severities the portal shows (api-portal-mapping.md example: `High`). */
export const SIEM_SEVERITIES = ["Informational", "Low", "Medium", "High"] as const;

/**
 * One detection. An alert is made of one or more detections: they share `AlertId` and differ
 * in `AlertPart` (0, 1, ...) and `FullId` (`<AlertId>:<IocUniqueId>`).
 */
export interface SiemDetection {
  /** When the event occurred (`deviceReceiptTime`). */
  AlertTime: string;
  ComputerDnsName: string;
  AlertTitle: string;
  Category: string;
  Severity: string;
  AlertId: string;
  Actor: string;
  LinkToWDATP: string;
  IocName: string;
  IocValue: string;
  CreatorIocName: string;
  CreatorIocValue: string;
  Sha1: string;
  FileName: string;
  FilePath: string;
  IpAddress: string;
  Url: string;
  IoaDefinitionId: string;
  UserName: string;
  AlertPart: number;
  FullId: string;
  /** When the detection arrived at the backend; the field the time range filters on. */
  LastProcessedTimeUtc: string;
  ThreatCategory: string;
  ThreatFamily: string;
  ThreatName: string;
  RemediationAction: string;
  RemediationIsSuccess: boolean | null;
  /** Detection source: `EDR`, `Antivirus`... */
  Source: string;
  Md5: string;
  Sha256: string;
  WasExecutingWhileDetected: boolean | null;
  UserDomain: string;
  /** `domain\user` pairs joined by `; `. */
  LogOnUsers: string;
  MachineDomain: string;
  MachineName: string;
  /** Addresses joined by `, `. */
  InternalIPv4List: string;
  InternalIPv6List: string;
  FileHash: string;
  DeviceID: string;
  MachineGroup: string;
  Description: string;
  DeviceCreatedMachineTags: string;
  CloudCreatedMachineTags: string;
  CommandLine: string;
  IncidentLinkToWDATP: string;
  ReportID: number;
  LinkToMTP: string;
  IncidentLinkToMTP: string;
  ExternalId: string;
  IocUniqueId: string;
}
