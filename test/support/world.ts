import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { Agent, request } from "undici";

import { createDefenderPeer, type Alert, type DefenderPeer } from "../peers/defender/index.ts";
import { AZURE_AD_GRAPH, createEntraPeer, MDE, MICROSOFT_GRAPH, type EntraPeer } from "../peers/entra/index.ts";
import { createGraphPeer, type GraphPeer } from "../peers/graph/index.ts";
import { createSiemPeer, type SiemPeer } from "../peers/siem/index.ts";
import {
  createInputRunner,
  createSplunkdPeer,
  type InputRunner,
  type SplunkdPeer,
} from "../peers/splunkd/index.ts";
import { createTestTls, type TestTls } from "./tls.ts";
import { makeTempDir } from "./temp.ts";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));
export const EXECUTABLE = join(REPO, "bin", "defender_alerts");
export const MSSP_CLIENT_ID = "5b7d1c1e-8f0a-4c55-9a61-0c6f1b2e3d4a";

/** The three stand-ins on loopback, the built input, and splunkd's runner for it. */
export interface World {
  tls: TestTls;
  entra: EntraPeer;
  defender: DefenderPeer;
  graph: GraphPeer;
  siem: SiemPeer;
  splunkd: SplunkdPeer;
  runner: InputRunner;
  /** Stores an account the way the setup page does: conf stanza + storage/passwords. */
  addAccount(name: string, secret: string, clientId?: string): Promise<void>;
  /** A customer tenant that consented to the MSSP app, seeded with alerts. */
  addTenant(alerts?: readonly Alert[], tenantId?: string): string;
  /** The stanza parameters of an input for a tenant, pointed at the stand-ins of its API. */
  params(tenantId: string, extra?: Record<string, string>): Record<string, string>;
  /** A splunkd REST call as admin, JSON out. */
  rest(method: "GET" | "POST" | "DELETE", path: string, form?: Record<string, string>): Promise<{ status: number; json: unknown }>;
  /**
   * Deletes the access token an input's runs keep between them (src/auth/stored-token.ts), as if
   * it had expired: the next run asks Entra ID. Tests that change what Entra ID answers need it,
   * because a kept token serves its hour whatever Entra ID would say now.
   */
  expireStoredToken(input: string): Promise<void>;
  close(): Promise<void>;
}

export async function createWorld(opts: { tls?: TestTls; rateLimits?: false } = {}): Promise<World> {
  if (!existsSync(EXECUTABLE)) {
    throw new Error(`${EXECUTABLE} is missing: run "npm run build" first (npm test does it)`);
  }
  const tls = opts.tls ?? createTestTls();
  const entra = await createEntraPeer({ tls });
  const defender = await createDefenderPeer({
    tls,
    verifyToken: (token) => entra.verifyAccessToken(token),
    ...(opts.rateLimits === false ? { rateLimits: false as const } : {}),
  });
  const verifyToken = (token: string) => entra.verifyAccessToken(token);
  const graph = await createGraphPeer({ tls, verifyToken, ...(opts.rateLimits === false ? { rateLimits: false as const } : {}) });
  const siem = await createSiemPeer({ tls, verifyToken });
  const splunkd = await createSplunkdPeer({ tls, appDir: REPO });
  const runner = createInputRunner({
    splunkd,
    executable: EXECUTABLE,
    scheme: "defender_alerts",
    checkpointDir: makeTempDir("ta-dm-modinputs-"),
    env: { NODE_EXTRA_CA_CERTS: tls.caPath },
  });
  const agent = new Agent({ connect: { ca: tls.ca } });
  const adminKey = splunkd.sessionKeyFor("admin");
  entra.registerApp({ clientId: MSSP_CLIENT_ID, displayName: "Contoso MSSP SIEM", secrets: [] });

  const rest: World["rest"] = async (method, path, form) => {
    const url = new URL(`/servicesNS/nobody/TA-defender-mssp/${path}`, splunkd.url);
    url.searchParams.set("output_mode", "json");
    const res = await request(url, {
      method,
      dispatcher: agent,
      headers: {
        authorization: `Splunk ${adminKey}`,
        ...(form === undefined ? {} : { "content-type": "application/x-www-form-urlencoded" }),
      },
      ...(form === undefined ? {} : { body: new URLSearchParams(form).toString() }),
    });
    const text = await res.body.text();
    return { status: res.statusCode, json: text === "" ? undefined : (JSON.parse(text) as unknown) };
  };

  return {
    tls,
    entra,
    defender,
    graph,
    siem,
    splunkd,
    runner,
    rest,
    async expireStoredToken(input) {
      const name = `input/${input}/access_token`;
      const doomed = splunkd.passwords().filter((p) => p.realm === "TA-defender-mssp" &&
        (p.username === name || p.username.startsWith(`${name}/`)));
      for (const entry of doomed) {
        const id = `TA-defender-mssp:${entry.username.replace(/\\/g, "\\\\").replace(/:/g, "\\:")}:`;
        const res = await rest("DELETE", `storage/passwords/${encodeURIComponent(id)}`);
        if (res.status !== 200) throw new Error(`deleting ${entry.username}: HTTP ${res.status}`);
      }
    },
    async addAccount(name, secret, clientId = MSSP_CLIENT_ID) {
      entra.setSecrets(clientId, [{ value: secret }]);
      const conf = await rest("POST", "configs/conf-ta_defender_mssp_account", { name, client_id: clientId });
      const stored = await rest("POST", "storage/passwords", {
        name: `account/${name}/client_secret`,
        realm: "TA-defender-mssp",
        password: secret,
      });
      if (conf.status !== 201 || stored.status !== 201) {
        throw new Error(`storing account ${name} failed: conf ${conf.status}, password ${stored.status}`);
      }
    },
    addTenant(alerts = [], tenantId = randomUUID()) {
      entra.addTenant(tenantId);
      entra.consent({
        tenantId,
        clientId: MSSP_CLIENT_ID,
        grants: [
          { resource: MDE.identifierUris[0] ?? "", roles: ["Alert.Read.All"] },
          { resource: MICROSOFT_GRAPH.identifierUris[0] ?? "", roles: ["SecurityAlert.Read.All"] },
          { resource: AZURE_AD_GRAPH.identifierUris[0] ?? "", roles: ["Directory.Read.All"] },
        ],
      });
      defender.seed(tenantId, alerts);
      return tenantId;
    },
    params(tenantId, extra = {}) {
      const api = extra["api"] ?? "mde";
      return {
        tenant_id: tenantId,
        account: "mssp",
        cloud: "custom",
        login_url: entra.url,
        api_url: api === "graph" ? graph.url : api === "siem" ? siem.url : defender.url,
        ...(api === "graph" ? { api_resource: "https://graph.microsoft.com" } : {}),
        ...(api === "siem" ? { api_resource: "https://graph.windows.net" } : {}),
        start_date: "2020-01-01",
        index: "mssp_alerts",
        interval: "300",
        ...extra,
      };
    },
    async close() {
      await agent.close();
      await Promise.all([entra.close(), defender.close(), graph.close(), siem.close(), splunkd.close()]);
    },
  };
}
