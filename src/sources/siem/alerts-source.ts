import { formatInstant, instantFromMs, type Instant } from "../../checkpoint/index.ts";
import { joinUrl } from "../../config/index.ts";
import { AddonError } from "../../errors.ts";
import type { HttpResponse } from "../../http/index.ts";
import { apiError } from "../mde/responses.ts";
import { collectPaced, type PageFormat, type SourceDeps } from "../paced-collect.ts";
import { readRecord } from "../records.ts";
import type { AlertRecord, AlertsSource } from "../types.ts";
import { readWindows } from "../windows.ts";

/**
 * The legacy SIEM exporter API (`GET /api/alerts?sinceTimeUtc&untilTimeUtc`), which Microsoft's
 * MSSP guide still describes: a bare JSON array of detections (several per alert, each with its
 * own `FullId`), filtered on `LastProcessedTimeUtc`, with no paging. The source reads closed
 * windows sized to about a page and reports each complete. The API is deprecated and may be
 * turned off; an answer that says so becomes API_RETIRED, naming the replacement.
 *
 * @throws AddonError API_RETIRED, API_* (after bounded retries), AUTH_*
 */
export function createSiemAlertsSource(
  deps: SourceDeps & { pageSize: number; nowMs: () => number },
): AlertsSource {
  const windowUrl = (from: Instant, to: Instant): URL => {
    const url = joinUrl(deps.apiUrl, "/api/alerts");
    url.search = `?sinceTimeUtc=${encodeURIComponent(formatInstant(from))}&untilTimeUtc=${encodeURIComponent(formatInstant(to))}`;
    return url;
  };
  const format: PageFormat = { shape: "array", idField: "FullId", toError: siemError };

  return {
    collect: (from, hooks) =>
      collectPaced(deps, hooks, format, async (requester) => {
        const now = instantFromMs(deps.nowMs());
        const span = { from, now, target: deps.pageSize, limit: deps.pageSize * 2 };
        await readWindows(span, hooks, deps.logger, async (start, end) => {
          const records: AlertRecord[] = [];
          await requester.fetch(windowUrl(start, end), (raw) => {
            records.push(readRecord(raw, "FullId", "LastProcessedTimeUtc"));
          });
          return {
            count: records.length,
            handOn: () => {
              for (const record of records) hooks.onAlert(record);
            },
          };
        });
      }),
  };
}

/**
 * The SIEM API's errors. 404 and 410 mean the endpoint is gone: Microsoft deprecated the API on
 * 31 December 2023 and may turn it off without notice (microsoft-apis.md §1).
 */
function siemError(res: HttpResponse, tenantId: string, scope: string): AddonError {
  if (res.status === 404 || res.status === 410) {
    return new AddonError(
      "API_RETIRED",
      `The legacy SIEM API answered HTTP ${res.status} for tenant ${tenantId}: it has been retired ` +
        "or the URL is wrong. Microsoft's replacement is Microsoft Graph security alerts_v2: set " +
        "the input's api to graph",
      { tenant_id: tenantId, status: res.status },
    );
  }
  return apiError(res, tenantId, scope);
}
