// The setup page in a real browser (Debian's Chromium, driven by playwright-core) against the
// Splunk Web stand-in, which serves the view and its bundle and proxies to the splunkd stand-in;
// splunkd runs the add-on's real REST handler (Python) and its input's validation, and Entra ID's
// stand-in answers the consent and sign-in round trips. Every screen is saved under
// test-artifacts/screenshots/.
import assert from "node:assert/strict";
import { createHash, X509Certificate } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import type { Browser, BrowserContext, Page } from "playwright-core";

import { createAppCertificate } from "../peers/entra/certificates.ts";
import { makeTempDir } from "../support/temp.ts";
import { MSSP_CLIENT_ID } from "../support/world.ts";
import { browserMissing, clearScreenshots, launchBrowser, newPage, screenshot } from "./support/browser.ts";
import {
  ADMIN, choose, details, openTab, outcome, recordProxyBodies, signInToSplunk, tenantRow,
} from "./support/page-helpers.ts";
import { SETUP_VIEW, startSetupWorld, type SetupWorld } from "./support/setup-world.ts";

// What the functions run inside the page use of the browser's globals (this project's types are
// Node's, without the DOM library).
declare const document: { activeElement: unknown; cookie: string; documentElement: { scrollWidth: number } };
declare const window: { innerWidth: number };

const SECRET = "mssp-secret~Vq7.known-value-1";
const WRONG_SECRET = "mssp-secret~wrong-value-2";
const HEALTH = "ta_defender_mssp_health";

describe("the setup page in Chromium", { skip: browserMissing() }, () => {
  let s: SetupWorld;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let bodies: string[];
  const customers: Record<string, { tenantId: string; admin: string }> = {};

  before(async () => {
    clearScreenshots();
    s = await startSetupWorld();
    s.world.entra.setSecrets(MSSP_CLIENT_ID, [{ value: SECRET }]);
    browser = await launchBrowser(s.world.tls);
    ({ context, page } = await newPage(browser));
    bodies = recordProxyBodies(page);
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  const inputs = () => s.world.splunkd.conf("inputs");
  const passwords = () => s.world.splunkd.passwords().map((p) => p.username).sort();

  it("first-time setup: the app opens on the setup page, which registers the MSSP app and marks the app configured", async () => {
    await page.goto(`${s.web.url}/en-US/app/TA-defender-mssp/`);
    await signInToSplunk(page, ADMIN);
    await page.waitForURL(new RegExp(`/app/TA-defender-mssp/${SETUP_VIEW}$`));
    await page.getByRole("heading", { name: /MSSP: setup/ }).waitFor();
    await page.getByText("First-time setup").waitFor();
    await screenshot(page, "01-first-time-setup");

    await page.getByLabel("Application (client) ID").fill(MSSP_CLIENT_ID);
    await choose(page, page, "Cloud", "Custom (explicit URLs)");
    await page.getByLabel("Login URL").fill(s.world.entra.url);
    await page.getByLabel("Client secret").fill(SECRET);
    await page.getByRole("button", { name: "Save app registration" }).click();
    await outcome(page).getByText(/Saved\. The client secret is stored/).waitFor();
    await page.getByText("A client secret is set.").waitFor();
    await screenshot(page, "02-app-registered");

    const account = s.world.splunkd.conf("ta_defender_mssp_account")["mssp"];
    assert.deepEqual([account?.["client_id"], account?.["credential_type"], account?.["cloud"], account?.["login_url"]],
      [MSSP_CLIENT_ID, "client_secret", "custom", s.world.entra.url]);
    assert.deepEqual(passwords(), ["account/mssp/client_secret"]);
    assert.equal(s.world.splunkd.conf("app")["install"]?.["is_configured"], "true");
    assert.ok(s.web.proxied.some((c) => c.method === "POST" && c.path.endsWith("/apps/local/TA-defender-mssp/_reload") && c.status === 200));
    // The secret field is empty again and the page never received the stored value.
    assert.equal(await page.getByLabel("Client secret").inputValue(), "");
    assert.ok(bodies.length > 5 && bodies.every((body) => !body.includes(SECRET)));

    // Once configured, the app opens on its home view; the setup page is in its navigation.
    await page.goto(`${s.web.url}/en-US/app/TA-defender-mssp/`);
    await page.waitForURL(/\/mssp_overview$/);
    await page.getByRole("navigation", { name: "App navigation" }).getByRole("link", { name: "Setup" }).click();
    await page.waitForURL(new RegExp(`/${SETUP_VIEW}$`));
    await page.getByRole("tab", { name: /Tenants/ }).waitFor();
    assert.equal(await page.getByText("First-time setup").count(), 0);
  });

  it("proxy settings go to the settings conf, the password only to storage/passwords", async () => {
    await openTab(page, "Proxy");
    await page.getByLabel("Proxy host").fill("proxy.corp.example");
    await page.getByLabel("Proxy port").fill("3128");
    await page.getByLabel("Proxy user").fill("svc-splunk");
    await page.getByLabel("Proxy password").fill("proxy-pass~1");
    await page.getByRole("button", { name: "Save proxy settings" }).click();
    await outcome(page).getByText(/Saved\. No proxy is set/).waitFor();
    await page.getByText("A proxy password is set.").waitFor();
    await screenshot(page, "03-proxy");
    const proxy = s.world.splunkd.conf("ta_defender_mssp_settings")["proxy"];
    assert.deepEqual([proxy?.["proxy_enabled"], proxy?.["proxy_url"], proxy?.["proxy_port"], proxy?.["proxy_username"]],
      ["0", "proxy.corp.example", "3128", "svc-splunk"]);
    assert.ok(passwords().includes("settings/proxy/password"));
    assert.ok(bodies.every((body) => !body.includes("proxy-pass~1")));
  });

  it("adds an app-only tenant (splunkd's validation message first), then grants admin consent through Entra", async () => {
    const contoso = (customers["contoso"] = s.customer());
    await openTab(page, /Tenants/);
    await page.getByRole("button", { name: "Add tenant" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name", { exact: true }).fill("contoso");
    await dialog.getByLabel("Tenant ID").fill("not-a-tenant");
    await dialog.getByLabel("API URL").fill(s.world.defender.url);
    await dialog.getByLabel("Index").fill("mssp_alerts");
    await dialog.getByLabel("Start date").fill("2020-01-01");
    await dialog.getByRole("button", { name: "Add tenant" }).click();
    // splunkd ran the add-on's --validate-arguments and answered 400 with its message.
    await outcome(dialog).getByText(/splunkd: Argument validation for scheme=defender_alerts: .*tenant_id 'not-a-tenant' is not a tenant ID/).waitFor();
    await screenshot(page, "04-validation-refused");
    assert.equal(inputs()["defender_alerts://contoso"], undefined);

    await dialog.getByLabel("Tenant ID").fill(contoso.tenantId);
    await screenshot(page, "05-add-tenant");
    await dialog.getByRole("button", { name: "Add tenant" }).click();
    await outcome(page).getByText("Tenant contoso added").waitFor();
    const stanza = inputs()["defender_alerts://contoso"];
    assert.deepEqual([stanza?.["tenant_id"], stanza?.["account"], stanza?.["cloud"], stanza?.["login_url"], stanza?.["api_url"], stanza?.["index"]],
      [contoso.tenantId, "mssp", "custom", s.world.entra.url, s.world.defender.url, "mssp_alerts"]);

    const panel = await details(page, "contoso");
    await screenshot(page, "06-tenant-added");
    s.world.entra.signIn(contoso.admin);
    await panel.getByRole("button", { name: "Grant admin consent" }).click();
    // Entra's page redirects back to the setup page, which hands the answer to the server.
    await page.getByText(`Admin consent granted by tenant ${contoso.tenantId} and verified with a token.`).waitFor();
    assert.equal(new URL(page.url()).search, "", "the answer is removed from the address bar");
    const consent = s.world.splunkd.kv(HEALTH).find((d) => d["_key"] === `consent:mssp:${contoso.tenantId}`);
    assert.deepEqual([consent?.["consent_state"], consent?.["recorded_by"]], ["granted", "admin"]);
    await (await details(page, "contoso")).getByText("consent granted, verified").waitFor();
    await screenshot(page, "07-consent-granted");
  });

  it("test connection fails with a bad secret in plain language, and succeeds once the secret is replaced", async () => {
    const replaceSecret = async (value: string) => {
      await openTab(page, "MSSP app");
      await page.getByLabel("Client secret").fill(value);
      await page.getByRole("button", { name: "Save app registration" }).click();
      await outcome(page).getByText(/Saved\. The client secret is stored/).waitFor();
      await openTab(page, /Tenants/);
    };
    await replaceSecret(WRONG_SECRET);
    let panel = await details(page, "contoso");
    await panel.getByRole("button", { name: "Test connection" }).click();
    const refused = outcome(panel);
    await refused.getByText("Error code AUTH_INVALID_SECRET").waitFor();
    await refused.getByText(/What to do: The client secret is wrong; copy a current secret of the app registration/).waitFor();
    await screenshot(page, "08-test-connection-failed");

    await replaceSecret(SECRET);
    panel = await details(page, "contoso");
    await panel.getByRole("button", { name: "Test connection" }).click();
    await outcome(panel).getByText(new RegExp(`^Connected to tenant ${contoso().tenantId}`)).waitFor();
    await screenshot(page, "09-test-connection-ok");
    assert.ok(bodies.every((body) => !body.includes(SECRET) && !body.includes(WRONG_SECRET)));
  });
  const contoso = () => customers["contoso"] ?? assert.fail("contoso was not added");

  it("adds a delegated tenant and signs in to it (authorization code with PKCE, redeemed on the server)", async () => {
    const fabrikam = (customers["fabrikam"] = s.customer());
    await addTenant(page, s, { name: "fabrikam", tenantId: fabrikam.tenantId, delegated: true });
    const panel = await details(page, "fabrikam");
    await panel.getByRole("link", { name: /Open the Defender portal's SIEM settings/ }).waitFor();
    assert.equal(await panel.getByRole("link", { name: /Defender portal/ }).getAttribute("href"),
      `https://security.microsoft.com/preferences2/siem?tid=${fabrikam.tenantId}`);
    s.world.entra.signIn(fabrikam.admin);
    await panel.getByRole("button", { name: "Sign in to the customer tenant" }).click();
    await page.getByText(`Signed in to tenant ${fabrikam.tenantId} as ${fabrikam.admin}`).waitFor();
    assert.ok(passwords().some((name) => name.startsWith("input/fabrikam/refresh_token")));
    await (await details(page, "fabrikam")).getByText(`sign-in granted (${fabrikam.admin})`).waitFor();
    await screenshot(page, "10-delegated-signed-in");
  });

  it("adds a delegated tenant with a pasted refresh token, checked with Entra before it is stored", async () => {
    const northwind = (customers["northwind"] = s.customer());
    const pasted = await s.refreshTokenFor(northwind.tenantId, northwind.admin, SECRET);
    await addTenant(page, s, { name: "northwind", tenantId: northwind.tenantId, delegated: true });
    const panel = await details(page, "northwind");
    await panel.getByLabel("Or paste a refresh token").fill(pasted);
    await panel.getByRole("button", { name: "Store the refresh token" }).click();
    await outcome(panel).getByText(/Refresh token stored for northwind.*Entra ID accepted it\./).waitFor();
    assert.ok(passwords().some((name) => name.startsWith("input/northwind/refresh_token")));
    assert.equal(await panel.getByLabel("Or paste a refresh token").inputValue(), "");
    await screenshot(page, "11-refresh-token-pasted");
  });

  it("shows each tenant's health after a run of its input", async () => {
    const params = Object.fromEntries(Object.entries(inputs()["defender_alerts://contoso"] ?? {}).filter(([, v]) => typeof v === "string"));
    const run = await s.world.runner.run("contoso", params);
    assert.equal(run.exitCode, 0, run.stderr.join("\n"));
    await page.getByRole("button", { name: "Refresh", exact: true }).click();
    await tenantRow(page, "contoso").getByText("ok", { exact: true }).waitFor();
    const panel = await details(page, "contoso");
    await panel.getByText("30 in all, 30 in the last run").waitFor();
    await screenshot(page, "12-health");
  });

  it("edits a tenant (validated again) and disables and enables it", async () => {
    await tenantRow(page, "contoso").getByRole("button", { name: "Edit contoso" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Interval (seconds)").fill("600");
    await dialog.getByLabel("Severities").fill("High,Medium");
    await screenshot(page, "13-edit-tenant");
    await dialog.getByRole("button", { name: "Save tenant" }).click();
    await outcome(page).getByText("Tenant contoso saved.").waitFor();
    assert.deepEqual([inputs()["defender_alerts://contoso"]?.["interval"], inputs()["defender_alerts://contoso"]?.["severity"]], ["600", "High,Medium"]);

    await tenantRow(page, "contoso").getByRole("button", { name: "Disable contoso" }).click();
    await outcome(page).getByText("contoso is disabled.").waitFor();
    assert.equal(inputs()["defender_alerts://contoso"]?.["disabled"], "1");
    await tenantRow(page, "contoso").getByText("disabled", { exact: true }).waitFor();
    await tenantRow(page, "contoso").getByRole("button", { name: "Enable contoso" }).click();
    await outcome(page).getByText("contoso is enabled.").waitFor();
    assert.equal(inputs()["defender_alerts://contoso"]?.["disabled"], "0");
  });

  it("removes a tenant, asking whether its checkpoint and tokens go too", async () => {
    // What a collection run keeps between runs: goes with the tenant whatever is ticked.
    const kept = await s.world.rest("POST", "storage/passwords", {
      name: "input/fabrikam/access_token", realm: "TA-defender-mssp", password: '{"v":1}',
    });
    assert.equal(kept.status, 201);
    await tenantRow(page, "fabrikam").getByRole("button", { name: "Remove fabrikam" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("Also delete its checkpoint and health").click();
    await dialog.getByText("Also delete its stored sign-in (refresh token)").click();
    await screenshot(page, "14-remove-tenant");
    await dialog.getByRole("button", { name: "Remove tenant" }).click();
    await outcome(page).getByText("Tenant fabrikam removed.").waitFor();
    await tenantRow(page, "fabrikam").waitFor({ state: "detached" });
    assert.equal(inputs()["defender_alerts://fabrikam"], undefined);
    assert.ok(!passwords().some((name) => name.startsWith("input/fabrikam/")));
    assert.equal(s.world.splunkd.kv("ta_defender_mssp_checkpoints").find((d) => d["_key"] === "fabrikam")?.["reset_requested"], true);
    // The other delegated tenant keeps its sign-in.
    assert.ok(passwords().some((name) => name.startsWith("input/northwind/refresh_token")));
  });

  it("registers a second app registration with a certificate loaded from PEM files", async () => {
    const cert = createAppCertificate("mssp-setup-page");
    const dir = makeTempDir("ta-dm-web-cert-");
    writeFileSync(join(dir, "app.pem"), cert.certPem);
    writeFileSync(join(dir, "app.key"), cert.keyPem);
    s.world.entra.updateApp(MSSP_CLIENT_ID, { certificates: [{ pem: cert.certPem }] });
    await openTab(page, "MSSP app");
    await choose(page, page, "Account", "New account…");
    await page.getByLabel("Account name").fill("mssp-cert");
    await page.getByLabel("Application (client) ID").fill(MSSP_CLIENT_ID);
    await page.getByRole("radio", { name: "Certificate" }).click();
    await page.getByLabel("Load the certificate from a file").setInputFiles(join(dir, "app.pem"));
    await page.getByLabel("Load the private key from a file").setInputFiles(join(dir, "app.key"));
    await page.getByRole("button", { name: "Save app registration" }).click();
    const sha1 = createHash("sha1").update(new X509Certificate(cert.certPem).raw).digest("hex").toUpperCase();
    await outcome(page).getByText(`Saved. Certificate thumbprint ${sha1}`, { exact: false }).waitFor();
    await page.getByText("A certificate and key is set.").waitFor();
    await screenshot(page, "15-certificate-account");
    assert.equal(s.world.splunkd.conf("ta_defender_mssp_account")["mssp-cert"]?.["credential_type"], "certificate");
    assert.ok(passwords().filter((name) => name.startsWith("account/mssp-cert/private_key")).length > 1, "the key is chunked");
    const keyBody = cert.keyPem.split("\n")[1] ?? "";
    assert.ok(bodies.every((body) => !body.includes(keyBody)), "the private key never comes back to the browser");
  });

  it("works in a narrow window and with the keyboard", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await openTab(page, /Tenants/);
    await tenantRow(page, "contoso").getByRole("button", { name: "Edit contoso" }).waitFor();
    await tenantRow(page, "contoso").getByRole("button", { name: "Details of contoso" }).click();
    await page.locator('.tdm-details[data-tenant="contoso"]').getByRole("button", { name: "Test connection" }).waitFor();
    const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert.ok((widths[0] ?? 0) <= (widths[1] ?? 0), `no sideways scrolling: ${widths.join(" > ")}`);
    await screenshot(page, "16-narrow-window");

    const add = page.getByRole("button", { name: "Add tenant" });
    await add.focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    await dialog.getByLabel("Name", { exact: true }).focus();
    await page.keyboard.type("kbd-tenant");
    await page.keyboard.press("Tab");
    assert.equal(await dialog.getByLabel("Tenant ID").evaluate((el) => el === document.activeElement), true);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    // The dialog hands focus back as it unmounts; give the browser a moment under load.
    await page.waitForFunction(
      (el) => el === document.activeElement,
      await add.elementHandle(),
      { timeout: 5000 },
    ).catch(() => undefined);
    assert.equal(await add.evaluate((el) => el === document.activeElement), true, "focus returns to the button");
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it("refuses writes without the CSRF form key, and non-admins on the page and on every write", async () => {
    const proxy = "/en-US/splunkd/__raw/servicesNS/nobody/TA-defender-mssp";
    const form = "name=x&realm=TA-defender-mssp&password=y";
    // A script of the page that does not send X-Splunk-Form-Key is refused by Splunk Web.
    const noKey = await postFrom(page, `${proxy}/storage/passwords?output_mode=json`, form, false);
    assert.equal(noKey.status, 403);

    const { context: other, page: analyst } = await newPage(browser);
    try {
      await analyst.goto(s.setupUrl);
      await signInToSplunk(analyst, { user: "analyst", password: "Chang3d!-analyst" });
      await analyst.getByText("Page not found!").waitFor();
      await screenshot(analyst, "17-non-admin-refused");
      // Even with the form key, splunkd checks the analyst's own capabilities on every write.
      const write = await postFrom(analyst, `${proxy}/storage/passwords?output_mode=json`, form, true);
      assert.equal(write.status, 403);
      assert.match(write.text, /do not have permission.*requires capability/);
      const onboard = await postFrom(analyst, `${proxy}/ta_defender_mssp/onboard?output_mode=json`,
        JSON.stringify({ action: "store_client_secret", params: { account: "evil", client_id: MSSP_CLIENT_ID, client_secret: "z" } }), true);
      assert.equal(onboard.status, 403, "restmap.conf capability = admin_all_objects");
      assert.ok(!passwords().includes("account/evil/client_secret"));
    } finally {
      await other.close();
    }
    void context;
  });
});

/** A POST made by a script in the page, with or without the CSRF form key from the cookie. */
async function postFrom(page: Page, path: string, body: string, withKey: boolean): Promise<{ status: number; text: string }> {
  return page.evaluate(async ([target, payload, sendKey]) => {
    const key = /splunkweb_csrf_token_\d+=([^;]+)/.exec(document.cookie)?.[1] ?? "";
    const type = payload.startsWith("{") ? "application/json" : "application/x-www-form-urlencoded";
    const headers: Record<string, string> = { "Content-Type": type };
    if (sendKey) headers["X-Splunk-Form-Key"] = key;
    const res = await fetch(target, { method: "POST", credentials: "include", headers, body: payload });
    return { status: res.status, text: await res.text() };
  }, [path, body, withKey] as const);
}

async function addTenant(page: Page, s: SetupWorld, t: { name: string; tenantId: string; delegated: boolean }): Promise<void> {
  await page.getByRole("button", { name: "Add tenant" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name", { exact: true }).fill(t.name);
  await dialog.getByLabel("Tenant ID").fill(t.tenantId);
  if (t.delegated) await dialog.getByRole("radio", { name: "Delegated (sign-in)" }).click();
  await dialog.getByLabel("API URL").fill(s.world.defender.url);
  await dialog.getByLabel("Start date").fill("2020-01-01");
  await dialog.getByRole("button", { name: "Add tenant" }).click();
  await outcome(page).getByText(`Tenant ${t.name} added`).waitFor();
  await page.locator(`.tdm-details[data-tenant="${t.name}"]`).waitFor();
}
