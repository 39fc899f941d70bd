import { APP_ID, USER_AGENT } from "../app-info.ts";
import { CHECKPOINT_COLLECTION, createCheckpointStore, type CheckpointDocument } from "../checkpoint/index.ts";
import { createHttpClient, type HttpClient, splunkCaFile, trustedCas } from "../http/index.ts";
import type { InputDefinition } from "../protocol/index.ts";
import {
  createKvCollection,
  createPasswordStore,
  createSplunkdClient,
  type PasswordStore,
  type SplunkdClient,
} from "../splunkd/index.ts";
import type { CheckpointStore } from "../checkpoint/index.ts";

/** Everything a run talks to, built once per process from splunkd's document. */
export interface Environment {
  splunkd: SplunkdClient;
  passwords: PasswordStore;
  checkpoints: CheckpointStore;
  http: HttpClient;
  close(): Promise<void>;
}

export function createEnvironment(definition: InputDefinition, nowMs: () => number): Environment {
  // splunkd's management port is on this host; its default certificate is signed by splunkd's
  // own CA and names no host, so loopback connections check the chain but not the name.
  const splunkdHttp = createHttpClient({
    ca: trustedCas(splunkCaFile()),
    relaxLoopbackNames: true,
    userAgent: USER_AGENT,
    timeoutMs: 30_000,
    unreachableCode: "SPLUNKD_UNREACHABLE",
  });
  // TODO(#3): proxy settings and a custom CA bundle from the add-on's settings.
  const microsoftHttp = createHttpClient({
    ca: trustedCas(),
    userAgent: USER_AGENT,
    timeoutMs: 60_000,
    unreachableCode: "API_UNREACHABLE",
  });
  const splunkd = createSplunkdClient({
    http: splunkdHttp,
    serverUri: definition.serverUri,
    sessionKey: definition.sessionKey,
    app: APP_ID,
  });
  return {
    splunkd,
    passwords: createPasswordStore(splunkd),
    checkpoints: createCheckpointStore(
      createKvCollection<CheckpointDocument>(splunkd, CHECKPOINT_COLLECTION),
      nowMs,
    ),
    http: microsoftHttp,
    async close() {
      await Promise.all([splunkdHttp.close(), microsoftHttp.close()]);
    },
  };
}
