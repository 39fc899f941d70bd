import { AddonError } from "../errors.ts";
import type { TokenProvider } from "../auth/index.ts";
import type { HttpClient, HttpResponse } from "../http/index.ts";
import { decideRetry } from "../http/retry.ts";
import type { Logger } from "../log/index.ts";
import type { HeapKeeper } from "./heap-keeper.ts";
import { createPageScanner, type PageShape } from "./page-scanner.ts";

export interface PageRequester {
  /**
   * GETs one page and streams its alerts' JSON texts to `onElement` as they arrive. Transient
   * failures (connection loss, timeouts, 429/5xx, a truncated or non-JSON body) are retried with
   * backoff, honouring Retry-After; a retried page may hand the same elements again.
   *
   * @returns the page's other top-level fields (`@odata.nextLink`…) and its size in characters.
   * @throws AddonError API_* once retries are exhausted or for a non-transient answer.
   */
  fetch(
    url: URL,
    onElement: (raw: string) => void,
    /** Called before each attempt, so a reader can forget what a failed attempt handed it. */
    onAttempt?: () => void,
  ): Promise<{ fields: Record<string, unknown>; chars: number }>;
}

/** The largest alert written as one event (characters of JSON). Splunk holds an event in memory
 * whole; a larger one is reported by id and skipped, so it cannot stall the tenant. */
export const MAX_ALERT_CHARS = 50 * 1024 * 1024;

export interface PageRequesterOptions {
  http: HttpClient;
  tokens: TokenProvider;
  shape: PageShape;
  tenantId: string;
  logger: Logger;
  sleep: (ms: number) => Promise<void>;
  signal: AbortSignal;
  /** Waits for a call slot (rate pacing); called before every request, retries included. */
  beforeCall: () => Promise<void>;
  /** Turns a non-200 answer into the API's own error. */
  toError: (res: HttpResponse, tenantId: string, scope: string) => AddonError;
  headers?: Record<string, string>;
  /** The field that names an alert, to report one too large to write. */
  idField: string;
  onOversize: (id: string | undefined, chars: number) => void;
  /** Counts the page text read, for the run's full collections. */
  heap: HeapKeeper;
}

export function createPageRequester(deps: PageRequesterOptions): PageRequester {
  type Attempt = { response: HttpResponse } | { fields: Record<string, unknown>; chars: number };
  const attempt = async (url: URL, onElement: (raw: string) => void): Promise<Attempt> => {
    await deps.beforeCall();
    const token = await deps.tokens.getToken();
    const res = await deps.http.open({
      method: "GET",
      url,
      headers: { authorization: `Bearer ${token.reveal()}`, accept: "application/json", ...deps.headers },
      signal: deps.signal,
    });
    if (res.status !== 200) {
      return { response: { status: res.status, headers: res.headers, body: await res.text() } };
    }
    const scanner = createPageScanner(deps.shape, onElement, MAX_ALERT_CHARS, (head, chars) => {
      const id = new RegExp(`"${deps.idField}"\\s*:\\s*"([^"]{1,200})"`).exec(head)?.[1];
      deps.onOversize(id, chars);
    });
    let chars = 0;
    for await (const chunk of res.chunks()) {
      chars += chunk.length;
      scanner.write(chunk);
      deps.heap.read(chunk.length);
    }
    return { fields: scanner.end(), chars };
  };

  return {
    async fetch(url, onElement, onAttempt) {
      // A token the API refuses (401) is replaced once: it may be a stored one that was
      // revoked, or one issued before a change the API has already seen.
      let tokenReplaced = false;
      for (let n = 1; ; n += 1) {
        let outcome: { response: HttpResponse } | { error: AddonError };
        onAttempt?.();
        try {
          const result = await attempt(url, onElement);
          if (!("response" in result)) return result;
          outcome = result;
        } catch (error) {
          if (deps.signal.aborted) throw error;
          if (!(error instanceof AddonError)) throw error;
          outcome = { error };
        }
        if ("response" in outcome && outcome.response.status === 401 && !tokenReplaced) {
          tokenReplaced = true;
          deps.logger.warn("access token refused, asking Entra ID for a new one", { host: url.host, status: 401 });
          await deps.tokens.discard();
          continue;
        }
        const decision = decideRetry(n, outcome);
        if (!decision.retry) {
          if ("error" in outcome) throw outcome.error;
          throw deps.toError(outcome.response, deps.tenantId, deps.tokens.scope);
        }
        deps.logger.warn("request retried", {
          host: url.host,
          attempt: n,
          reason: decision.reason,
          delay_ms: decision.delayMs,
        });
        await deps.sleep(decision.delayMs);
      }
    },
  };
}
