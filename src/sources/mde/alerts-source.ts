import { formatInstant, type Instant } from "../../checkpoint/index.ts";
import { joinUrl } from "../../config/index.ts";
import { collectPaced, type PageFormat, type SourceDeps } from "../paced-collect.ts";
import { readRecord } from "../records.ts";
import type { AlertRecord, AlertsSource } from "../types.ts";
import { checkNextLink } from "./next-link.ts";
import { apiError } from "./responses.ts";

export interface MdeQueryOptions {
  pageSize: number;
  /** `$expand=evidence`. */
  evidence: boolean;
  /** Extra `$filter` clauses, already valid OData, joined with `and`. */
  filters: string[];
}

/**
 * The Defender for Endpoint alerts API, `GET /api/alerts`, read by keyset paging: each request
 * asks for `lastUpdateTime ge <newest time seen so far>` in ascending order, `$top` at a time.
 * Unlike following `$skip` links, this loses nothing when alerts change while a backlog is
 * paged (an updated alert moves to the end instead of shifting the pages under the reader).
 * Ties wider than a page are read with `eq` and `$skip`. If the service ever answers out of
 * order, the source stops relying on order and follows `@odata.nextLink` to the end instead.
 *
 * @throws AddonError API_* (after bounded retries), AUTH_*
 */
export function createMdeAlertsSource(deps: SourceDeps & { query: MdeQueryOptions }): AlertsSource {
  const { query, logger } = deps;

  const pageUrl = (filter: string, skip = 0): URL => {
    const url = joinUrl(deps.apiUrl, "/api/alerts");
    const clauses = [filter, ...query.filters.map((f) => `(${f})`)].join(" and ");
    // Built by hand: OData wants %20 between filter words, and `$` must stay literal.
    const parts = [
      `$filter=${encodeURIComponent(clauses)}`,
      `$orderby=${encodeURIComponent("lastUpdateTime asc")}`,
      ...(query.evidence ? ["$expand=evidence"] : []),
      `$top=${query.pageSize}`,
      ...(skip > 0 ? [`$skip=${skip}`] : []),
    ];
    url.search = `?${parts.join("&")}`;
    return url;
  };

  const format: PageFormat = { shape: "odata", idField: "id", toError: apiError };

  return {
    collect: (from, hooks) =>
      collectPaced(deps, hooks, format, async (requester, progress) => {
        // One page: hand each alert on, and report what keyset paging needs to go on.
        const readPage = async (url: URL) => {
          let count = 0;
          let newest: Instant | undefined;
          let oldest: Instant | undefined;
          let ordered = true;
          let previous: Instant | undefined;
          const { fields, chars } = await requester.fetch(
            url,
            (raw) => {
              const record: AlertRecord = readRecord(raw, "id", "lastUpdateTime");
              count += 1;
              if (record.updated !== undefined) {
                if (previous !== undefined && record.updated < previous) ordered = false;
                previous = record.updated;
                if (newest === undefined || record.updated > newest) newest = record.updated;
                if (oldest === undefined || record.updated < oldest) oldest = record.updated;
              }
              hooks.onAlert(record);
            },
            () => {
              // A retried page starts over: what a cut-short attempt handed on says nothing about
              // order (the receiver skips the repeats).
              count = 0;
              newest = undefined;
              oldest = undefined;
              previous = undefined;
              ordered = true;
            },
          );
          logger.debug("page fetched", { page: progress.pages, alerts: count, chars });
          await hooks.onPageEnd();
          const link = fields["@odata.nextLink"];
          const nextLink = typeof link === "string" && link !== "" ? checkNextLink(link, deps.apiUrl) : undefined;
          return { count, newest, oldest, ordered, nextLink };
        };

        let lowerBound = from;
        let strictlyAfter = false;
        while (!hooks.stopping()) {
          const op = strictlyAfter ? "gt" : "ge";
          // Keyset paging never goes back: this request and every later one start here.
          hooks.forgetBefore?.(lowerBound);
          const page = await readPage(pageUrl(`lastUpdateTime ${op} ${formatInstant(lowerBound)}`));
          const more = page.count >= query.pageSize || page.nextLink !== undefined;
          if (!more || page.newest === undefined) return;
          if (!page.ordered) {
            logger.warn("alerts not in ascending order, following nextLink", { page: progress.pages });
            await followLinks(page.nextLink, readPage, hooks.stopping);
            return;
          }
          if (page.newest > lowerBound) {
            lowerBound = page.newest;
            strictlyAfter = false;
            if (page.oldest === page.newest && page.count >= query.pageSize) {
              // The whole page is one instant: read that instant's tie with $skip, then move past it.
              await readTie(lowerBound, query.pageSize, pageUrl, readPage, hooks.stopping);
              strictlyAfter = true;
            }
            continue;
          }
          await readTie(lowerBound, query.pageSize, pageUrl, readPage, hooks.stopping);
          strictlyAfter = true;
        }
      }),
  };
}

/** Reads every alert updated at exactly `at`, a page at a time, skipping the first page. */
async function readTie(
  at: Instant,
  pageSize: number,
  pageUrl: (filter: string, skip?: number) => URL,
  readPage: (url: URL) => Promise<{ count: number }>,
  stopping: () => boolean,
): Promise<void> {
  for (let skip = pageSize; ; skip += pageSize) {
    if (stopping()) return;
    const page = await readPage(pageUrl(`lastUpdateTime eq ${formatInstant(at)}`, skip));
    if (page.count < pageSize) return;
  }
}

async function followLinks(
  first: URL | undefined,
  readPage: (url: URL) => Promise<{ nextLink: URL | undefined }>,
  stopping: () => boolean,
): Promise<void> {
  let link = first;
  while (link !== undefined && !stopping()) link = (await readPage(link)).nextLink;
}

