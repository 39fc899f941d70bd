// Small steps of the setup page that several tests take, in the words a user sees on screen.
import type { Locator, Page, Response } from "playwright-core";

export const ADMIN = { user: "admin", password: "Chang3d!-admin" };
export const ANALYST = { user: "analyst", password: "Chang3d!-analyst" };

/** Signs in on Splunk Web's login page the browser was sent to. */
export async function signInToSplunk(page: Page, who: { user: string; password: string }): Promise<void> {
  await page.getByLabel("Username").fill(who.user);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign In" }).click();
}

/** Picks an option of a Splunk UI Select (a button that opens a listbox). */
export async function choose(page: Page, scope: Locator | Page, label: string, option: string): Promise<void> {
  await scope.getByRole("combobox", { name: label }).click();
  await page.getByRole("option", { name: option, exact: true }).click();
}

export async function openTab(page: Page, name: RegExp | string): Promise<void> {
  await page.getByRole("tab", { name }).click();
}

/** The message an action left in a scope: success, info or error. */
export function outcome(scope: Locator | Page): Locator {
  return scope.locator(".tdm-outcome").last();
}

/** The row of a tenant in the tenants table (its card in a narrow window). */
export function tenantRow(page: Page, name: string): Locator {
  return page.locator(`[data-tenant-row="${name}"]`);
}

/** A tenant's details (health, consent, connection), opened if closed. */
export async function details(page: Page, name: string): Promise<Locator> {
  const panel = page.locator(`.tdm-details[data-tenant="${name}"]`);
  const row = tenantRow(page, name);
  await row.waitFor();
  if (!(await panel.isVisible())) await row.getByRole("button", { name: /^Expand row/ }).click();
  await panel.waitFor();
  return panel;
}

/** Every body Splunk Web's proxy sent to the page, for the secrets check. */
export function recordProxyBodies(page: Page): string[] {
  const bodies: string[] = [];
  page.on("response", (response: Response) => {
    if (!response.url().includes("/splunkd/__raw/")) return;
    response.text().then((text) => bodies.push(text), () => undefined);
  });
  return bodies;
}
