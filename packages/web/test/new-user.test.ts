// Issue 13: the dashboard as a new user meets it, on the sandbox `npm start` runs. Each `it`
// protects one of the numbered items; screenshots go to packages/web/test-results/.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_APP_TITLE } from '../../hub/src/connections/demo-sandbox.ts';
import { ensureWebBuilt } from '../scripts/ensure-built.ts';
import { launchBrowser, type Stack, startStack } from './support.ts';

const OWNER = { email: 'nina@example.nl', name: 'Nina Nieuw', password: 'new-user-password-1' };
const SHOTS = fileURLToPath(new URL('../test-results/', import.meta.url));
const shot = (page: Page, name: string) =>
  page.screenshot({ path: `${SHOTS}new-user-${name}.png`, fullPage: true });

describe('the dashboard as a new user meets it (issue 13)', { timeout: 90_000 }, () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let connectionUrl: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    ensureWebBuilt(() => {});
    [stack, browser] = await Promise.all([startStack({ sandbox: true }), launchBrowser()]);
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('signs up on the only tab while sign-up is open', async () => {
    await page.goto(stack.base);
    await page.getByText('Create the first account').click();
    await page.fill('input[name=email]', OWNER.email);
    await page.fill('input[name=name]', OWNER.name);
    await page.fill('input[name=password]', OWNER.password);
    await page.fill('input[name=workspaceName]', 'Nieuw BV');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('link', { name: 'Sandbox connection' }).click();
    await page.getByRole('heading', { name: 'Sandbox connection' }).waitFor();
    connectionUrl = page.url();
  });

  it('item 1 + 8: consent with only the non-current division ends in a usable connection, on one app name', async () => {
    const [current, other] = stack.sim.defaults.divisions as [number, number];
    // Item 5: the action the connection needs is the primary (filled) button.
    const authorize = page.getByRole('link', { name: 'Authorize', exact: true });
    await expect(authorize.getAttribute('data-primary')).resolves.toBe('true');
    await authorize.click();
    await page.waitForURL(`${stack.sim.url}/**`);
    await page.fill('input[name=username]', stack.sim.defaults.user.username);
    await page.fill('input[name=password]', stack.sim.defaults.user.password);
    await page.click('button[type=submit]');
    await page.waitForSelector('input[name=divisions]');
    // Item 8: Exact's consent screen names the app as the hub does.
    await expect(page.locator('main').textContent()).resolves.toContain(`${DEMO_APP_TITLE} wants to`);
    await page.locator(`input[name=divisions][value="${current}"]`).uncheck();
    await shot(page, 'consent-only-other-division');
    await page.click('button[value=allow]');

    // The hub kept the authorization and says what to do, on a page that looks like the dashboard.
    await page.getByRole('heading', { name: 'Authorized, but Exact did not list the divisions' }).waitFor();
    await expect(page.locator('main').textContent()).resolves.toContain(`current division ${current}`);
    await shot(page, 'oauth-divisions-unknown');
    await page.getByRole('link', { name: /Back to Koppel/ }).click();
    await page.waitForURL(connectionUrl);
    const unknown = page.getByTestId('divisions-unknown');
    await unknown.waitFor();
    await page.getByTestId('exact-user').waitFor();
    await shot(page, 'connection-divisions-unknown');

    // Naming a ticked division lists the divisions; the unticked current one is not offered.
    await page.getByLabel('Division number').fill(String(other));
    await page.getByRole('button', { name: 'List divisions through it' }).click();
    const row = page.locator(`[data-division="${other}"]`);
    await row.waitFor();
    expect(await page.locator(`[data-division="${current}"]`).count()).toBe(0);
    await row.getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Save linked divisions' }).click();
    await page.getByText('Saved: 1 linked').waitFor();
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.locator('[data-testid=test-result][data-ok=true]').waitFor();
    await expect(page.getByTestId(`division-check-${other}`).getAttribute('data-ok')).resolves.toBe('true');
    await shot(page, 'connection-usable');
    // Now authorized and working: authorizing again is no longer the primary action.
    await expect(
      page.getByRole('link', { name: 'Authorize again' }).getAttribute('data-primary'),
    ).resolves.toBe('false');
  });

  it('item 1: a failed authorization returns to where it started', async () => {
    await page.getByRole('link', { name: 'Authorize again' }).click();
    await page.waitForURL(`${stack.sim.url}/**`);
    await page.waitForSelector('input[name=divisions]');
    await page.click('button[value=deny]');
    await page.getByRole('heading', { name: 'Access denied' }).waitFor();
    await shot(page, 'oauth-denied');
    await page.getByRole('link', { name: 'Back to Koppel' }).click();
    await page.waitForURL(connectionUrl);
    await page.getByRole('heading', { name: 'Sandbox connection' }).waitFor();
  });
});
