// Issue 13, item 11: `npm start` on a terminal prints the banner and warnings, not a line per
// request; started again on the same data, its banner says "sign in", not "create the first
// account", and so does the page it points at.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../hub/test/support/free-port.ts';
import { ensureWebBuilt } from '../scripts/ensure-built.ts';
import { launchBrowser, openPage, screenshots } from './support/dashboard.ts';
import { type NpmStart, startNpmStart } from './support/npm-start.ts';

const OWNER = { email: 'rik@example.nl', name: 'Rik Restart', password: 'restart-password-1' };
const shot = screenshots('restart');
/** What a person at a terminal sees (a test's stdout is a pipe, which gets JSON lines). */
const TERMINAL = { KOPPEL_LOG_FORMAT: 'pretty' };

describe('npm start, then npm start again on the same data', { timeout: 180_000 }, () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'koppel-restart-'));
  let browser: Browser;
  let running: NpmStart | undefined;
  let ports: { hubPort: number; simPort: number };

  beforeAll(async () => {
    ensureWebBuilt(() => {});
    browser = await launchBrowser();
    ports = { hubPort: await freePort(), simPort: await freePort() };
  }, 120_000);

  afterAll(async () => {
    await running?.stop();
    await browser?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('first start: the banner says to create the first account, and the terminal stays quiet while it is', async () => {
    running = await startNpmStart({ dataDir, ...ports, env: TERMINAL });
    expect(running.banner()).toContain('create the first account');
    expect(running.banner()).not.toContain('sign in with your account');

    const { context, page } = await openPage(browser);
    try {
      await page.goto(running.hubUrl);
      await page.fill('input[name=email]', OWNER.email);
      await page.fill('input[name=name]', OWNER.name);
      await page.fill('input[name=password]', OWNER.password);
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByRole('link', { name: 'Sandbox connection' }).click();
      await page.getByRole('heading', { name: 'Sandbox connection' }).waitFor();
    } finally {
      await context.close();
    }
    // Dozens of requests answered, none of them a line on the terminal; nothing as JSON either.
    const afterBanner = running.output().slice(running.output().indexOf('Stop with Ctrl+C'));
    expect(afterBanner).not.toMatch(/\/api\/v1\/|request completed|incoming request/);
    expect(running.output()).not.toMatch(/^\{"level"/m);
    await running.stop();
    running = undefined;
  });

  it('second start: the banner says to sign in, and the page opens on sign-in with no sign-up', async () => {
    running = await startNpmStart({ dataDir, ...ports, env: TERMINAL });
    expect(running.banner()).toContain(`Open ${running.hubUrl} in a browser and sign in with your account.`);
    expect(running.banner()).not.toContain('create the first account');

    const { context, page } = await openPage(browser);
    try {
      await page.goto(running.hubUrl);
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      expect(await page.getByText('Create the first account').count()).toBe(0);
      expect(await page.locator('input[name=workspaceName]').count()).toBe(0);
      await shot(page, 'signin-after-restart');
      await page.fill('input[name=email]', OWNER.email);
      await page.fill('input[name=password]', OWNER.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText(`${OWNER.name} · owner`).waitFor();
    } finally {
      await context.close();
    }
  });
});
