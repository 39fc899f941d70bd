// Debian's Chromium driven by playwright-core (no browser download), trusting the test CA's
// server certificate by its public key pin only, so TLS is still verified for every other
// certificate and the stand-ins' names and chain are not simply ignored.
import { createHash, createPublicKey } from "node:crypto";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";

import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

import type { TestTls } from "../../support/tls.ts";
import { REPO } from "../../support/world.ts";

export const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
export const SCREENSHOTS = join(REPO, "test-artifacts", "screenshots");

/**
 * Why the browser tests cannot run here, or undefined when they can. In CI (CI=true) a missing
 * Chromium is a failure, not a skip: .ci/run installs it.
 */
export function browserMissing(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const why = `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run the browser tests`;
  if (process.env["CI"] === "true") throw new Error(why);
  console.log(`# skipped: ${why}`);
  return why;
}

/** The base64 SHA-256 of a certificate's SubjectPublicKeyInfo, as Chromium pins it. */
export function spkiPin(certPem: string): string {
  const der = createPublicKey(certPem).export({ type: "spki", format: "der" });
  return createHash("sha256").update(der).digest("base64");
}

// The flags polyglot.md lists for this machine: without the background-networking ones,
// Chromium keeps trying Google's hosts, which this machine's network refuses.
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export async function launchBrowser(tls: TestTls): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...FLAGS, `--ignore-certificate-errors-spki-list=${spkiPin(tls.cert)}`],
  });
}

export async function newPage(browser: Browser, viewport = { width: 1280, height: 900 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ ignoreHTTPSErrors: false, viewport, locale: "en-US" });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  return { context, page };
}

/** Saves a full-page screenshot as test-artifacts/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export function clearScreenshots(): void {
  rmSync(SCREENSHOTS, { recursive: true, force: true });
}
