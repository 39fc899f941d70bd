// The triage side of an alert: status, classification, determination, investigation state
// and assignment, drawn so that combinations stay plausible (a New alert has no verdict).

import type { Random } from "./prng.ts";
import type {
  Classification,
  Determination,
  InvestigationState,
  Severity,
  Status,
} from "./types.ts";

export interface Triage {
  status: Status;
  classification: Classification | null;
  determination: Determination | null;
  investigationState: InvestigationState;
  investigationId: number | null;
  assignedTo: string | null;
}

const STATES_BY_STATUS: Record<Status, readonly InvestigationState[]> = {
  New: ["Queued", "Running", "PendingApproval", "UnsupportedAlertType", "PreexistingAlert",
    "SuppressedAlert", "UnsupportedOs"],
  InProgress: ["Running", "PendingApproval", "PendingResource", "PartiallyInvestigated"],
  Resolved: ["SuccessfullyRemediated", "Benign", "PartiallyRemediated", "TerminatedByUser",
    "TerminatedBySystem", "Terminated"],
  Unknown: ["Unknown", "Failed", "InnerFailure"],
};

const DETERMINATIONS_BY_CLASSIFICATION: Record<Classification, readonly Determination[]> = {
  TruePositive: ["Malware", "MultiStagedAttack", "CompromisedUser", "Phishing",
    "MaliciousUserActivity", "UnwantedSoftware", "Other"],
  FalsePositive: ["Clean", "InsufficientData", "Other"],
  InformationalExpectedActivity: ["SecurityTesting", "LineOfBusinessApplication",
    "ConfirmedUserActivity"],
};

// States in which Defender never opened an automated investigation.
const NO_INVESTIGATION = new Set<InvestigationState>(
  ["UnsupportedAlertType", "UnsupportedOs", "PreexistingAlert", "SuppressedAlert", "Unknown"],
);

export function drawSeverity(random: Random, usual: Severity): Severity {
  return random.weighted<Severity>([
    [usual, 80], ["Informational", 5], ["Low", 5], ["Medium", 5], ["High", 4], ["UnSpecified", 1],
  ]);
}

/** Draws a consistent status/verdict/investigation set; `analysts` are assignee addresses. */
export function drawTriage(random: Random, analysts: readonly string[]): Triage {
  const status = random.weighted<Status>(
    [["New", 45], ["InProgress", 20], ["Resolved", 33], ["Unknown", 2]],
  );
  let classification: Classification | null = null;
  let determination: Determination | null = null;
  if (status === "Resolved") {
    classification = random.weighted<Classification>(
      [["TruePositive", 50], ["FalsePositive", 30], ["InformationalExpectedActivity", 20]],
    );
    determination = random.chance(0.9)
      ? random.pick(DETERMINATIONS_BY_CLASSIFICATION[classification])
      : null;
  } else if (random.chance(0.1)) {
    // An analyst may set a verdict before resolving (the docs' example 2 does).
    classification = "TruePositive";
  }

  const investigationState = random.pick(STATES_BY_STATUS[status]);
  const investigationId = NO_INVESTIGATION.has(investigationState) || random.chance(0.3)
    ? null
    : random.int(1, 2_000_000);
  // Alerts closed by automated investigation show `assignedTo: "Automation"` (public samples).
  const assignedTo = status === "New" && random.chance(0.85)
    ? null
    : random.chance(0.15) ? "Automation" : random.pick(analysts);

  return { status, classification, determination, investigationState, investigationId,
    assignedTo };
}
