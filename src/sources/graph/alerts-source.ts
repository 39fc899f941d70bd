import { formatInstant, instantFromMs, type Instant } from "../../checkpoint/index.ts";
import { joinUrl } from "../../config/index.ts";
import { checkNextLink } from "../mde/next-link.ts";
import { collectPaced, type PageFormat, type SourceDeps } from "../paced-collect.ts";
import { readRecord } from "../records.ts";
import type { AlertRecord, AlertsSource } from "../types.ts";
import { readWindows } from "../windows.ts";
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
export function createGraphAlertsSource(
  deps: SourceDeps & {
    pageSize: number;
    serviceSources: string[];
    filters: string[];
    nowMs: () => number;
  },
): AlertsSource {
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

  const format: PageFormat = {
    shape: "odata",
    idField: "id",
    toError: graphError,
    // Newer enum values (serviceSource, detectionSource) instead of unknownFutureValue.
    headers: { prefer: "include-unknown-enum-members" },
  };
  const read = (raw: string): AlertRecord => readRecord(raw, "id", "lastUpdateDateTime");

  return {
    collect: (from, hooks) =>
      collectPaced(deps, hooks, format, async (requester) => {
        const span = { from, now: instantFromMs(deps.nowMs()), target: top, limit: top };
        // The first page's $count tells whether the window fits in a page.
        await readWindows(span, hooks, deps.logger, async (start, end) => {
          const buffered: AlertRecord[] = [];
          const first = await requester.fetch(windowUrl(start, end), (raw) => {
            buffered.push(read(raw));
          });
          const counted = first.fields["@odata.count"];
          return {
            count: typeof counted === "number" ? counted : buffered.length,
            handOn: async () => {
              for (const record of buffered) hooks.onAlert(record);
              let link = nextLinkOf(first.fields, deps.apiUrl);
              while (link !== undefined) {
                // Only a single second with more alerts than a page gets here.
                await hooks.onPageEnd();
                const page = await requester.fetch(link, (raw) => hooks.onAlert(read(raw)));
                link = nextLinkOf(page.fields, deps.apiUrl);
              }
            },
          };
        });
      }),
  };
}

function nextLinkOf(fields: Record<string, unknown>, apiUrl: URL): URL | undefined {
  const link = fields["@odata.nextLink"];
  return typeof link === "string" && link !== "" ? checkNextLink(link, apiUrl, GRAPH_HOSTS) : undefined;
}
