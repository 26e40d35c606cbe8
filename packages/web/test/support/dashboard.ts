// The stack a browser test of the dashboard runs on: exact-sim and a hub (support/stack.ts), the
// dashboard's build, and Debian's Chromium through exact-sim's test launcher with one signed-out
// page, desktop-sized.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../../../exact-sim/test/support/browser.ts';
import { ensureWebBuilt } from '../../scripts/ensure-built.ts';
import { type Stack, type StackOptions, startStack } from './stack.ts';

export { launchBrowser };

/** Where the tests leave their screenshots: packages/web/test-results/. */
export const SCREENSHOTS = fileURLToPath(new URL('../../test-results/', import.meta.url));
export const DESKTOP = { width: 1280, height: 900 };
/** How long a step may wait: under a full parallel `npm test` on two cores a step can take seconds. */
const STEP_TIMEOUT_MS = 20_000;

export interface Dashboard {
  stack: Stack;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function openDashboard(options: StackOptions = {}): Promise<Dashboard> {
  ensureWebBuilt(() => {});
  const [started, launched] = await Promise.allSettled([startStack(options), launchBrowser()]);
  if (started.status === 'rejected' || launched.status === 'rejected') {
    // Whichever did start is stopped, so a failed set-up leaves no process behind.
    if (started.status === 'fulfilled') await started.value.close();
    if (launched.status === 'fulfilled') await launched.value.close();
    throw started.status === 'rejected' ? started.reason : (launched as PromiseRejectedResult).reason;
  }
  const stack = started.value;
  const browser = launched.value;
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  return {
    stack,
    browser,
    context,
    page,
    async close() {
      await browser.close();
      await stack.close();
    },
  };
}

/** A page in a browser context of its own (another person, or a phone), with the same step timeout. */
export async function openPage(
  browser: Browser,
  options: Parameters<Browser['newContext']>[0] = { viewport: DESKTOP },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  return { context, page };
}

/**
 * Saves full-page screenshots as test-results/<prefix>-<name>.png, each once every transition
 * on the page (a dialog fading in) has ended or been cancelled.
 */
export function screenshots(prefix: string): (page: Page, name: string) => Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return async (page, name) => {
    await page.evaluate(
      'Promise.all(document.getAnimations().map((animation) => animation.finished.catch(() => undefined)))',
    );
    await page.screenshot({ path: `${SCREENSHOTS}${prefix}-${name}.png`, fullPage: true });
  };
}
/** Calls the hub from inside the signed-in page, with the CSRF header the dashboard sends. */
export async function hubApi<T>(page: Page, method: string, path: string, body?: unknown): Promise<T> {
  const csrf = (await page.context().cookies()).find((cookie) => cookie.name === 'koppel_csrf')?.value;
  return page.evaluate(
    async ({ method, path, body, csrf }) => {
      const response = await fetch(`/api/v1${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          ...(csrf ? { 'x-koppel-csrf': decodeURIComponent(csrf) } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return response.json();
    },
    { method, path, body, csrf },
  ) as Promise<T>;
}

/**
 * On a sandbox stack, as a person does: creates the first account, authorizes the sandbox
 * connection on exact-sim's consent screen and links its first division. Ends on the
 * connection's page; returns the connection's id.
 */
export async function signUpWithSandboxConnection(
  page: Page,
  stack: Stack,
  owner: { email: string; name: string; password: string; workspaceName: string },
): Promise<string> {
  await page.goto(stack.base);
  await page.getByText('Create the first account').click();
  await page.fill('input[name=email]', owner.email);
  await page.fill('input[name=name]', owner.name);
  await page.fill('input[name=password]', owner.password);
  await page.fill('input[name=workspaceName]', owner.workspaceName);
  await page.getByRole('button', { name: 'Create account' }).click();

  // The sandbox already holds an app and a connection, so the hub opens the connections.
  await page.getByRole('link', { name: 'Sandbox connection' }).click();
  await page.getByRole('heading', { name: 'Sandbox connection' }).waitFor();
  await page.getByRole('link', { name: 'Authorize' }).click();
  await page.waitForURL(`${stack.sim.url}/**`);
  await page.fill('input[name=username]', stack.sim.defaults.user.username);
  await page.fill('input[name=password]', stack.sim.defaults.user.password);
  await page.click('button[type=submit]');
  await page.waitForSelector('input[name=divisions]');
  await page.click('button[value=allow]');
  await page.getByRole('link', { name: 'Back to Koppel' }).click();
  await page.getByRole('heading', { name: 'Sandbox connection' }).waitFor();

  const division = stack.sim.defaults.divisions[0] as number;
  await page.locator(`[data-division="${division}"]`).getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Save linked divisions' }).click();
  await page.getByText('Saved: 1 linked').waitFor();
  return new URL(page.url()).pathname.split('/').at(-1) as string;
}
