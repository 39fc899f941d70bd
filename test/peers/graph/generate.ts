// Realistic, deterministic Graph alerts_v2 alerts for one tenant, from several products, and the
// public sample pages read as is. Triage and timelines come from the MDE stand-in's drawers,
// mapped to Graph's camelCase enums.

import { createRandom, hashString, type Random } from "../defender/prng.ts";
import { drawComments, drawTimeline } from "../defender/timeline.ts";
import { drawSeverity, drawTriage } from "../defender/triage.ts";
import type { Classification, Determination, Severity, Status } from "../defender/types.ts";
import { pageValue, readPublicSample } from "../shared/corpus.ts";
import { formatInstant, parseInstant, ticksFromMs } from "../shared/timestamps.ts";
import {
  DEFAULT_SOURCE_WEIGHTS,
  GRAPH_ALERT_TEMPLATES,
  ID_PREFIXES,
  type GraphAlertTemplate,
} from "./catalog.ts";
import { generateGraphEvidence, type GraphDevice, type GraphUser } from "./evidence.ts";
import type {
  AlertClassification,
  AlertDetermination,
  AlertSeverity,
  AlertStatus,
  GraphAlert,
  ServiceSource,
} from "./types.ts";

export interface GenerateGraphAlertsOptions {
  count: number;
  tenantId: string;
  seed?: number;
  /** Creation time of the first alert (ms since epoch); alert i is created `i * stepMs` later. */
  startMs: number;
  stepMs?: number;
  /** Products the alerts come from (picked evenly); default a realistic mix of ten. */
  serviceSources?: readonly ServiceSource[];
  /** Evidence entries per alert, inclusive bounds (0-200); default 0-6. */
  evidence?: { min: number; max: number };
}

const DOTNET_EPOCH_TICKS = 621_355_968_000_000_000n;
const ANALYSTS = ["soc-analyst1@mssp.example", "soc-analyst2@mssp.example", "tier2@mssp.example"];
const ACTORS = ["Storm-0501", "Midnight Blizzard", "Octo Tempest"];
const STATUS: Record<Status, AlertStatus> = { New: "new", InProgress: "inProgress",
  Resolved: "resolved", Unknown: "new" };
const SEVERITY: Record<Severity, AlertSeverity> = { UnSpecified: "unknown",
  Informational: "informational", Low: "low", Medium: "medium", High: "high" };
const CLASSIFICATION: Record<Classification, AlertClassification> = {
  TruePositive: "truePositive", FalsePositive: "falsePositive",
  InformationalExpectedActivity: "informationalExpectedActivity" };
const DETERMINATION: Record<Determination, AlertDetermination> = {
  MultiStagedAttack: "multiStagedAttack", MaliciousUserActivity: "maliciousUserActivity",
  CompromisedUser: "compromisedAccount", Malware: "malware", Phishing: "phishing",
  UnwantedSoftware: "unwantedSoftware", Other: "other", SecurityTesting: "securityTesting",
  LineOfBusinessApplication: "lineOfBusinessApplication",
  ConfirmedUserActivity: "confirmedActivity", Clean: "notMalicious",
  InsufficientData: "notEnoughDataToValidate" };

/** The devices and people of one tenant that its alerts keep citing. */
function drawProfile(random: Random, startMs: number) {
  const suffix = `${random.pick(["contoso", "fabrikam", "northwind"])}.example.com`;
  const domain = (suffix.split(".")[0] ?? "").toUpperCase();
  const devices: GraphDevice[] = Array.from({ length: 16 }, (_, i) => {
    const linux = random.chance(0.2);
    return { mdeDeviceId: random.hex(40), azureAdDeviceId: linux ? null : random.guid(),
      deviceDnsName: `${linux ? "srv-lnx-" : "ws-"}${100 + i}.${suffix}`,
      osPlatform: linux ? "Ubuntu" : random.pick(["Windows10", "Windows11", "WindowsServer2022"]),
      osBuild: linux ? null : random.pick([19045, 22631, 20348]),
      version: linux ? "22.04" : random.pick(["22H2", "23H2", "21H2"]),
      rbacGroupId: random.int(1, 5000),
      rbacGroupName: random.pick(["UnassignedGroup", "Servers", "Workstations"]),
      firstSeenTicks: ticksFromMs(startMs - random.int(30, 900) * 86_400_000),
      ipInterfaces: [`10.${random.int(0, 255)}.${random.int(0, 255)}.${random.int(1, 254)}`] };
  });
  const users: GraphUser[] = Array.from({ length: 10 }, (_, i) => {
    const accountName = `user${String(i + 1).padStart(2, "0")}`;
    const sid = [random.int(1e8, 4e9), random.int(1e8, 4e9), random.int(1e3, 9e4)].join("-");
    return { accountName, domainName: domain, userSid: `S-1-5-21-${sid}`,
      azureAdUserId: random.guid(), userPrincipalName: `${accountName}@${suffix}`,
      displayName: `User ${String(i + 1).padStart(2, "0")}` };
  });
  return { devices, users };
}

function templatesOf(sources: readonly ServiceSource[] | undefined):
  (random: Random) => GraphAlertTemplate {
  const bySource = (source: ServiceSource): GraphAlertTemplate[] => {
    const found = GRAPH_ALERT_TEMPLATES.filter((t) => t.serviceSource === source);
    if (found.length === 0) throw new RangeError(`no alert templates for serviceSource ${source}`);
    return found;
  };
  if (sources !== undefined && sources.length === 0) {
    throw new RangeError("serviceSources must not be empty");
  }
  const pools = new Map((sources ?? DEFAULT_SOURCE_WEIGHTS.map(([s]) => s))
    .map((s) => [s, bySource(s)] as const));
  return (random) => {
    const source = sources ? random.pick(sources) : random.weighted(DEFAULT_SOURCE_WEIGHTS);
    return random.pick(pools.get(source) ?? []);
  };
}

/**
 * Generates `count` alerts for `tenantId`. The same options always give the same alerts.
 * Every documented property is present, evidence is polymorphic, `lastUpdateDateTime` carries
 * 0-7 fractional digits, and alerts of one incident are sometimes updated together (ties).
 * Throws RangeError for a negative count, an evidence range outside 0-200 or an unknown source.
 */
export function generateGraphAlerts(opts: GenerateGraphAlertsOptions): GraphAlert[] {
  const range = opts.evidence ?? { min: 0, max: 6 };
  if (opts.count < 0 || range.min < 0 || range.max > 200 || range.min > range.max) {
    throw new RangeError("count must be >= 0 and evidence within 0-200");
  }
  const random = createRandom((opts.seed ?? 1) ^ hashString(`graph:${opts.tenantId}`));
  const drawTemplate = templatesOf(opts.serviceSources);
  const profile = drawProfile(random, opts.startMs);
  const stepMs = opts.stepMs ?? 60_000;
  const alerts: GraphAlert[] = [];
  let incident = 1000 + random.int(0, 90_000);

  for (let i = 0; i < opts.count; i += 1) {
    const t = drawTemplate(random);
    const triage = drawTriage(random, ANALYSTS);
    const times = drawTimeline(random, opts.startMs + i * stepMs, triage.status);
    if (!random.chance(0.35)) incident += random.int(1, 40);
    const guid = random.guid();
    // Assumption: MDE ids read `da` + .NET ticks near creation + `_` + a signed 32-bit hash,
    // as the documented example; other products use their prefix and a GUID.
    const id = t.serviceSource === "microsoftDefenderForEndpoint"
      ? `da${times.created + DOTNET_EPOCH_TICKS + BigInt(random.int(0, 9_000_000))}_` +
        `${random.int(-2_147_483_648, 2_147_483_647)}`
      : `${ID_PREFIXES[t.serviceSource] ?? "xx"}${guid}`;
    const ctx = { random, createdTicks: times.created, device: random.pick(profile.devices),
      user: random.pick(profile.users) };
    const unclassified = random.chance(0.1) ? null : "unknown";

    alerts.push({
      "@odata.type": "#microsoft.graph.security.alert",
      id,
      providerAlertId: t.serviceSource === "microsoftDefenderForEndpoint" ? id : guid,
      incidentId: String(incident),
      status: STATUS[triage.status],
      severity: SEVERITY[drawSeverity(random, capitalised(t.severity))],
      classification: triage.classification ? CLASSIFICATION[triage.classification]
        : unclassified,
      determination: triage.determination ? DETERMINATION[triage.determination]
        : unclassified,
      serviceSource: t.serviceSource,
      detectionSource: random.chance(0.85) ? t.detectionSources[0] ?? "unknown"
        : random.pick(t.detectionSources),
      detectorId: createRandom(hashString(t.title)).guid(),
      tenantId: opts.tenantId,
      title: t.title,
      description: t.description,
      recommendedActions: t.recommendedActions,
      category: t.category,
      assignedTo: triage.assignedTo,
      alertWebUrl: `https://security.microsoft.com/alerts/${id}?tid=${opts.tenantId}`,
      incidentWebUrl: `https://security.microsoft.com/incidents/${incident}?tid=${opts.tenantId}`,
      actorDisplayName: t.severity === "high" && random.chance(0.1) ? random.pick(ACTORS)
        : t.actorDisplayName,
      threatDisplayName: t.threatDisplayName,
      threatFamilyName: t.threatFamilyName,
      mitreTechniques: [...t.mitreTechniques],
      createdDateTime: formatInstant(times.created),
      lastUpdateDateTime: formatInstant(times.updated),
      resolvedDateTime: times.resolved === null ? null : formatInstant(times.resolved),
      firstActivityDateTime: formatInstant(times.firstEvent),
      lastActivityDateTime: formatInstant(times.lastEvent),
      comments: drawComments(random, times, ANALYSTS).map((c) => ({ comment: c.comment,
        createdByDisplayName: c.createdBy, createdDateTime: c.createdTime })),
      evidence: Array.from({ length: random.int(range.min, range.max) },
        (_, e) => generateGraphEvidence(ctx, t.evidence[e] ?? random.pick(t.evidence))),
      systemTags: random.chance(0.1) ? ["Defender Experts"] : [],
    });
  }
  tieIncidentUpdates(random, alerts);
  return alerts;
}

function capitalised(severity: AlertSeverity): Severity {
  const found = (Object.keys(SEVERITY) as Severity[]).find((k) => SEVERITY[k] === severity);
  return found ?? "Medium";
}

/**
 * An action on an incident (resolve, classify, assign) updates all its alerts at once, so the
 * alerts of some incidents share one `lastUpdateDateTime`: the latest of theirs.
 */
function tieIncidentUpdates(random: Random, alerts: GraphAlert[]): void {
  for (let start = 0; start < alerts.length;) {
    let end = start + 1;
    while (alerts[end]?.incidentId === alerts[start]?.incidentId && end < alerts.length) end += 1;
    const run = alerts.slice(start, end);
    if (run.length > 1 && random.chance(0.5)) {
      // Compared as instants: as text, `…:59.2Z` sorts after `…:59.25Z`.
      const latest = run.map((a) => a.lastUpdateDateTime)
        .reduce((a, b) => ((parseInstant(a) ?? 0n) >= (parseInstant(b) ?? 0n) ? a : b));
      for (const alert of run) alert.lastUpdateDateTime = latest;
    }
    start = end;
  }
}

/**
 * Reads a Graph alerts_v2 page (`{"value": [...]}`) from `../shared/corpus/public/` and returns
 * its `value` untouched. Throws if the file is not such a page.
 */
export function loadPublicGraphAlerts(file: string): GraphAlert[] {
  return pageValue(readPublicSample(file), isGraphAlertLike,
    `${file} is not a Graph alerts_v2 page (value[] of alerts with id)`) as GraphAlert[];
}

function isGraphAlertLike(item: unknown): boolean {
  const alert = item as { id?: unknown; lastUpdateDateTime?: unknown } | null;
  return typeof alert?.id === "string" && typeof alert.lastUpdateDateTime === "string";
}
