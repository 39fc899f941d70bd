import { loadCredential, createTokenProvider } from "../auth/index.ts";
import { SCHEME } from "../app-info.ts";
import {
  advance,
  type CheckpointStore,
  type Cursor,
  epochSeconds,
  isPending,
  parseInstant,
  startCursor,
} from "../checkpoint/index.ts";
import { type InputConfig, parseInputConfig } from "../config/index.ts";
import type { HttpClient } from "../http/index.ts";
import type { Logger } from "../log/index.ts";
import type { EventWriter, Stanza } from "../protocol/index.ts";
import { createMdeAlertsSource, type Alert } from "../sources/mde/index.ts";
import type { PasswordStore, SplunkdClient } from "../splunkd/index.ts";

export interface RunDeps {
  splunkd: SplunkdClient;
  passwords: PasswordStore;
  checkpoints: CheckpointStore;
  writer: EventWriter;
  /** The client for Microsoft's endpoints (login and API). */
  http: HttpClient;
  logger: Logger;
  nowMs: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Set when splunkd asks the input to stop: the run ends after the current page. */
  stopping: () => boolean;
}

export interface RunSummary {
  events: number;
  pages: number;
  duplicatesSkipped: number;
  bytes: number;
  stopped: boolean;
}

/**
 * One run of one input (one customer tenant): load its checkpoint, get a token, page through the
 * alerts updated since the checkpoint, write one event per alert version, and save the
 * checkpoint only after the events of a page are flushed to splunkd, so a crash at any point
 * loses nothing (it may repeat at most the page in flight).
 *
 * @throws AddonError from every layer; nothing has been saved past what was flushed.
 */
export async function runInput(stanza: Stanza, deps: RunDeps): Promise<RunSummary> {
  const config = parseInputConfig(stanza.inputName, stanza.params, deps.nowMs());
  const logger = deps.logger.child({ input: stanza.inputName, tenant_id: config.tenantId });
  logger.info("run started", {
    api: config.api,
    cloud: config.cloud,
    api_host: config.apiUrl.host,
    login_host: config.loginUrl.host,
    page_size: config.pageSize,
    account: config.account,
  });

  const credential = await loadCredential(deps.splunkd, deps.passwords, config.account);
  const saved = await deps.checkpoints.load(stanza.inputName);
  const initial = saved?.cursor ?? startCursor(config.startFrom);
  const tokens = createTokenProvider({
    credential,
    tenantId: config.tenantId,
    loginUrl: config.loginUrl,
    resource: config.apiResource,
    http: deps.http,
  });
  const source = createMdeAlertsSource({
    http: deps.http,
    tokens,
    apiUrl: config.apiUrl,
    pageSize: config.pageSize,
    tenantId: config.tenantId,
    logger,
    sleep: deps.sleep,
  });

  const collector = createCollector(stanza, config, initial, deps.writer, logger);
  let alertsTotal = saved?.alertsTotal ?? 0;
  let savedCursor = initial;
  const summary: RunSummary = { events: 0, pages: 0, duplicatesSkipped: 0, bytes: 0, stopped: false };

  const save = async (cursor: Cursor): Promise<void> => {
    if (cursor === savedCursor) return;
    // Flush before saving the cursor, or a crash between the two loses the page's events.
    await deps.writer.flush();
    await deps.checkpoints.save(stanza.inputName, cursor, {
      tenantId: config.tenantId,
      api: config.api,
      alertsTotal,
    });
    savedCursor = cursor;
  };

  for await (const page of source.pages(initial.watermark)) {
    const written = collector.take(page.alerts);
    summary.pages += 1;
    summary.bytes += page.bytes;
    summary.events += written;
    alertsTotal += written;
    // Only while the service keeps ascending order is a page's end a safe place to save;
    // otherwise the run saves once, after its last page.
    if (collector.ordered) await save(collector.cursor);
    if (deps.stopping()) {
      summary.stopped = true;
      logger.warn("run stopping early", { reason: "stop requested", pages: summary.pages });
      break;
    }
  }
  if (!summary.stopped || collector.ordered) await save(collector.cursor);
  summary.duplicatesSkipped = collector.duplicates;

  logger.info("events ingested", {
    events: summary.events,
    pages: summary.pages,
    duplicates_skipped: summary.duplicatesSkipped,
    bytes: summary.bytes,
    alerts_total: alertsTotal,
    sourcetype: config.sourcetype,
    index: config.index ?? "default",
  });
  return summary;
}

/** Turns pages into events: de-duplicates against the cursor and within the run. */
function createCollector(
  stanza: Stanza,
  config: InputConfig,
  initial: Cursor,
  writer: EventWriter,
  logger: Logger,
) {
  const seen = new Set<string>();
  let cursor = initial;
  let ordered = true;
  let duplicates = 0;
  let latest = initial.watermark;
  const source = `${SCHEME}:${config.tenantId}`;

  const take = (alerts: Alert[]): number => {
    let written = 0;
    for (const alert of alerts) {
      const id = typeof alert["id"] === "string" ? alert["id"] : undefined;
      const raw = alert["lastUpdateTime"];
      const updated = typeof raw === "string" ? parseInstant(raw) : undefined;
      if (id === undefined || updated === undefined) {
        // Still written, whole: an alert is never dropped for a missing or odd field.
        logger.warn("alert without id or lastUpdateTime", {
          alert_id: id,
          last_update_time: String(raw),
        });
        writer.write({
          stanza: stanza.name,
          source,
          sourcetype: config.sourcetype,
          index: config.index,
          data: JSON.stringify(alert),
        });
        written += 1;
        continue;
      }
      const key = `${id}\u0000${updated}`;
      if (!isPending(initial, id, updated) || seen.has(key)) {
        duplicates += 1;
        continue;
      }
      seen.add(key);
      if (updated < latest) ordered = false;
      if (updated > latest) latest = updated;
      writer.write({
        stanza: stanza.name,
        time: epochSeconds(updated),
        source,
        sourcetype: config.sourcetype,
        index: config.index,
        data: JSON.stringify(alert),
      });
      cursor = advance(cursor, id, updated);
      written += 1;
    }
    return written;
  };

  return {
    take,
    get cursor() {
      return cursor;
    },
    get ordered() {
      return ordered;
    },
    get duplicates() {
      return duplicates;
    },
  };
}
