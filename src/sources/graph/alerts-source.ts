import { formatInstant, instantFromMs, type Instant } from "../../checkpoint/index.ts";
import { joinUrl } from "../../config/index.ts";
import type { TokenProvider } from "../../auth/index.ts";
import type { HttpClient } from "../../http/index.ts";
import type { Logger } from "../../log/index.ts";
import { createPageRequester } from "../fetch-page.ts";
import type { HeapKeeper } from "../heap-keeper.ts";
import { checkNextLink } from "../mde/next-link.ts";
import type { Pacer } from "../pacer.ts";
import { readRecord } from "../records.ts";
import type { AlertRecord, AlertsSource, CollectResult } from "../types.ts";
import { createWindowSizer, MIN_WINDOW } from "../windows.ts";
import { graphError } from "./responses.ts";

/** Graph alerts_v2 returns at most 1,000 alerts a page, whatever `$top` asks (item 7 of the
 * peer failure modes). */
export const GRAPH_MAX_TOP = 1000;

const GRAPH_HOSTS = /(^|\.)(graph\.microsoft\.com|graph\.microsoft\.us|dod-graph\.microsoft\.us)$/i;

/**
 * Microsoft Graph `GET /v1.0/security/alerts_v2`, limited by default to Defender for Endpoint
 * (`serviceSource eq 'microsoftDefenderForEndpoint'`). Graph documents only `$count`, `$filter`,
 * `$skip` and `$top` for this list and returns the newest first, so the source reads closed time
 * windows `[from, to)` on `lastUpdateDateTime` instead of relying on order, each sized by
 * `@odata.count` to about one page, and reports each window complete once read.
 *
 * @throws AddonError API_* (after bounded retries), AUTH_*
 */
export function createGraphAlertsSource(deps: {
  http: HttpClient;
  tokens: TokenProvider;
  apiUrl: URL;
  pageSize: number;
  serviceSources: string[];
  filters: string[];
  tenantId: string;
  logger: Logger;
  nowMs: () => number;
  sleep: (ms: number) => Promise<void>;
  pacer: Pacer;
  heap: HeapKeeper;
}): AlertsSource {
  const top = Math.min(deps.pageSize, GRAPH_MAX_TOP);

  const windowUrl = (from: Instant, to: Instant): URL => {
    const url = joinUrl(deps.apiUrl, "/v1.0/security/alerts_v2");
    const sources = deps.serviceSources.map((s) => `serviceSource eq '${s}'`).join(" or ");
    const clauses = [
      `lastUpdateDateTime ge ${formatInstant(from)}`,
      `lastUpdateDateTime lt ${formatInstant(to)}`,
      ...(sources === "" ? [] : [`(${sources})`]),
      ...deps.filters.map((f) => `(${f})`),
    ];
    url.search = `?$filter=${encodeURIComponent(clauses.join(" and "))}&$top=${top}&$count=true`;
    return url;
  };

  return {
    async collect(from, hooks) {
      const result: CollectResult = { pages: 0, calls: 0, bytes: 0, stoppedBy: undefined };
      let budgetUsed = false;
      const requester = createPageRequester({
        http: deps.http,
        heap: deps.heap,
        tokens: deps.tokens,
        shape: "odata",
        tenantId: deps.tenantId,
        logger: deps.logger,
        sleep: deps.sleep,
        signal: hooks.signal,
        idField: "id",
        onOversize: (id, chars) => hooks.onOversize(id, chars),
        beforeCall: async () => {
          if (!(await deps.pacer.take())) {
            budgetUsed = true;
            throw new Error("budget");
          }
        },
        toError: graphError,
        // Newer enum values (serviceSource, detectionSource) instead of unknownFutureValue.
        headers: { prefer: "include-unknown-enum-members" },
      });
      const now = instantFromMs(deps.nowMs());
      const sizer = createWindowSizer(now - from);
      let start = from;

      const finish = (why: CollectResult["stoppedBy"]): CollectResult => ({ ...result, calls: deps.pacer.calls, stoppedBy: why });
      try {
        while (start < now) {
          if (hooks.stopping()) return finish("signal");
          const end = start + sizer.size > now ? now : start + sizer.size;
          // A first look with $count tells whether the window fits in a page; if not, it is
          // shrunk before anything of it is written (the receiver would repeat it after a crash).
          const buffered: AlertRecord[] = [];
          const first = await requester.fetch(windowUrl(start, end), (raw) => {
            buffered.push(readRecord(raw, "id", "lastUpdateDateTime"));
          });
          result.pages += 1;
          result.bytes += first.chars;
          const count = typeof first.fields["@odata.count"] === "number" ? first.fields["@odata.count"] : buffered.length;
          sizer.observe(count, top);
          if (count > top && end - start > MIN_WINDOW) {
            deps.logger.debug("window shrunk", { alerts: count, seconds: Number((end - start) / 10_000_000n) });
            continue;
          }
          for (const record of buffered) hooks.onAlert(record);
          let link = nextLinkOf(first.fields, deps.apiUrl);
          while (link !== undefined) {
            // Only a single second with more alerts than a page gets here.
            await hooks.onPageEnd();
            const page = await requester.fetch(link, (raw) => hooks.onAlert(readRecord(raw, "id", "lastUpdateDateTime")));
            result.pages += 1;
            result.bytes += page.chars;
            link = nextLinkOf(page.fields, deps.apiUrl);
          }
          await hooks.onPageEnd(end);
          start = end;
        }
      } catch (error) {
        if (budgetUsed) return finish("budget");
        if (hooks.signal.aborted) return finish("signal");
        throw error;
      }
      return finish(undefined);
    },
  };
}

function nextLinkOf(fields: Record<string, unknown>, apiUrl: URL): URL | undefined {
  const link = fields["@odata.nextLink"];
  return typeof link === "string" && link !== "" ? checkNextLink(link, apiUrl, GRAPH_HOSTS) : undefined;
}
