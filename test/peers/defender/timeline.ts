// An alert's timestamps: events, creation, resolution, last update and comments, ordered as
// Defender orders them, each with the sub-second form its field usually has.

import type { Random } from "./prng.ts";
import { formatInstant, shapeTicks, ticksFromMs, type TimeShape } from "./timestamps.ts";
import type { AlertComment, Status } from "./types.ts";

const SECOND = 10_000_000n;

// Shares of each sub-second form, per kind of field, as the public samples show them: event
// and creation times carry 7 digits, update times mostly SQL `datetime` steps (`.2`, `.57`).
const EVENT_SHAPES: readonly (readonly [TimeShape, number])[] =
  [["precise", 93], ["ms", 3], ["whole", 2], ["sql", 2]];
const UPDATE_SHAPES: readonly (readonly [TimeShape, number])[] =
  [["sql", 80], ["precise", 12], ["ms", 5], ["whole", 3]];

/** Instants in ticks; every stamp after another lies in a later whole second. */
export interface Timeline {
  firstEvent: bigint;
  lastEvent: bigint;
  created: bigint;
  resolved: bigint | null;
  updated: bigint;
}

function stamp(random: Random, ticks: bigint, shapes: typeof EVENT_SHAPES): bigint {
  return shapeTicks(ticks, random.weighted(shapes), random.next());
}

const plusSeconds = (ticks: bigint, seconds: number): bigint => {
  const wholeSecond = ticks - (ticks % SECOND);
  return wholeSecond + BigInt(seconds) * SECOND;
};

/** Draws the timeline of an alert created in the second of `createdMs`. */
export function drawTimeline(random: Random, createdMs: number, status: Status): Timeline {
  const created = stamp(random, ticksFromMs(createdMs), EVENT_SHAPES);
  const firstEvent = stamp(random, plusSeconds(created, -random.int(30, 3600)), EVENT_SHAPES);
  // Whole seconds strictly between the first event and creation; 0 = a single event.
  const gap = Number((plusSeconds(created, 0) - plusSeconds(firstEvent, 0)) / SECOND) - 1;
  const lastOffset = gap > 0 ? random.int(0, gap) : 0;
  const lastEvent = lastOffset === 0
    ? firstEvent
    : stamp(random, plusSeconds(firstEvent, lastOffset), EVENT_SHAPES);

  // New alerts were last touched when raised; handled ones minutes to days later.
  const updateOffset = status === "New" ? random.int(1, 5) : random.int(60, 3 * 86_400);
  const updated = stamp(random, plusSeconds(created, updateOffset), UPDATE_SHAPES);
  const resolved = status === "Resolved"
    ? stamp(random, plusSeconds(created, random.int(1, updateOffset - 1)), EVENT_SHAPES)
    : null;
  return { firstEvent, lastEvent, created, resolved, updated };
}

const COMMENTS = ["Investigating.", "Isolated the device.",
  "Confirmed with the user: expected admin activity.", "Escalated to tier 2."];

/** Analyst comments written between creation and the last update (none if too close). */
export function drawComments(random: Random, timeline: Timeline, authors: readonly string[]):
  AlertComment[] {
  const spanSeconds = Number((timeline.updated - timeline.created) / SECOND);
  const count = spanSeconds > 60 ? random.weighted([[0, 6], [1, 3], [3, 1]]) : 0;
  return Array.from({ length: count }, (_, i) => {
    const at = plusSeconds(timeline.created, Math.floor((spanSeconds * (i + 1)) / (count + 1)));
    return { comment: random.pick(COMMENTS), createdBy: random.pick(authors),
      createdTime: formatInstant(stamp(random, at, EVENT_SHAPES)) };
  });
}
