import { SCHEME } from "../app-info.ts";
import {
  advance,
  type Cursor,
  epochSeconds,
  isPending,
  versionKey,
  type Instant,
} from "../checkpoint/index.ts";
import type { InputConfig } from "../config/index.ts";
import type { Logger } from "../log/index.ts";
import type { EventWriter, Stanza } from "../protocol/index.ts";
import type { AlertRecord } from "../sources/types.ts";

/**
 * Turns alert records into events and keeps the cursor. A version is written when the loaded
 * cursor does not cover it and this run has not written it yet (a retried page or the inclusive
 * `ge` brings versions back). The cursor only advances over versions that are in order: if the
 * service ever returns an older version after a newer one, `ordered` turns false and the run
 * saves its checkpoint once, at the end of the data, never in between.
 *
 * What it keeps to recognise repeats is forgotten behind the source's lower bound
 * (`forgetBefore`, and the end of each complete window), so memory follows a page, not the
 * backlog. Forgetting can only let a repeat through if the service answered outside its own
 * filter; it can never skip a version that was not written.
 */
export function createCollector(deps: {
  stanza: Stanza;
  config: InputConfig;
  initial: Cursor;
  writer: EventWriter;
  logger: Logger;
}) {
  const { stanza, config, writer, logger } = deps;
  // Versions written in this run, by key, with their update time.
  const written = new Map<string, Instant>();
  const forgetBefore = (instant: Instant): void => {
    for (const [key, updated] of written) if (updated < instant) written.delete(key);
  };
  const pendingAdvance: { id: string; updated: Instant }[] = [];
  let cursor = deps.initial;
  let ordered = true;
  let newest: Instant | undefined;
  let events = 0;
  let duplicates = 0;
  let unplaced = 0;
  let oversized = 0;
  const source = `${SCHEME}:${config.tenantId}`;

  const write = (record: AlertRecord): void => {
    writer.write({
      stanza: stanza.name,
      ...(record.updated === undefined ? {} : { time: epochSeconds(record.updated) }),
      source,
      sourcetype: config.sourcetype,
      index: config.index,
      data: record.raw,
    });
    events += 1;
  };

  return {
    onAlert(record: AlertRecord): void {
      const { id, updated } = record;
      if (id === undefined || updated === undefined) {
        // Written whole all the same: an alert is never dropped for a missing or odd field.
        unplaced += 1;
        logger.warn("alert without a usable id or update time, written as is", {
          alert_id: id,
          chars: record.raw.length,
        });
        write(record);
        return;
      }
      const key = versionKey(id, updated);
      if (!isPending(deps.initial, id, updated) || written.has(key)) {
        duplicates += 1;
        return;
      }
      written.set(key, updated);
      if (newest !== undefined && updated < newest) ordered = false;
      if (newest === undefined || updated > newest) newest = updated;
      write(record);
      pendingAdvance.push({ id, updated });
    },

    onOversize(id: string | undefined, chars: number): void {
      oversized += 1;
      logger.error("alert too large to write, skipped", { alert_id: id ?? "unknown", chars });
    },

    /** The cursor covering everything written so far, when order allows saving it now. */
    cursorToSave(): Cursor | undefined {
      if (!ordered) return undefined;
      if (pendingAdvance.length > 0) {
        cursor = advance(cursor, pendingAdvance);
        pendingAdvance.length = 0;
      }
      return cursor;
    },

    /** The cursor after a window ending at `completeBefore` was read whole, in any order. */
    cursorAfterWindow(completeBefore: Instant): Cursor {
      cursor = advance(cursor, pendingAdvance, completeBefore);
      pendingAdvance.length = 0;
      // The next window starts at its end; no request of this run looks before it again.
      forgetBefore(completeBefore);
      return cursor;
    },

    /** See CollectHooks.forgetBefore. */
    forgetBefore,

    /** The cursor after the whole query was read, whatever the order. */
    finalCursor(): Cursor {
      if (pendingAdvance.length > 0) {
        cursor = advance(cursor, pendingAdvance);
        pendingAdvance.length = 0;
      }
      return cursor;
    },

    get ordered() {
      return ordered;
    },
    get stats() {
      return { events, duplicates, unplaced, oversized };
    },
    /** How many written versions are kept to recognise repeats. */
    get remembered() {
      return written.size;
    },
  };
}
