import { openTokenProvider } from "../auth/index.ts";
import type { OnboardAction } from "../auth/index.ts";
import { instantFromMs } from "../checkpoint/index.ts";
import { parseInputConfig } from "../config/index.ts";
import { createHeapKeeper } from "../sources/heap-keeper.ts";
import { createPacer } from "../sources/pacer.ts";
import { createSource } from "./run-input.ts";

const LOOKBACK_MS = 30 * 86_400_000;

/**
 * The setup page's "Test connection": with a tenant's input parameters, gets a token the way a
 * run does and makes one call to its alert API asking for one alert of the last 30 days. Nothing
 * is written and no checkpoint is touched. A failure throws the same coded error a run would,
 * so the page shows the same message and next step.
 *
 * @throws AddonError CONFIG_INVALID, ACCOUNT_NOT_FOUND, SECRET_NOT_FOUND, AUTH_*, API_*
 */
export const testConnection: OnboardAction = async (deps, _binding, params) => {
  const now = deps.nowMs();
  const config = parseInputConfig(params["input"] ?? "test-connection", { ...params, page_size: "1" }, now);
  const tokens = await openTokenProvider(config, deps);
  await tokens.getToken();

  // One call: a pacer that allows a single request ends the source after its first page.
  const pacer = createPacer({ minIntervalMs: 0, burst: 1, maxCalls: 1, nowMs: deps.nowMs, sleep: deps.sleep });
  const heap = createHeapKeeper({ logger: deps.logger });
  const source = createSource(config, { tokens, pacer, heap, logger: deps.logger, deps });
  let alerts = 0;
  const result = await source.collect(instantFromMs(now - LOOKBACK_MS), {
    onAlert: () => {
      alerts += 1;
    },
    onOversize: () => {
      alerts += 1;
    },
    onPageEnd: async () => {},
    stopping: () => false,
    signal: new AbortController().signal,
  });
  const read = alerts > 0 ? "read an alert of the last 30 days" : "found no alert of the last 30 days";
  return {
    outcome: "connected",
    tenant_id: config.tenantId,
    api: config.api,
    api_host: config.apiUrl.host,
    calls: String(result.calls),
    alerts_read: String(alerts),
    summary: `Connected to tenant ${config.tenantId}: got a token and ${read} from ${config.apiUrl.host}.`,
  };
};
