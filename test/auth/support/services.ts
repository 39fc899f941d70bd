// In-process clients of the stand-ins, for the auth and health unit tests: a splunkd client as
// the product builds it (session key of `admin`), and an HTTP client trusting the test CA.
import { APP_ID } from "../../../src/app-info.ts";
import { createHttpClient, type HttpClient } from "../../../src/http/index.ts";
import { Secret } from "../../../src/log/index.ts";
import { createSplunkdClient, type SplunkdClient } from "../../../src/splunkd/index.ts";
import { createSplunkdPeer, type SplunkdPeer } from "../../peers/splunkd/index.ts";
import { createTestTls, type TestTls } from "../../support/tls.ts";
import { REPO } from "../../support/world.ts";

export interface Services {
  tls: TestTls;
  splunkd: SplunkdPeer;
  client: SplunkdClient;
  /** For Microsoft's endpoints (the Entra stand-in). */
  http: HttpClient;
  close(): Promise<void>;
}

export async function startServices(tls: TestTls = createTestTls()): Promise<Services> {
  const splunkd = await createSplunkdPeer({ tls, appDir: REPO });
  const splunkdHttp = createHttpClient({ ca: [tls.ca], userAgent: "test", unreachableCode: "SPLUNKD_UNREACHABLE" });
  const http = createHttpClient({ ca: [tls.ca], userAgent: "test", unreachableCode: "API_UNREACHABLE" });
  const client = createSplunkdClient({
    http: splunkdHttp, serverUri: splunkd.url, sessionKey: new Secret(splunkd.sessionKeyFor("admin")), app: APP_ID,
  });
  return {
    tls, splunkd, client, http,
    async close() {
      await Promise.all([splunkdHttp.close(), http.close()]);
      await splunkd.close();
    },
  };
}
