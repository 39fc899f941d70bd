// Detection templates the generator draws from. Titles, categories, detection sources and
// MITRE ids follow the kinds of alert Defender for Endpoint raises; descriptions are our own.

import type { Severity } from "./types.ts";

export type EntityType = "User" | "Process" | "File" | "Ip" | "Url" | "Registry";

export interface AlertTemplate {
  title: string;
  description: string;
  category: string;
  detectionSource: string;
  severity: Severity;
  mitreTechniques: string[];
  threatFamilyName: string | null;
  threatName: string | null;
  /** Entity types this detection usually cites, most likely first. */
  entities: EntityType[];
}

const malware = (family: string, threat: string, severity: Severity): AlertTemplate => ({
  title: `An active '${family}' malware was detected`,
  description: `Antivirus found the ${family} family running or persisting on this device. ` +
    "Active malware keeps executing until it is removed; isolate the device if the detection " +
    "was not remediated, then look for related files and persistence.",
  category: "Malware",
  detectionSource: "WindowsDefenderAv",
  severity,
  mitreTechniques: [],
  threatFamilyName: family,
  threatName: threat,
  entities: ["File", "Process", "User"],
});

const behaviour = (
  title: string,
  category: string,
  severity: Severity,
  mitreTechniques: string[],
  entities: EntityType[],
  description: string,
): AlertTemplate => ({
  title,
  description,
  category,
  detectionSource: "WindowsDefenderAtp",
  severity,
  mitreTechniques,
  threatFamilyName: null,
  threatName: null,
  entities,
});

export const ALERT_TEMPLATES: readonly AlertTemplate[] = [
  malware("Exeselrun", "Trojan:Win32/Exeselrun.A", "Low"),
  malware("Meterpreter", "Trojan:Win32/Meterpreter.O", "High"),
  malware("Emotet", "Trojan:Win32/Emotet.PK!MTB", "High"),
  malware("Mimikatz", "HackTool:Win32/Mimikatz.D", "High"),
  behaviour("Suspicious PowerShell command line", "Execution", "Medium",
    ["T1059.001", "T1027"], ["Process", "File", "User"],
    "PowerShell ran with an encoded or obfuscated command line. Attackers use this to " +
      "download and run payloads in memory while leaving few files behind."),
  behaviour("Low-reputation arbitrary code executed by signed executable", "Execution", "Low",
    ["T1218.011", "T1218.005"], ["Process", "File", "User"],
    "A trusted, Microsoft-signed binary loaded code with a poor reputation. Proxy execution " +
      "through signed binaries hides malicious activity inside an allowed process."),
  behaviour("Suspicious process injection observed", "DefenseEvasion", "Medium",
    ["T1055", "T1055.002"], ["Process", "Process", "User"],
    "A process wrote code into the memory of another process and started it. Injected code " +
      "runs under the identity of the target and may open listening ports or beacon out."),
  behaviour("Sensitive credential memory read", "CredentialAccess", "High",
    ["T1003.001"], ["Process", "User", "File"],
    "A process read the memory of the local security authority, where credentials are " +
      "cached. This is typical of credential dumping tools."),
  behaviour("Suspicious connection to a command and control server", "CommandAndControl",
    "High", ["T1071.001", "T1573"], ["Ip", "Url", "Process"],
    "The device connected to an address associated with attacker infrastructure. Check " +
      "which process opened the connection and whether data left the network."),
  behaviour("Anomalous scheduled task created", "Persistence", "Medium",
    ["T1053.005"], ["Process", "Registry", "File"],
    "A scheduled task was registered by an unusual parent process. Scheduled tasks are a " +
      "common way to survive reboots."),
  behaviour("Suspicious LDAP query", "Discovery", "Low", ["T1087.002", "T1069.002"],
    ["Process", "User"],
    "A process enumerated directory objects in a pattern associated with reconnaissance " +
      "tools that map accounts, groups and trusts."),
  behaviour("Ransomware behavior detected in the file system", "Ransomware", "High",
    ["T1486", "T1490"], ["File", "File", "Process", "User"],
    "Many files were renamed and rewritten in a short time, and shadow copies were " +
      "deleted. This sequence matches ransomware encrypting data."),
  behaviour("Possible lateral movement using remote services", "LateralMovement", "Medium",
    ["T1021.002", "T1570"], ["Ip", "Process", "User"],
    "A service was created remotely on this device from another machine, a technique used " +
      "to spread through a network with stolen credentials."),
  {
    title: "Connection to a custom network indicator",
    description: "The device connected to a URL or address the organisation added to its " +
      "custom indicator list.",
    category: "SuspiciousActivity",
    detectionSource: "CustomerTI",
    severity: "Informational",
    mitreTechniques: [],
    threatFamilyName: null,
    threatName: null,
    entities: ["Url", "Ip"],
  },
  {
    title: "Potentially unwanted application was blocked",
    description: "SmartScreen blocked an application whose publisher bundles adware or " +
      "changes browser settings without consent.",
    category: "UnwantedSoftware",
    detectionSource: "WindowsDefenderSmartScreen",
    severity: "Informational",
    mitreTechniques: [],
    threatFamilyName: "PUA",
    threatName: "PUA:Win32/Presenoker",
    entities: ["File", "Url"],
  },
];

// Assumption: these detectionSource spellings beyond the documented WindowsDefenderAv /
// WindowsDefenderAtp match what the MDE API writes for custom and automated detections.
export const EXTRA_DETECTION_SOURCES = [
  "CustomDetection",
  "AutomatedInvestigation",
  "MicrosoftThreatExperts",
] as const;
