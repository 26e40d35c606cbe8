// A person's path through the authorize pages, in a real browser: login form, consent page
// with division checkboxes, Allow / Deny, and the redirect back to the app.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../src/simulator.ts';
import { type AppCallback, startAppCallback } from './support/app-callback.ts';
import { launchBrowser } from './support/browser.ts';
import { startTestSim } from './support/sim.ts';

let sim: RunningSimulator;
let browser: Browser;
let app: AppCallback;
let redirectUri: string;
let callbacks: URL[];

beforeAll(async () => {
  app = await startAppCallback('/oauth/exact/callback', 'back in the app');
  ({ redirectUri, callbacks } = app);
  sim = await startTestSim({ defaultApp: { redirectUri } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await sim?.close();
  await app?.close();
});

function authorizeUrl(state: string): string {
  const query = new URLSearchParams({
    client_id: sim.defaults.app.clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    state,
    force_login: '1',
  });
  return `${sim.url}/api/oauth2/auth?${query}`;
}

async function signIn(state: string) {
  const page = await browser.newPage();
  await page.goto(authorizeUrl(state));
  await page.fill('input[name="username"]', sim.defaults.user.username);
  await page.fill('input[name="password"]', sim.defaults.user.password);
  await page.click('button[type="submit"]');
  await page.waitForSelector('input[name="divisions"]');
  return page;
}

describe('authorize pages in a real browser', () => {
  it('signs in, grants one of two divisions and lands on the redirect URI with a working code', async () => {
    const page = await signIn('browser-allow');
    const boxes = page.locator('input[name="divisions"]');
    expect(await boxes.count()).toBe(sim.defaults.divisions.length);
    const [granted, withheld] = sim.defaults.divisions;
    await page.uncheck(`input[name="divisions"][value="${withheld}"]`);
    await page.click('button[value="allow"]');
    await page.waitForURL(/\/oauth\/exact\/callback/);
    expect(await page.title()).toBe('back in the app');

    const callback = callbacks.at(-1)!;
    expect(callback.searchParams.get('state')).toBe('browser-allow');
    const code = callback.searchParams.get('code');
    expect(code).toBeTruthy();

    const tokenResponse = await fetch(`${sim.url}/api/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: code!,
        redirect_uri: redirectUri,
        client_id: sim.defaults.app.clientId,
        client_secret: sim.defaults.app.clientSecret,
      }),
    });
    expect(tokenResponse.status).toBe(200);
    const { access_token: accessToken } = (await tokenResponse.json()) as { access_token: string };
    const call = (division: number | undefined) =>
      fetch(`${sim.url}/api/v1/${division}/crm/Accounts?$select=ID&$top=1`, {
        headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
      });
    expect((await call(granted)).status).toBe(200);
    const refused = await call(withheld);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('not within division scope');
    await page.close();
  });

  it('Deny sends the user back with access_denied and the state', async () => {
    const page = await signIn('browser-deny');
    await page.click('button[value="deny"]');
    await page.waitForURL(/\/oauth\/exact\/callback/);
    const callback = callbacks.at(-1)!;
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('state')).toBe('browser-deny');
    expect(callback.searchParams.get('code')).toBeNull();
    await page.close();
  });

  it('a wrong password keeps the user on the login page with a message', async () => {
    const page = await browser.newPage();
    await page.goto(authorizeUrl('browser-wrong'));
    await page.fill('input[name="username"]', sim.defaults.user.username);
    await page.fill('input[name="password"]', 'not-the-password');
    await page.click('button[type="submit"]');
    await page.waitForSelector('input[name="password"]');
    expect((await page.content()).toLowerCase()).toMatch(/password|incorrect|invalid/);
    expect(callbacks.some((url) => url.searchParams.get('state') === 'browser-wrong')).toBe(false);
    await page.close();
  });
});
