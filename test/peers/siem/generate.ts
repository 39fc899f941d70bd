// Realistic, deterministic SIEM API detections for one tenant (several detections per alert),
// and the public documented example read as is. Kinds of detection come from the MDE
// stand-in's catalogue.

import { Buffer } from "node:buffer";
import { ALERT_TEMPLATES, type AlertTemplate } from "../defender/catalog.ts";
import { createRandom, hashString, type Random } from "../defender/prng.ts";
import { readPublicSample } from "../shared/corpus.ts";
import { formatInstant, shapeTicks, ticksFromMs } from "../shared/timestamps.ts";
import type { SiemDetection } from "./types.ts";

export interface GenerateSiemDetectionsOptions {
  /** Number of detection records (not alerts). */
  count: number;
  tenantId: string;
  seed?: number;
  /** AlertTime of the first alert (ms since epoch); alert i happens `i * stepMs` later. */
  startMs: number;
  stepMs?: number;
  /** Detections per alert, inclusive bounds (1-20); default 1-3. */
  partsPerAlert?: { min: number; max: number };
}

const SECOND = 10_000_000n;
const DOTNET_EPOCH_TICKS = 621_355_968_000_000_000n;
const GROUPS = ["", "UKMachines", "FranceMachines", "Servers"];
const TAGS = ["", "", "VIP", "Finance, Laptops"];
// Assumption: `Source` spellings beyond the documented `EDR` and `Antivirus`.
const SOURCES: Record<string, string> = { WindowsDefenderAv: "Antivirus",
  WindowsDefenderAtp: "EDR", CustomerTI: "CustomTI", WindowsDefenderSmartScreen: "SmartScreen" };

/**
 * Ticks with exactly 7 fractional digits (the last one non-zero), `LastProcessedTimeUtc` as the
 * documented example writes it, in the second of `wholeSecondTicks`.
 */
export function sevenDigitTicks(random: Random, wholeSecondTicks: bigint): bigint {
  const base = wholeSecondTicks - (wholeSecondTicks % SECOND);
  return base + BigInt(random.int(0, 999_999) * 10 + random.int(1, 9));
}

/**
 * A re-processing time: just before the clock (within its last millisecond, so a query that
 * ends "now" sees it), or just after `previous` if that is later; 7 digits, strictly later.
 */
export function nextProcessedTicks(random: Random, clockTicks: bigint, previous: bigint): bigint {
  // 1-9,999 ticks, last digit non-zero: a millisecond-aligned clock minus it keeps 7 digits.
  const jitter = BigInt(random.int(0, 999) * 10 + random.int(1, 9));
  let ticks = clockTicks - jitter;
  if (ticks <= previous) ticks = previous + 1n;
  return ticks % 10n === 0n ? ticks + 1n : ticks;
}

function drawMachines(random: Random) {
  const domain = `${random.pick(["contoso", "fabrikam", "northwind"])}.example.com`;
  return Array.from({ length: 12 }, (_, i) => {
    const name = `${random.pick(["ws-fin-", "srv-sql-", "lt-dev-"])}${100 + i}`;
    return { name, domain, deviceId: random.hex(40), group: random.pick(GROUPS),
      deviceTags: random.pick(TAGS), cloudTags: random.pick(TAGS),
      ipv4: `10.${random.int(0, 255)}.${random.int(0, 255)}.${random.int(1, 254)}, ` +
        `192.168.${random.int(0, 255)}.${random.int(1, 254)}`,
      ipv6: random.chance(0.5) ? `fe80::${random.hex(4)}:${random.hex(4)}` : "" };
  });
}

type Machine = ReturnType<typeof drawMachines>[number];
type AlertHead = Pick<SiemDetection, "AlertId" | "AlertTime">;

/** Detection `part` of `alert`, processed at `processed` (ticks). */
function detection(random: Random, t: AlertTemplate, alert: AlertHead, part: number,
  processed: bigint, machine: Machine): SiemDetection {
  const av = t.detectionSource === "WindowsDefenderAv";
  const file = t.entities.includes("File") || t.entities.includes("Process");
  const network = t.entities.includes("Ip") || t.entities.includes("Url");
  const user = `user${String(random.int(1, 12)).padStart(2, "0")}`;
  const domain = machine.domain.split(".")[0]?.toUpperCase() ?? "";
  const sha1 = file ? random.hex(40) : "";
  const iocUniqueId = Buffer.from(Array.from({ length: 32 }, () => random.int(0, 255)))
    .toString("base64");
  const id = alert.AlertId;
  const threatName = av ? t.threatName ?? "" : "";
  return {
    AlertTime: alert.AlertTime, ComputerDnsName: `${machine.name}.${machine.domain}`,
    AlertTitle: t.title, Category: t.category,
    Severity: t.severity === "UnSpecified" ? "Informational" : t.severity, AlertId: id,
    Actor: !av && random.chance(0.03) ? "BORON" : "",
    LinkToWDATP: `https://securitycenter.windows.com/alert/${id}`,
    IocName: network ? "Url" : "", IocValue: network ? "cdn-update.example.net" : "",
    CreatorIocName: "", CreatorIocValue: "", Sha1: sha1,
    FileName: file ? random.pick(["powershell.exe", "update.dll", "invoice_0423.docm"]) : "",
    FilePath: file ? random.pick(["C:\\Windows\\System32", "C:\\Users\\Public"]) : "",
    IpAddress: network ? `198.51.100.${random.int(1, 254)}` : "",
    Url: network ? "cdn-update.example.net" : "",
    IoaDefinitionId: av ? "" : createRandom(hashString(t.title)).guid(),
    UserName: av ? "" : user, AlertPart: part, FullId: `${id}:${iocUniqueId}`,
    LastProcessedTimeUtc: formatInstant(processed),
    // `Trojan:Win32/Emotet.PK!MTB` is of category `Trojan`.
    ThreatCategory: threatName.split(":")[0] ?? "",
    ThreatFamily: av ? t.threatFamilyName ?? "" : "", ThreatName: threatName,
    RemediationAction: av ? random.pick(["quarantine", "clean", "remove"]) : "",
    RemediationIsSuccess: av ? random.chance(0.8) : null,
    Source: SOURCES[t.detectionSource] ?? "EDR",
    Md5: av ? random.hex(32) : "", Sha256: av ? random.hex(64) : "",
    WasExecutingWhileDetected: av ? random.chance(0.3) : null,
    UserDomain: av ? "" : domain, LogOnUsers: `${domain.toLowerCase()}\\${user}; ` +
      `${domain.toLowerCase()}\\user${String(random.int(13, 20))}`,
    MachineDomain: machine.domain, MachineName: machine.name,
    InternalIPv4List: machine.ipv4, InternalIPv6List: machine.ipv6, FileHash: sha1,
    DeviceID: machine.deviceId, MachineGroup: machine.group, Description: t.description,
    DeviceCreatedMachineTags: machine.deviceTags, CloudCreatedMachineTags: machine.cloudTags,
    CommandLine: t.entities.includes("Process") ? "cmd.exe /c whoami /all" : "",
    IncidentLinkToWDATP:
      `https://securitycenter.windows.com/incidents/byalert?alertId=${id}&source=SIEM`,
    ReportID: random.int(1_000_000_000, 2_000_000_000),
    LinkToMTP: `https://security.microsoft.com/alert/${id}`,
    IncidentLinkToMTP:
      `https://security.microsoft.com/incidents/byalert?alertId=${id}&source=SIEM`,
    ExternalId: random.hex(40).toUpperCase(), IocUniqueId: iocUniqueId,
  };
}

/**
 * Generates `count` detections for `tenantId`, grouped in alerts of 1-3 parts. The same
 * options always give the same records. `LastProcessedTimeUtc` has 7 fractional digits, comes
 * 30 s to 5 min after `AlertTime`, and parts of one alert sometimes share it (ties).
 * Throws RangeError for a negative count or a parts range outside 1-20.
 */
export function generateSiemDetections(opts: GenerateSiemDetectionsOptions): SiemDetection[] {
  const parts = opts.partsPerAlert ?? { min: 1, max: 3 };
  if (opts.count < 0 || parts.min < 1 || parts.max > 20 || parts.min > parts.max) {
    throw new RangeError("count must be >= 0 and partsPerAlert within 1-20");
  }
  const random = createRandom((opts.seed ?? 1) ^ hashString(`siem:${opts.tenantId}`));
  const machines = drawMachines(random);
  const stepMs = opts.stepMs ?? 60_000;
  const out: SiemDetection[] = [];
  for (let a = 0; out.length < opts.count; a += 1) {
    const t = random.pick(ALERT_TEMPLATES);
    const at = shapeTicks(ticksFromMs(opts.startMs + a * stepMs), "precise", random.next());
    // Assumption: AlertId = `da` + .NET ticks near the alert + `_` + a 32-bit hash, as sampled.
    const alert = { AlertTime: formatInstant(at),
      AlertId: `da${at + DOTNET_EPOCH_TICKS + BigInt(random.int(0, 9_000_000))}_` +
        `${random.int(0, 2_147_483_647)}` };
    const machine = random.pick(machines);
    let processed = sevenDigitTicks(random, at + BigInt(random.int(30, 300)) * SECOND);
    const n = Math.min(random.int(parts.min, parts.max), opts.count - out.length);
    for (let part = 0; part < n; part += 1) {
      if (part > 0 && !random.chance(0.15)) {
        processed = sevenDigitTicks(random, processed + BigInt(random.int(1, 20)) * SECOND);
      }
      out.push(detection(random, t, alert, part, processed, machine));
    }
  }
  return out;
}

/**
 * Reads a SIEM API response (a bare JSON array of detections) from `../shared/corpus/public/`
 * and returns it untouched. Throws if the file is not such an array.
 */
export function loadPublicSiemDetections(file: string): SiemDetection[] {
  const body = readPublicSample(file);
  if (!Array.isArray(body) || !body.every(isDetectionLike)) {
    throw new Error(`${file} is not a SIEM API response (array of detections with FullId)`);
  }
  return body as SiemDetection[];
}

function isDetectionLike(item: unknown): boolean {
  const record = item as { FullId?: unknown; LastProcessedTimeUtc?: unknown } | null;
  return typeof record?.FullId === "string" && typeof record.LastProcessedTimeUtc === "string";
}
