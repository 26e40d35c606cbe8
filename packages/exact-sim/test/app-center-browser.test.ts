// The App Center in a real browser: from the consent page's "Unknown application" error to a
// registered app, its credentials, an edit, an authorization that shows the app's name, and
// a delete that ends the app's tokens.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../src/simulator.ts';
import { type AppCallback, startAppCallback } from './support/app-callback.ts';
import { launchBrowser } from './support/browser.ts';
import { api, startTestSim } from './support/sim.ts';

let sim: RunningSimulator;
let browser: Browser;
let app: AppCallback;
let redirectUri: string;
let callbacks: URL[];

beforeAll(async () => {
  app = await startAppCallback('/bakery/callback', 'bakery app');
  ({ redirectUri, callbacks } = app);
  sim = await startTestSim();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await sim?.close();
  await app?.close();
});

describe('App Center in a real browser', () => {
  it('registers, edits, authorizes with and deletes an app', async () => {
    const page = await browser.newPage();
    const unknown = new URLSearchParams({
      client_id: '11111111-2222-4333-8444-555555555555',
      redirect_uri: redirectUri,
      response_type: 'code',
    });
    await page.goto(`${sim.url}/api/oauth2/auth?${unknown}`);
    expect(await page.locator('h1').textContent()).toBe('Unknown application');
    await page.click('text=Open the App Center to register an app');

    // The App Center asks for the simulated user's login first.
    await page.waitForSelector('form[action="/appcenter/login"]');
    await page.fill('input[name="username"]', sim.defaults.user.username);
    await page.fill('input[name="password"]', 'wrong');
    await page.click('button[type="submit"]');
    expect(await page.locator('[role="alert"]').textContent()).toBe('The username or password is incorrect.');
    await page.fill('input[name="username"]', sim.defaults.user.username);
    await page.fill('input[name="password"]', sim.defaults.user.password);
    await page.click('button[type="submit"]');
    await page.waitForSelector('h1:text("App Center")');
    expect(await page.locator('table').textContent()).toContain('Exact Online sandbox (exact-sim)');

    await page.fill('input[name="name"]', 'Bakkerij koppeling');
    await page.fill('input[name="redirect_uri"]', 'not a url');
    await page.click('button:text("Register app")');
    expect(await page.locator('[role="alert"]').textContent()).toMatch(
      /^The redirect URI must be an absolute/,
    );
    await page.fill('input[name="redirect_uri"]', redirectUri);
    await page.click('button:text("Register app")');
    await page.waitForSelector('#client-secret');
    const clientId = (await page.locator('#client-id').textContent()) as string;
    const clientSecret = (await page.locator('#client-secret').textContent()) as string;
    expect(clientId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(clientSecret.length).toBeGreaterThan(16);
    expect(((await page.locator('#webhook-secret').textContent()) as string).length).toBeGreaterThan(10);

    await page.fill('input[name="name"]', 'Bakkerij De Vries koppeling');
    await page.click('button:text("Save")');
    expect(await page.locator('[role="status"]').textContent()).toBe('Saved.');
    expect(await page.locator('h1').textContent()).toBe('Bakkerij De Vries koppeling');

    // Authorize with the new app: the consent page (same login) names it.
    await page.click('#authorize-url');
    await page.waitForSelector('input[name="divisions"]');
    expect(await page.locator('main').textContent()).toContain(
      'Bakkerij De Vries koppeling wants to read and write data',
    );
    await page.click('button[value="allow"]');
    await page.waitForURL(/\/bakery\/callback/);
    const code = callbacks.at(-1)?.searchParams.get('code');
    expect(code).toBeTruthy();
    const token = await fetch(`${sim.url}/api/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: code as string,
        redirect_uri: redirectUri,
        client_id: clientId,
        client_secret: clientSecret,
      }),
    });
    expect(token.status).toBe(200);
    const access = ((await token.json()) as { access_token: string }).access_token;
    const me = await api(sim, access, 'current/Me?$select=CurrentDivision');
    expect(me.status).toBe(200);

    // Delete: the app leaves the list and its tokens stop working.
    await page.goto(`${sim.url}/appcenter/apps/${clientId}`);
    await page.click('button:text("Delete app")');
    expect(await page.locator('[role="status"]').textContent()).toBe('Deleted Bakkerij De Vries koppeling.');
    expect(await page.locator('table').textContent()).not.toContain(clientId);
    const after = await api(sim, access, 'current/Me?$select=CurrentDivision');
    expect(after.status).toBe(401);
    await page.close();
  });

  it('shows only the login page without a session, and refuses a form posted without its token', async () => {
    const anonymous = await fetch(`${sim.url}/appcenter/apps/${sim.defaults.app.clientId}`);
    expect(anonymous.status).toBe(401);
    const html = await anonymous.text();
    expect(html).toContain('App Center — log in');
    expect(html).not.toContain(sim.defaults.app.clientSecret);
    const post = await fetch(`${sim.url}/appcenter/apps`, {
      method: 'POST',
      body: new URLSearchParams({ name: 'Sneaky', redirect_uri: 'https://x.example/cb' }),
    });
    expect(post.status).toBe(401);

    const login = await fetch(`${sim.url}/appcenter/login`, {
      method: 'POST',
      body: new URLSearchParams({
        username: sim.defaults.user.username,
        password: sim.defaults.user.password,
      }),
      redirect: 'manual',
    });
    expect(login.status).toBe(303);
    const cookie = (login.headers.get('set-cookie') as string).split(';')[0] as string;
    const forged = await fetch(`${sim.url}/appcenter/apps`, {
      method: 'POST',
      headers: { cookie },
      body: new URLSearchParams({
        name: 'Sneaky',
        redirect_uri: 'https://x.example/cb',
        form_token: 'guess',
      }),
    });
    expect(forged.status).toBe(400);
    const info = (await (await fetch(`${sim.url}/_sim/info`)).json()) as { apps: { name: string }[] };
    expect(info.apps.map((app) => app.name)).not.toContain('Sneaky');
  });
});
