import { AddonError } from "../../errors.ts";
import { formatInstant, type Instant } from "../../checkpoint/instant.ts";
import { joinUrl } from "../../config/index.ts";
import type { TokenProvider } from "../../auth/index.ts";
import type { HttpClient, HttpResponse } from "../../http/index.ts";
import { decideRetry } from "../../http/retry.ts";
import type { Logger } from "../../log/index.ts";
import { apiError, parseAlertPage } from "./responses.ts";

export type Alert = Record<string, unknown>;

export interface AlertPage {
  alerts: Alert[];
  /** Bytes of the response body, for throughput figures. */
  bytes: number;
}

export interface AlertsSource {
  /** Pages of alerts last updated at or after `from`, oldest first, following nextLink. */
  pages(from: Instant): AsyncGenerator<AlertPage>;
}

/**
 * The Defender for Endpoint alerts API: `GET /api/alerts` with
 * `$filter=lastUpdateTime ge <from>`, `$orderby=lastUpdateTime asc`, `$expand=evidence` and
 * `$top=<page size>`, then `@odata.nextLink` until there is none.
 *
 * @throws AddonError API_* (after bounded retries), AUTH_* from the token provider
 */
export function createMdeAlertsSource(deps: {
  http: HttpClient;
  tokens: TokenProvider;
  apiUrl: URL;
  pageSize: number;
  tenantId: string;
  logger: Logger;
  sleep: (ms: number) => Promise<void>;
}): AlertsSource {
  const { http, tokens, logger } = deps;

  const firstUrl = (from: Instant): URL => {
    const url = joinUrl(deps.apiUrl, "/api/alerts");
    // Built by hand: OData wants %20 between filter words, and `$` must stay literal.
    const filter = encodeURIComponent(`lastUpdateTime ge ${formatInstant(from)}`);
    const orderby = encodeURIComponent("lastUpdateTime asc");
    url.search = `?$filter=${filter}&$orderby=${orderby}&$expand=evidence&$top=${deps.pageSize}`;
    return url;
  };

  const fetchPage = async (url: URL): Promise<HttpResponse> => {
    for (let attempt = 1; ; attempt += 1) {
      const token = await tokens.getToken();
      let outcome: { response: HttpResponse } | { error: AddonError };
      try {
        const response = await http.send({
          method: "GET",
          url,
          headers: { authorization: `Bearer ${token.reveal()}`, accept: "application/json" },
        });
        if (response.status === 200) return response;
        outcome = { response };
      } catch (error) {
        if (!(error instanceof AddonError)) throw error;
        outcome = { error };
      }
      const decision = decideRetry(attempt, outcome);
      if (!decision.retry) {
        if ("error" in outcome) throw outcome.error;
        throw apiError(outcome.response, deps.tenantId, tokens.scope);
      }
      logger.warn("request retried", {
        host: url.host,
        attempt,
        reason: decision.reason,
        delay_ms: decision.delayMs,
      });
      await deps.sleep(decision.delayMs);
    }
  };

  return {
    async *pages(from) {
      let url: URL | undefined = firstUrl(from);
      let page = 0;
      while (url !== undefined) {
        page += 1;
        const response = await fetchPage(url);
        const parsed = parseAlertPage(response, deps.tenantId);
        logger.debug("page fetched", {
          page,
          alerts: parsed.alerts.length,
          bytes: response.body.length,
        });
        url = parsed.nextLink === undefined ? undefined : checkNextLink(parsed.nextLink, deps.apiUrl);
        yield { alerts: parsed.alerts, bytes: Buffer.byteLength(response.body) };
      }
    },
  };
}

// A nextLink gets the bearer token, so it may only point at the configured API host or another
// Defender API host of Microsoft's (the service may answer on a sibling host name).
const DEFENDER_HOSTS = /(^|\.)(securitycenter|security)\.microsoft\.(com|us)$/i;

function checkNextLink(link: string, apiUrl: URL): URL {
  let url: URL;
  try {
    url = new URL(link, apiUrl);
  } catch {
    throw new AddonError("API_RESPONSE_INVALID", "The API returned an @odata.nextLink that is not a URL");
  }
  const sameHost = url.host === apiUrl.host;
  if (url.protocol !== "https:" || (!sameHost && !DEFENDER_HOSTS.test(url.hostname))) {
    throw new AddonError(
      "API_RESPONSE_INVALID",
      `The API's @odata.nextLink points to ${url.host}, which is not a Defender API host; ` +
        "the token is not sent there",
      { host: url.host },
    );
  }
  return url;
}
