// The onboarding end-to-end harness: the world of stand-ins, the built executable's `--onboard`
// (as the REST handler in bin/ starts it), and a browser that follows Entra's pages.
import { spawn } from "node:child_process";
import { createHash, randomBytes, randomUUID } from "node:crypto";

import { Agent, request } from "undici";

import { createOAuthClient, createSecretStore } from "../../../src/auth/index.ts";
import { createHttpClient } from "../../../src/http/index.ts";
import { Secret } from "../../../src/log/index.ts";
import { createSplunkdClient } from "../../../src/splunkd/index.ts";
import { generateAlerts, type Alert } from "../../peers/defender/index.ts";
import { MDE } from "../../peers/entra/index.ts";
import { SYSTEM_USER } from "../../peers/splunkd/index.ts";
import { makeTempDir } from "../../support/temp.ts";
import { createWorld, EXECUTABLE, MSSP_CLIENT_ID, type World } from "../../support/world.ts";

export const REDIRECT_URI = "https://splunk.mssp.example/en-US/app/TA-defender-mssp/onboarding";
export const MDE_RESOURCE = MDE.identifierUris[0] ?? "https://api.securitycenter.microsoft.com";

export interface OnboardAnswer {
  status: number;
  payload: Record<string, unknown>;
  stderr: string;
  stdout: string;
}

export interface OnboardingWorld {
  world: World;
  /** The custom cloud that points onboarding at the Entra stand-in. */
  cloud(): { cloud: string; login_url: string };
  /** Every session key handed to `--onboard` so far (for the secrets scan). */
  sessionKeys(): string[];
  /** A Splunk admin's session key (a browser session of Splunk Web). */
  session(): string;
  /** `defender_alerts --onboard` with one action, as the REST handler runs it. */
  onboard(action: string, params: Record<string, string>, session?: string, user?: string): Promise<OnboardAnswer>;
  /** A stored secret (any length), read the way the add-on reads it. */
  stored(name: string): Promise<string | undefined>;
  /**
   * A delegated sign-in done in this process (the add-on's own OAuth client and secret store),
   * for tests about what comes after it; `--onboard` is tested on its own.
   */
  signInDirect(input: string, tenantId: string, admin: string, clientSecret: string): Promise<void>;
  /** Runs the executable once with several stanzas, as one process (splunkd's input document). */
  runStanzas(stanzas: Record<string, Record<string, string>>): Promise<{ exitCode: number | null; stdout: string; stderr: string[] }>;
  /** A customer tenant that has not consented yet, with an admin user and alerts. */
  customer(alerts?: readonly Alert[]): { tenantId: string; admin: string };
  /** Opens an Entra page as the browser does and returns the redirect's query. */
  follow(url: string): Promise<URLSearchParams>;
  close(): Promise<void>;
}

let customers = 0;

export async function startOnboardingWorld(): Promise<OnboardingWorld> {
  const world = await createWorld();
  world.entra.updateApp(MSSP_CLIENT_ID, {
    redirectUris: [REDIRECT_URI],
    requiredResourceAccess: [
      { resource: MDE_RESOURCE, roles: ["Alert.Read.All"], scopes: ["Alert.Read"] },
      { resource: "https://graph.windows.net", scopes: ["User.Read"] },
    ],
  });
  const agent = new Agent({ connect: { ca: world.tls.ca } });
  const microsoftHttp = createHttpClient({ ca: [world.tls.ca], userAgent: "test", unreachableCode: "API_UNREACHABLE" });
  const checkpointDir = makeTempDir("ta-dm-onboarding-");
  const splunkdHttp = createHttpClient({ ca: [world.tls.ca], userAgent: "test", unreachableCode: "SPLUNKD_UNREACHABLE" });
  const secrets = createSecretStore({
    splunkd: createSplunkdClient({
      http: splunkdHttp, serverUri: world.splunkd.url, sessionKey: new Secret(world.splunkd.sessionKeyFor("admin")),
      app: "TA-defender-mssp",
    }),
    realm: "TA-defender-mssp",
    nowMs: Date.now,
  });
  let defaultSession: string | undefined;
  const sessions = new Set<string>();

  const onboard: OnboardingWorld["onboard"] = (action, params, session, user = "admin") =>
    new Promise((resolve, reject) => {
      const child = spawn(EXECUTABLE, ["--onboard"], {
        stdio: ["pipe", "pipe", "pipe"],
        env: { ...process.env, NODE_EXTRA_CA_CERTS: world.tls.caPath },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      child.on("error", reject);
      child.on("close", (code) => {
        try {
          const answer = JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as { status: number; payload: Record<string, unknown> };
          if (code !== 0) throw new Error(`exit code ${String(code)}`);
          resolve({ ...answer, stderr, stdout });
        } catch (error) {
          reject(new Error(`--onboard ${action} gave no answer (${String(error)}): ${stdout} ${stderr}`));
        }
      });
      defaultSession ??= world.splunkd.sessionKeyFor("admin");
      sessions.add(session ?? defaultSession);
      child.stdin.end(JSON.stringify({
        server_uri: world.splunkd.url, session_key: session ?? defaultSession, user, action, params,
      }));
    });

  const follow = async (url: string): Promise<URLSearchParams> => {
    const res = await request(url, { method: "GET", dispatcher: agent });
    const text = await res.body.text();
    const location = res.headers["location"];
    if (res.statusCode !== 302 || typeof location !== "string") {
      throw new Error(`the browser stayed on ${url}: ${res.statusCode} ${text}`);
    }
    const next = new URL(location);
    if (`${next.origin}${next.pathname}` !== REDIRECT_URI) throw new Error(`redirected elsewhere: ${location}`);
    return next.searchParams;
  };

  return {
    world,
    cloud: () => ({ cloud: "custom", login_url: world.entra.url }),
    sessionKeys: () => [...sessions],
    session: () => {
      const key = world.splunkd.sessionKeyFor("admin");
      sessions.add(key);
      return key;
    },
    onboard,
    customer(alerts) {
      customers += 1;
      const tenantId = randomUUID();
      world.entra.addTenant(tenantId);
      const admin = `admin${customers}@customer${customers}.onmicrosoft.com`;
      world.entra.addUser({ tenantId, upn: admin, displayName: `Customer ${customers} admin`, admin: true });
      world.defender.seed(tenantId, alerts ?? generateAlerts({
        count: 30, tenantId: "x", seed: customers, startMs: Date.parse("2025-06-01T00:00:00Z"),
      }));
      return { tenantId, admin };
    },
    stored: async (name) => (await secrets.read(name))?.reveal(),
    async signInDirect(input, tenantId, admin, clientSecret) {
      const verifier = randomBytes(32).toString("base64url");
      world.entra.signIn(admin);
      const start = new URL(`${world.entra.url}/${tenantId}/oauth2/v2.0/authorize`);
      for (const [key, value] of Object.entries({
        client_id: MSSP_CLIENT_ID, response_type: "code", redirect_uri: REDIRECT_URI,
        scope: `${MDE_RESOURCE}/.default offline_access openid`, state: "direct",
        code_challenge: createHash("sha256").update(verifier).digest("base64url"), code_challenge_method: "S256",
      })) start.searchParams.set(key, value);
      const code = (await follow(start.href)).get("code") ?? "";
      const tokens = await createOAuthClient({
        http: microsoftHttp, loginUrl: new URL(world.entra.url), tenantId, protocol: "v2", resource: MDE_RESOURCE,
        app: { kind: "client_secret", clientId: MSSP_CLIENT_ID, secret: new Secret(clientSecret) }, nowMs: Date.now,
      }).redeemCode({ code: new Secret(code), redirectUri: REDIRECT_URI, codeVerifier: new Secret(verifier) });
      if (tokens.refreshToken === undefined) throw new Error("no refresh token");
      await secrets.write(`input/${input}/refresh_token`, tokens.refreshToken);
    },
    runStanzas(stanzas) {
      const xml = (text: string): string =>
        text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
      const document = [
        "<input>", `<server_host>${xml(world.splunkd.serverName)}</server_host>`,
        `<server_uri>${xml(world.splunkd.url)}</server_uri>`,
        `<session_key>${xml(world.splunkd.sessionKeyFor(SYSTEM_USER))}</session_key>`,
        `<checkpoint_dir>${xml(checkpointDir)}</checkpoint_dir>`, "<configuration>",
        ...Object.entries(stanzas).map(([name, params]) => [
          `<stanza name="defender_alerts://${xml(name)}" app="TA-defender-mssp">`,
          ...Object.entries(params).map(([key, value]) => `<param name="${xml(key)}">${xml(value)}</param>`),
          "</stanza>",
        ].join("")),
        "</configuration>", "</input>",
      ].join("\n");
      return new Promise((resolve, reject) => {
        const child = spawn(EXECUTABLE, [], { env: { ...process.env, NODE_EXTRA_CA_CERTS: world.tls.caPath } });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
        child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
        child.on("error", reject);
        child.on("close", (exitCode) => resolve({ exitCode, stdout, stderr: stderr.split("\n").filter((l) => l !== "") }));
        child.stdin.end(document);
      });
    },
    follow,
    async close() {
      await agent.close();
      await splunkdHttp.close();
      await microsoftHttp.close();
      await world.close();
    },
  };
}
