import type { HttpClient } from "./client.ts";

/**
 * An HttpClient whose real client is built on first use (or by `ready()`), for a client whose
 * options come from somewhere slow or fallible, such as the add-on's settings read through
 * splunkd. A failure to build is thrown by `ready()` and by every call, unchanged.
 */
export function createDeferredHttpClient(
  build: () => Promise<HttpClient>,
): HttpClient & { ready(): Promise<void> } {
  let built: Promise<HttpClient> | undefined;
  const client = (): Promise<HttpClient> => (built ??= build());

  return {
    async ready() {
      await client();
    },
    async send(req) {
      return (await client()).send(req);
    },
    async open(req) {
      return (await client()).open(req);
    },
    async close() {
      if (built === undefined) return;
      // A client that failed to build holds nothing to close.
      const real = await built.catch(() => undefined);
      await real?.close();
    },
  };
}
