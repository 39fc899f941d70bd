// The stand-ins behind the setup page: splunkd (with the add-on's modular input and its real
// Python REST handler), Splunk Web in front of it, Entra ID for the consent and sign-in round
// trips, and the Defender API with alerts per customer.
import { createHash, randomBytes, randomUUID } from "node:crypto";

import { Agent, request } from "undici";

import { generateAlerts } from "../../peers/defender/index.ts";
import { MDE } from "../../peers/entra/index.ts";
import { createSplunkWebPeer, type SplunkWebPeer } from "../../peers/splunkweb/index.ts";
import { createWorld, MSSP_CLIENT_ID, type World } from "../../support/world.ts";

export const SETUP_VIEW = "ta_defender_mssp_setup";
export const MDE_RESOURCE = MDE.identifierUris[0] ?? "https://api.securitycenter.microsoft.com";

export interface SetupWorld {
  world: World;
  web: SplunkWebPeer;
  /** The setup page's URL, registered as the app's redirect URI. */
  setupUrl: string;
  /** A customer tenant that has not consented, with an admin user and 30 alerts. */
  customer(): { tenantId: string; admin: string };
  /**
   * A refresh token for the MSSP app in a tenant, obtained outside the page the way Microsoft's
   * MSSP guide has the customer do it (authorization code with PKCE, redeemed with the secret).
   */
  refreshTokenFor(tenantId: string, user: string, secret: string): Promise<string>;
  close(): Promise<void>;
}

let customers = 0;

export async function startSetupWorld(): Promise<SetupWorld> {
  const world = await createWorld();
  world.splunkd.addModularInput("defender_alerts", world.runner);
  world.splunkd.setHandlerEnv({ NODE_EXTRA_CA_CERTS: world.tls.caPath });
  const web = await createSplunkWebPeer({ tls: world.tls, splunkd: world.splunkd });
  const setupUrl = web.viewUrl(SETUP_VIEW);
  world.entra.updateApp(MSSP_CLIENT_ID, {
    redirectUris: [setupUrl],
    requiredResourceAccess: [{ resource: MDE_RESOURCE, roles: ["Alert.Read.All"], scopes: ["Alert.Read"] }],
  });
  const agent = new Agent({ connect: { ca: world.tls.ca } });

  return {
    world,
    web,
    setupUrl,
    customer() {
      customers += 1;
      const tenantId = randomUUID();
      world.entra.addTenant(tenantId);
      const admin = `admin${customers}@customer${customers}.onmicrosoft.com`;
      world.entra.addUser({ tenantId, upn: admin, displayName: `Customer ${customers} admin`, admin: true });
      world.defender.seed(tenantId, generateAlerts({
        count: 30, tenantId: "x", seed: customers, startMs: Date.parse("2025-06-01T00:00:00Z"),
      }));
      return { tenantId, admin };
    },
    async refreshTokenFor(tenantId, user, secret) {
      const verifier = randomBytes(32).toString("base64url");
      const challenge = createHash("sha256").update(verifier).digest("base64url");
      const authorize = new URL(`${world.entra.url}/${tenantId}/oauth2/v2.0/authorize`);
      for (const [key, value] of Object.entries({
        client_id: MSSP_CLIENT_ID, response_type: "code", redirect_uri: setupUrl, response_mode: "query",
        scope: `${MDE_RESOURCE}/.default offline_access openid profile`, state: "script",
        code_challenge: challenge, code_challenge_method: "S256",
      })) authorize.searchParams.set(key, value);
      world.entra.signIn(user);
      const back = await request(authorize, { dispatcher: agent });
      await back.body.text();
      const code = new URL(String(back.headers["location"])).searchParams.get("code");
      if (code === null) throw new Error(`no code from the authorize page (${back.statusCode})`);
      const token = await request(`${world.entra.url}/${tenantId}/oauth2/v2.0/token`, {
        method: "POST",
        dispatcher: agent,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          client_id: MSSP_CLIENT_ID, client_secret: secret, grant_type: "authorization_code", code,
          redirect_uri: setupUrl, code_verifier: verifier, scope: `${MDE_RESOURCE}/.default offline_access`,
        }).toString(),
      });
      const answer = (await token.body.json()) as { refresh_token?: string };
      if (!answer.refresh_token) throw new Error(`no refresh token: ${JSON.stringify(answer)}`);
      return answer.refresh_token;
    },
    async close() {
      await agent.close();
      await web.close();
      await world.close();
    },
  };
}

/** One customer's alerts, as a first look: 30 generated alerts per tenant. */
export const ALERTS_PER_CUSTOMER = 30;
