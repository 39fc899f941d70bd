import type { TokenProvider } from "../auth/index.ts";
import type { HttpClient } from "../http/index.ts";
import type { Logger } from "../log/index.ts";
import {
  createPageRequester,
  type PageRequester,
  type PageRequesterOptions,
} from "./fetch-page.ts";
import type { HeapKeeper } from "./heap-keeper.ts";
import type { Pacer } from "./pacer.ts";
import type { CollectHooks, CollectResult } from "./types.ts";

/** What every alerts source needs to read one tenant's API. */
export interface SourceDeps {
  http: HttpClient;
  tokens: TokenProvider;
  apiUrl: URL;
  tenantId: string;
  logger: Logger;
  sleep: (ms: number) => Promise<void>;
  pacer: Pacer;
  heap: HeapKeeper;
}

/** How one API's pages look and how it says no. */
export type PageFormat = Pick<PageRequesterOptions, "shape" | "idField" | "toError" | "headers">;

/**
 * Runs one collect of a source. `read` gets a page requester whose every call, retries included,
 * waits for the pacer, and whose pages and characters are counted into the result. The collect
 * ends early, with what was read so far, when the run's share of calls is used (`budget`) or when
 * splunkd asks the input to stop (`signal`). `read` just returns when `hooks.stopping()` holds; a
 * stop is reported whenever it holds at the end, so the run keeps only a cursor it knows to be
 * complete and never takes a cut-short read for the end of the data.
 *
 * @throws AddonError API_* (after the page requester's retries), AUTH_*, and what `read` throws
 */
export async function collectPaced(
  deps: SourceDeps,
  hooks: CollectHooks,
  format: PageFormat,
  read: (
    requester: PageRequester,
    progress: Readonly<Pick<CollectResult, "pages">>,
  ) => Promise<void>,
): Promise<CollectResult> {
  // Calls are the pacer's to count; why the collect ended is known only at the end.
  const progress = { pages: 0, bytes: 0 };
  const paced = createPageRequester({
    ...format,
    http: deps.http,
    heap: deps.heap,
    tokens: deps.tokens,
    tenantId: deps.tenantId,
    logger: deps.logger,
    sleep: deps.sleep,
    signal: hooks.signal,
    onOversize: (id, chars) => hooks.onOversize(id, chars),
    beforeCall: async () => {
      if (!(await deps.pacer.take())) throw new BudgetReached();
    },
  });
  const requester: PageRequester = {
    async fetch(url, onElement, onAttempt) {
      const page = await paced.fetch(url, onElement, onAttempt);
      progress.pages += 1;
      progress.bytes += page.chars;
      return page;
    },
  };
  const finish = (stoppedBy: CollectResult["stoppedBy"]): CollectResult => ({
    ...progress,
    calls: deps.pacer.calls,
    stoppedBy,
  });
  try {
    await read(requester, progress);
  } catch (error) {
    if (error instanceof BudgetReached) return finish("budget");
    if (hooks.signal.aborted) return finish("signal");
    throw error;
  }
  return finish(hooks.stopping() ? "signal" : undefined);
}

/** Thrown by a call inside a collect when this run's share of API calls is used up. */
class BudgetReached extends Error {}
