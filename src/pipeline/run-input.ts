import { openTokenProvider } from "../auth/index.ts";
import {
  CHECKPOINT_COLLECTION,
  type CheckpointDocument,
  createCheckpointStore,
  type Cursor,
  queryFrom,
  type RecordedCheckpoint,
  startCursor,
} from "../checkpoint/index.ts";
import { parseInputConfig } from "../config/index.ts";
import { createRunHealth, type RunHealth } from "../health/index.ts";
import type { HttpClient } from "../http/index.ts";
import type { Logger } from "../log/index.ts";
import type { EventWriter, Stanza } from "../protocol/index.ts";
import { createGraphAlertsSource } from "../sources/graph/index.ts";
import { createMdeAlertsSource } from "../sources/mde/index.ts";
import { createHeapKeeper, type HeapKeeper } from "../sources/heap-keeper.ts";
import { callsPerRun, createPacer, type Pacer } from "../sources/pacer.ts";
import { createSiemAlertsSource } from "../sources/siem/index.ts";
import type { AlertsSource } from "../sources/types.ts";
import type { TokenProvider } from "../auth/index.ts";
import type { InputConfig } from "../config/index.ts";
import { createKvCollection, type PasswordStore, type SplunkdClient } from "../splunkd/index.ts";
import { createCollector } from "./collector.ts";

export interface RunDeps {
  splunkd: SplunkdClient;
  passwords: PasswordStore;
  /** splunkd's checkpoint directory for this scheme (the file copy of checkpoints). */
  checkpointDir: string;
  writer: EventWriter;
  /** The client for Microsoft's endpoints (login and API). */
  http: HttpClient;
  logger: Logger;
  nowMs: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Set when splunkd asks the input to stop: the run ends after the current page. */
  stopping: () => boolean;
  /** Aborted when splunkd asks the input to stop, to cut a page in flight. */
  signal: AbortSignal;
}

export interface RunSummary {
  events: number;
  pages: number;
  duplicatesSkipped: number;
  bytes: number;
  stoppedBy: "signal" | "budget" | undefined;
  /** The input's checkpoint after the run, as saved; undefined when it has none. */
  checkpoint: RecordedCheckpoint | undefined;
}

// Documented rate limits per tenant (microsoft-apis.md §2, §3): MDE 100 calls a minute and
// 1,500 an hour; Graph /security 150 a minute per app per tenant. The legacy SIEM API documents
// none; it is paced like MDE.
const RATE_LIMITS: Record<InputConfig["api"], { minIntervalMs: number; perMinute: number; perHour: number }> = {
  mde: { minIntervalMs: 600, perMinute: 100, perHour: 1500 },
  graph: { minIntervalMs: 400, perMinute: 150, perHour: 9000 },
  siem: { minIntervalMs: 600, perMinute: 100, perHour: 1500 },
};

/**
 * One run of one input (one customer tenant): load its checkpoint, get a token, read the alerts
 * updated since the checkpoint, write one event per alert version, and save the checkpoint only
 * after the events it covers are flushed to splunkd, so a crash at any point loses nothing.
 *
 * @throws AddonError from every layer; nothing has been saved past what was flushed.
 */
export async function runInput(stanza: Stanza, deps: RunDeps): Promise<RunSummary> {
  const config = parseInputConfig(stanza.inputName, stanza.params, deps.nowMs());
  const logger = deps.logger.child({ input: stanza.inputName, tenant_id: config.tenantId });
  // The tenant's health record is written at the end of every run, success or failure.
  const health = createRunHealth({ splunkd: deps.splunkd, input: config, nowMs: deps.nowMs, logger });
  try {
    const summary = await collectInput(stanza, config, logger, health, deps);
    await health.succeeded(summary.events, summary.checkpoint);
    return summary;
  } catch (error) {
    await health.failed(error);
    throw error;
  }
}

async function collectInput(
  stanza: Stanza,
  config: InputConfig,
  logger: Logger,
  health: RunHealth,
  deps: RunDeps,
): Promise<RunSummary> {
  logger.info("run started", {
    api: config.api,
    cloud: config.cloud,
    api_host: config.apiUrl.host,
    login_host: config.loginUrl.host,
    page_size: config.pageSize,
    account: config.account,
  });

  // Loads the credential and checks the tenant is not paused after a dead credential.
  const tokens = await openTokenProvider(config, { ...deps, logger, keepToken: true }, (fingerprint) =>
    health.guard(fingerprint));
  const lagTicks = BigInt(config.lagSeconds) * 10_000_000n;
  const checkpoints = createCheckpointStore({
    kv: createKvCollection<CheckpointDocument>(deps.splunkd, CHECKPOINT_COLLECTION),
    checkpointDir: deps.checkpointDir,
    nowMs: deps.nowMs,
    logger,
  });
  const saved = await checkpoints.load(stanza.inputName, lagTicks);
  const initial = saved?.cursor ?? startCursor(config.startFrom, lagTicks);
  const limits = RATE_LIMITS[config.api];
  const pacer = createPacer({
    minIntervalMs: limits.minIntervalMs,
    burst: 10,
    perMinute: limits.perMinute,
    maxCalls: callsPerRun(limits.perHour, config.intervalSeconds),
    nowMs: deps.nowMs,
    sleep: deps.sleep,
  });
  const heap = createHeapKeeper({ logger });
  const source = createSource(config, { tokens, pacer, heap, logger, deps });

  const collector = createCollector({ stanza, config, initial, writer: deps.writer, logger });
  let alertsTotal = saved?.alertsTotal ?? 0;
  let savedCursor: Cursor = initial;
  const save = async (cursor: Cursor | undefined): Promise<void> => {
    if (cursor === undefined || cursor === savedCursor) return;
    // Flush before saving the cursor, or a crash between the two loses the events.
    await deps.writer.flush();
    alertsTotal = (saved?.alertsTotal ?? 0) + collector.stats.events;
    await checkpoints.save(stanza.inputName, cursor, {
      tenantId: config.tenantId,
      api: config.api,
      alertsTotal,
    });
    savedCursor = cursor;
  };

  let result: Awaited<ReturnType<typeof source.collect>>;
  try {
    result = await source.collect(queryFrom(initial), {
      onAlert: (record) => collector.onAlert(record),
      onOversize: (id, chars) => collector.onOversize(id, chars),
      forgetBefore: (instant) => collector.forgetBefore(instant),
      onPageEnd: (completeBefore) =>
        save(completeBefore === undefined ? collector.cursorToSave() : collector.cursorAfterWindow(completeBefore)),
      stopping: deps.stopping,
      signal: deps.signal,
    });
  } catch (error) {
    // The events written before the failure are in splunkd; checkpoint the in-order part of
    // them so the next run does not write them again. Best effort: the failure is what matters.
    await save(collector.cursorToSave()).catch((saveError: unknown) => {
      logger.warn("checkpoint not saved after the failure", { error: saveError });
    });
    throw error;
  }
  // After the whole query, every version up to the newest is written, in order or not; after a
  // stop, only an in-order prefix is known to be complete.
  await save(result.stoppedBy === undefined ? collector.finalCursor() : collector.cursorToSave());

  const stats = collector.stats;
  if (result.stoppedBy === "budget") {
    logger.info("API call share of this run used, continuing next run", { calls: result.calls });
  }
  logger.info("events ingested", {
    events: stats.events,
    pages: result.pages,
    calls: result.calls,
    duplicates_skipped: stats.duplicates,
    without_id_or_time: stats.unplaced,
    too_large: stats.oversized,
    chars: result.bytes,
    full_collections: heap.collections,
    alerts_total: (saved?.alertsTotal ?? 0) + stats.events,
    checkpoint: saved?.from ?? "new",
    stopped_by: result.stoppedBy,
    sourcetype: config.sourcetype,
    index: config.index ?? "default",
  });
  return {
    events: stats.events,
    pages: result.pages,
    duplicatesSkipped: stats.duplicates,
    bytes: result.bytes,
    stoppedBy: result.stoppedBy,
    checkpoint: checkpoints.recorded(stanza.inputName),
  };
}

/** The source of the input's API. */
export function createSource(
  config: InputConfig,
  parts: {
    tokens: TokenProvider;
    pacer: Pacer;
    heap: HeapKeeper;
    logger: Logger;
    deps: Pick<RunDeps, "http" | "sleep" | "nowMs">;
  },
): AlertsSource {
  const { tokens, pacer, heap, logger, deps } = parts;
  const common = {
    http: deps.http,
    tokens,
    heap,
    apiUrl: config.apiUrl,
    tenantId: config.tenantId,
    logger,
    sleep: deps.sleep,
    pacer,
  };
  if (config.api === "graph") {
    return createGraphAlertsSource({
      ...common,
      pageSize: config.pageSize,
      serviceSources: config.serviceSources,
      filters: config.filters,
      nowMs: deps.nowMs,
    });
  }
  if (config.api === "siem") {
    return createSiemAlertsSource({ ...common, pageSize: config.pageSize, nowMs: deps.nowMs });
  }
  return createMdeAlertsSource({
    ...common,
    query: { pageSize: config.pageSize, evidence: config.evidence, filters: config.filters },
  });
}
