// The query parameters of the SIEM API's `GET /api/alerts` (pull-alerts-using-rest-api.md):
// a time range on `LastProcessedTimeUtc` (`sinceTimeUtc`, `untilTimeUtc` or `ago`), `limit`,
// and device filters. Anything else, or a malformed value, is refused.

import { parseInstant } from "../shared/timestamps.ts";

export const SIEM_PARAMETERS = ["sinceTimeUtc", "untilTimeUtc", "ago", "limit", "machinegroups",
  "DeviceCreatedMachineTags", "CloudCreatedMachineTags"] as const;

/** "If you call this method without parameters, the response contains ... the last 2 hours." */
export const DEFAULT_RANGE_TICKS = 2n * 3600n * 10_000_000n;

export interface SiemQuery {
  /** Inclusive bounds on `LastProcessedTimeUtc`, in ticks. */
  sinceTicks: bigint;
  untilTicks: bigint;
  /** Most recent N detections of the range; null = all. */
  limit: number | null;
  machineGroups: string[] | null;
  deviceTag: string | null;
  cloudTag: string | null;
}

/** A parameter the peer refuses; answered the way the docs say: 401, malformed request. */
export class SiemQueryError extends Error {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(message);
    this.name = "SiemQueryError";
  }
}

const KNOWN = new Set<string>(SIEM_PARAMETERS);

export function isKnownSiemParameter(name: string): boolean {
  return KNOWN.has(name);
}

// Assumption: a DateTime as the docs write it (`2016-09-12T00:00:00.000`), up to 7 fractional
// digits, optionally with `Z` or an offset; without one it is UTC (the names end in Utc).
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:\d{2})?$/;
// Assumption: `ago` takes days, hours, minutes and seconds (`P1D`, `PT10M`, `PT1.5S`); years,
// months and weeks have no fixed length and are refused.
const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.(\d{1,7}))?S)?)?$/;

function parseDateTime(name: string, text: string): bigint {
  const ticks = DATE_TIME.test(text)
    ? parseInstant(/(?:Z|[+-]\d{2}:\d{2})$/.test(text) ? text : `${text}Z`)
    : undefined;
  if (ticks === undefined) {
    throw new SiemQueryError(name, `'${text}' is not a valid DateTime for ${name}.`);
  }
  return ticks;
}

function parseDuration(text: string): bigint {
  const m = DURATION.exec(text);
  if (!m || text === "P" || text.endsWith("T")) {
    throw new SiemQueryError("ago", `'${text}' is not an ISO 8601 duration such as PT10M.`);
  }
  const [days, hours, minutes, seconds] = [m[1], m[2], m[3], m[4]].map((g) => BigInt(g ?? 0));
  const fraction = BigInt((m[5] ?? "").padEnd(7, "0"));
  return ((((days ?? 0n) * 24n + (hours ?? 0n)) * 60n + (minutes ?? 0n)) * 60n +
    (seconds ?? 0n)) * 10_000_000n + fraction;
}

/**
 * Parses the query string against the peer clock (`nowTicks`). Throws SiemQueryError for an
 * unknown, repeated, empty or malformed parameter, or an impossible range.
 */
export function parseSiemQuery(params: URLSearchParams, nowTicks: bigint): SiemQuery {
  for (const name of new Set(params.keys())) {
    // Assumption: names are matched exactly as documented (case included), and unknown ones
    // are refused rather than ignored.
    if (!KNOWN.has(name)) throw new SiemQueryError(name, `Unknown parameter '${name}'.`);
    const values = params.getAll(name);
    // Only `machinegroups` is documented as repeatable ("?machinegroups=A&machinegroups=B").
    if (values.length > 1 && name !== "machinegroups") {
      throw new SiemQueryError(name, `Parameter '${name}' was given more than once.`);
    }
    if (values.some((v) => v.trim() === "")) {
      throw new SiemQueryError(name, `Parameter '${name}' has an empty value.`);
    }
  }

  const since = params.get("sinceTimeUtc");
  const until = params.get("untilTimeUtc");
  const ago = params.get("ago");
  // Assumption: `ago` defines the whole range, so combining it with since/until is refused.
  if (ago !== null && (since !== null || until !== null)) {
    throw new SiemQueryError("ago", "'ago' cannot be combined with sinceTimeUtc or untilTimeUtc.");
  }
  const untilTicks = until === null ? nowTicks : parseDateTime("untilTimeUtc", until);
  // Assumption: the 2-hour default applies whenever neither sinceTimeUtc nor ago is given,
  // even with untilTimeUtc or limit; it is counted back from now, not from untilTimeUtc.
  const sinceTicks = ago !== null
    ? nowTicks - parseDuration(ago)
    : since === null ? nowTicks - DEFAULT_RANGE_TICKS : parseDateTime("sinceTimeUtc", since);
  if (sinceTicks > untilTicks) {
    throw new SiemQueryError("sinceTimeUtc", "sinceTimeUtc is later than untilTimeUtc.");
  }

  const limitText = params.get("limit");
  if (limitText !== null && !/^[1-9]\d{0,8}$/.test(limitText)) {
    throw new SiemQueryError("limit", `'${limitText}' is not a positive integer for limit.`);
  }
  const groups = params.getAll("machinegroups");
  return {
    sinceTicks,
    untilTicks,
    limit: limitText === null ? null : Number(limitText),
    machineGroups: groups.length === 0 ? null : groups,
    deviceTag: params.get("DeviceCreatedMachineTags"),
    cloudTag: params.get("CloudCreatedMachineTags"),
  };
}
