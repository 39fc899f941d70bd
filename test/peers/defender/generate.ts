// Realistic, deterministic MDE alerts for one tenant, and the public sample pages read as is.

import { pageValue, readPublicSample } from "../shared/corpus.ts";
import { ALERT_TEMPLATES, EXTRA_DETECTION_SOURCES } from "./catalog.ts";
import { generateEvidence, type EvidenceContext } from "./evidence.ts";
import { createRandom, hashString, type Random } from "./prng.ts";
import { drawComments, drawTimeline } from "./timeline.ts";
import { formatInstant } from "./timestamps.ts";
import { drawSeverity, drawTriage } from "./triage.ts";
import type { Alert } from "./types.ts";

export interface GenerateAlertsOptions {
  count: number;
  tenantId: string;
  seed?: number;
  /** Creation time of the first alert (ms since epoch); alert i is created `i * stepMs` later. */
  startMs: number;
  stepMs?: number;
  /** Evidence entries per alert, inclusive bounds (0-200); default 0-6. */
  evidence?: { min: number; max: number };
}

const DOTNET_EPOCH_TICKS = 621_355_968_000_000_000n;
const MAX_EVIDENCE = 200;
const DOMAINS = ["CONTOSO", "FABRIKAM", "NORTHWIND"];
const RBAC_GROUPS = ["Servers", "Workstations", "Finance", "UNASSIGNED", null];
const HOSTS = ["ws-fin-", "ws-hr-", "srv-sql-", "srv-dc-", "lt-dev-", "lt-exec-"];
const ANALYSTS = ["soc-analyst1@mssp.example", "soc-analyst2@mssp.example", "tier2@mssp.example"];

/** The devices and people of one tenant that its alerts keep citing. */
function drawTenantProfile(random: Random) {
  const domain = random.pick(DOMAINS);
  const suffix = `${domain.toLowerCase()}.example.com`;
  const machines = Array.from({ length: 24 }, (_, i) => ({
    machineId: random.hex(40),
    computerDnsName: `${random.pick(HOSTS)}${String(100 + i)}.${suffix}`,
    rbacGroupName: random.pick(RBAC_GROUPS),
  }));
  const users = Array.from({ length: 12 }, (_, i) => {
    const accountName = `user${String(i + 1).padStart(2, "0")}`;
    const sid = [random.int(1e8, 4e9), random.int(1e8, 4e9), random.int(1e3, 9e4)].join("-");
    return { accountName, domainName: domain, userSid: `S-1-5-21-${sid}`,
      aadUserId: random.guid(), userPrincipalName: `${accountName}@${suffix}` };
  });
  // A detector id belongs to the detection, so it is the same in every tenant.
  const detections = ALERT_TEMPLATES.map((template) => ({ template,
    detectorId: createRandom(hashString(template.title)).guid() }));
  return { machines, users, detections };
}

/**
 * Generates `count` alerts for `tenantId`. The same options always give the same alerts;
 * different tenants give different ids. Every documented property is present, timestamps
 * carry 0-7 fractional digits, and some runs of alerts share one `lastUpdateTime` (ties).
 * Throws RangeError for a negative count or an evidence range outside 0-200.
 */
export function generateAlerts(opts: GenerateAlertsOptions): Alert[] {
  const evidenceRange = opts.evidence ?? { min: 0, max: 6 };
  if (opts.count < 0 || evidenceRange.min < 0 || evidenceRange.max > MAX_EVIDENCE ||
    evidenceRange.min > evidenceRange.max) {
    throw new RangeError(`count must be >= 0 and evidence within 0-${MAX_EVIDENCE}`);
  }

  const random = createRandom((opts.seed ?? 1) ^ hashString(opts.tenantId));
  const profile = drawTenantProfile(random);
  const stepMs = opts.stepMs ?? 60_000;
  const alerts: Alert[] = [];
  const updates: bigint[] = [];
  let incidentId = 1000 + random.int(0, 500_000);

  for (let i = 0; i < opts.count; i += 1) {
    const { template, detectorId } = random.pick(profile.detections);
    const machine = random.pick(profile.machines);
    const user = random.pick(profile.users);
    const triage = drawTriage(random, ANALYSTS);
    const times = drawTimeline(random, opts.startMs + i * stepMs, triage.status);
    // About a third of alerts join the previous alert's incident.
    if (!random.chance(0.35)) incidentId += random.int(1, 40);

    const ctx: EvidenceContext = { random, createdTicks: times.created, user };
    const evidence = Array.from({ length: random.int(evidenceRange.min, evidenceRange.max) },
      (_, e) => generateEvidence(ctx, template.entities[e] ?? random.pick(template.entities)));
    // Assumption: an id is `da` + .NET ticks near creation + `_` + a signed 32-bit hash, as
    // every public sample id reads (da637472900382838869 is 2021-01-26T20:33:58Z).
    const idTicks = times.created + DOTNET_EPOCH_TICKS + BigInt(random.int(0, 9_000_000));
    const idHash = random.int(-2_147_483_648, 2_147_483_647);

    alerts.push({
      id: `da${idTicks}_${idHash}`,
      incidentId,
      investigationId: triage.investigationId,
      assignedTo: triage.assignedTo,
      severity: drawSeverity(random, template.severity),
      status: triage.status,
      classification: triage.classification,
      determination: triage.determination,
      investigationState: triage.investigationState,
      detectionSource: random.chance(0.06)
        ? random.pick(EXTRA_DETECTION_SOURCES)
        : template.detectionSource,
      detectorId,
      category: template.category,
      threatFamilyName: template.threatFamilyName,
      title: template.title,
      description: template.description,
      alertCreationTime: formatInstant(times.created),
      firstEventTime: formatInstant(times.firstEvent),
      lastEventTime: formatInstant(times.lastEvent),
      lastUpdateTime: formatInstant(times.updated),
      resolvedTime: times.resolved === null ? null : formatInstant(times.resolved),
      machineId: machine.machineId,
      computerDnsName: machine.computerDnsName,
      rbacGroupName: machine.rbacGroupName,
      aadTenantId: opts.tenantId,
      threatName: template.threatName,
      mitreTechniques: [...template.mitreTechniques],
      relatedUser: random.chance(0.8)
        ? { userName: user.accountName, domainName: user.domainName }
        : null,
      comments: drawComments(random, times, ANALYSTS),
      evidence,
    });
    updates.push(times.updated);
  }

  applyTies(random, alerts, updates);
  return alerts;
}

/** Bulk actions (a playbook resolving several alerts) give runs of alerts one update time. */
function applyTies(random: Random, alerts: Alert[], updates: bigint[]): void {
  for (let i = 0; i < alerts.length; i += 1) {
    if (!random.chance(0.05)) continue;
    const end = Math.min(alerts.length, i + random.int(2, 5));
    const latest = updates.slice(i, end).reduce((a, b) => (a > b ? a : b));
    for (let j = i; j < end; j += 1) {
      const alert = alerts[j];
      if (alert) alert.lastUpdateTime = formatInstant(latest);
    }
    i = end - 1;
  }
}

/**
 * Reads an MDE alert page (`{"@odata.context", "value": [...]}`) from
 * `../shared/corpus/public/` and returns its `value` untouched (older samples carry keys of
 * earlier schemas and lack some current ones). Throws if the file is not such a page.
 */
export function loadPublicAlerts(file: string): Alert[] {
  return pageValue(readPublicSample(file), isAlertLike,
    `${file} is not an MDE alert page (value[] of alerts with id)`) as Alert[];
}

function isAlertLike(item: unknown): boolean {
  const alert = item as { id?: unknown; lastUpdateTime?: unknown } | null;
  return typeof alert?.id === "string" && typeof alert.lastUpdateTime === "string";
}
