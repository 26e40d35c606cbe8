import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuilt } from '../scripts/ensure-built.ts';
import { registerInAppCenter } from './support/app-center.ts';
import { authenticatorCode } from './support/authenticator.ts';
import { launchBrowser, screenshots } from './support/dashboard.ts';
import { type Stack, startStack } from './support/stack.ts';

const OWNER = { email: 'olga@example.nl', name: 'Olga Owner', password: 'dashboard-password-1' };
const shot = screenshots('dashboard');

// Generous limits: under a full parallel `npm test` on two cores each step can take seconds.
describe('the dashboard in a real browser', { timeout: 60_000 }, () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    ensureWebBuilt(() => {});
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // Every Content-Security-Policy violation on any page of the run, checked at the end.
    await context.exposeBinding('reportCspViolation', ({ page: from }, violation: string) => {
      cspViolations.push(`${from.url()}: ${violation}`);
    });
    await context.addInitScript({
      content: `document.addEventListener('securitypolicyviolation', (event) =>
        window.reportCspViolation(event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline')));`,
    });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  /** Exact's side: log in on exact-sim, then allow or deny on its consent screen. */
  async function answerExact(consent: 'allow' | 'deny', appName?: string) {
    await page.waitForURL(`${stack.sim.url}/**`);
    await page.fill('input[name=username]', stack.sim.defaults.user.username);
    await page.fill('input[name=password]', stack.sim.defaults.user.password);
    await page.click('button[type=submit]');
    await page.waitForSelector('input[name=divisions]');
    if (appName) {
      // Exact's consent screen names the app as registered in the App Center.
      await expect(page.locator('main').textContent()).resolves.toContain(
        `${appName} wants to read and write`,
      );
    }
    await shot(page, `exact-consent-${consent}`);
    await page.click(`button[value=${consent}]`);
  }

  it('signs up, registers an app, authorizes, links a division and tests green through the wizard', async () => {
    await page.goto(stack.base);
    await page.getByText('Create the first account').click();
    await page.fill('input[name=email]', OWNER.email);
    await page.fill('input[name=name]', OWNER.name);
    await page.fill('input[name=password]', OWNER.password);
    await page.fill('input[name=workspaceName]', 'Acme accounting');
    await shot(page, 'signup');
    await page.getByRole('button', { name: 'Create account' }).click();

    // An empty workspace's home says what to do first: the guided set-up, which shows the
    // redirect URI to register at Exact.
    await page.getByTestId('first-steps').waitFor();
    await shot(page, 'home-empty');
    await page.getByRole('link', { name: 'Start the guided set-up' }).click();
    await page.waitForURL('**/setup');
    const redirectUri = (await page.getByTestId('copy-redirect URI').textContent())?.trim();
    expect(redirectUri).toBe(`${stack.base}/oauth/exact/callback`);
    await expect(page.getByLabel('Copy redirect URI').isVisible()).resolves.toBe(true);
    await shot(page, 'wizard-app');
    const credentials = await registerInAppCenter(browser, stack.sim, 'Acme koppeling', redirectUri!);

    await page.fill('input[name=title]', 'Acme Exact app');
    await page.fill('input[name=clientId]', credentials.clientId);
    await page.fill('input[name=clientSecret]', credentials.clientSecret);
    await page.fill('input[name=webhookSecret]', credentials.webhookSecret);
    await page.selectOption('select[name=region]', 'custom');
    await page.fill('input[name=baseUrl]', stack.sim.url);
    await page.getByRole('button', { name: 'Create app and continue' }).click();

    await page.fill('input[name=connectionName]', 'Acme BV');
    await shot(page, 'wizard-connection');
    await page.getByRole('button', { name: 'Create connection' }).click();
    await page.waitForURL('**/setup?connection=*');
    const connectionId = new URL(page.url()).searchParams.get('connection')!;
    await page.getByText('Not authorized').first().waitFor();
    await shot(page, 'wizard-authorize');
    await page.getByRole('link', { name: 'Authorize' }).click();

    await answerExact('allow', 'Acme koppeling');
    // The hub's own page confirms, then leads back into the wizard.
    await page.getByRole('heading', { name: 'Connection authorized' }).waitFor();
    await shot(page, 'hub-authorized');
    await page.getByRole('link', { name: 'Back to Koppel' }).click();
    await page.waitForURL(`**/setup?connection=${connectionId}`);

    const rows = page.locator('[data-testid=divisions] tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(stack.sim.defaults.divisions.length);
    const firstCode = stack.sim.defaults.divisions[0]!;
    const firstRow = page.locator(`[data-division="${firstCode}"]`);
    await expect(firstRow.textContent()).resolves.toContain('granted');
    await expect(page.getByTestId('exact-user').textContent()).resolves.toMatch(
      /Authorized by Exact user \S+/,
    );
    await firstRow.getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Save linked divisions' }).click();
    await page.getByText('Saved: 1 linked').waitFor();
    await shot(page, 'wizard-divisions');

    await page.getByRole('button', { name: 'Continue to the test' }).click();
    await page.getByRole('button', { name: 'Test connection' }).click();
    const result = page.locator('[data-testid=test-result][data-ok=true]');
    await result.waitFor();
    await expect(
      page.locator(`[data-testid=division-check-${firstCode}]`).getAttribute('data-ok'),
    ).resolves.toBe('true');
    await shot(page, 'wizard-test');
    // The guided set-up does not end at the test: it goes on to the packages (issue 13, item 2).
    await expect(page.getByRole('button', { name: 'Continue to the packages' }).isEnabled()).resolves.toBe(
      true,
    );

    // The connection page tells the same story: active, the Exact user, the last test and the events.
    await page.getByRole('link', { name: 'Open the connection' }).click();
    await page.locator('[data-status=active]').first().waitFor();
    await page.locator('[data-testid=test-result][data-ok=true]').waitFor();
    const events = page.getByTestId('events');
    await events.waitFor();
    expect(await events.locator('tr').count()).toBeGreaterThanOrEqual(2);
    await shot(page, 'connection');

    // The hub agrees with what the browser showed.
    const divisions = await page.evaluate(
      (id) =>
        fetch(`/api/v1/connections/${id}/divisions`).then(
          (r) => r.json() as Promise<{ code: number; linked: boolean }[]>,
        ),
      connectionId,
    );
    expect(divisions.filter((d) => d.linked).map((d) => d.code)).toEqual([firstCode]);
  });

  it('shows the precise reason when a linked division fails the test, next to the green one', async () => {
    const [first, second] = stack.sim.defaults.divisions as [number, number];
    await page.locator(`[data-division="${second}"]`).getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Save linked divisions' }).click();
    await page.getByText('Saved: 2 linked').waitFor();
    const blocked = await fetch(`${stack.sim.url}/_sim/divisions/${second}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ blocked: true }),
    });
    expect(blocked.status).toBe(200);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.locator('[data-testid=test-result][data-ok=false]').waitFor();
    await expect(page.getByTestId(`division-check-${first}`).getAttribute('data-ok')).resolves.toBe('true');
    const failed = page.getByTestId(`division-check-${second}`);
    await expect(failed.getAttribute('data-ok')).resolves.toBe('false');
    await expect(failed.textContent()).resolves.toContain('DivisionBlocked');
    await shot(page, 'connection-test-failed');
  });

  it('shows the apps with their redirect URI and a clear error when an app in use is deleted', async () => {
    await page.getByRole('link', { name: 'Exact apps' }).click();
    await page.getByRole('cell', { name: 'Acme Exact app' }).waitFor();
    await expect(page.getByTestId('redirect-uri').textContent()).resolves.toContain(
      "Paste this redirect URI into your app's registration in Exact's App Center",
    );
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await expect(page.getByRole('dialog').getByTestId('error-alert').textContent()).resolves.toContain(
      'connection(s) use this app',
    );
    await shot(page, 'apps-delete-refused');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

    // Editing keeps the stored secrets unless new ones are typed.
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('dialog').locator('input[name=title]').fill('Acme Exact app (NL)');
    await page.getByRole('dialog').getByRole('button', { name: 'Save app' }).click();
    await page.getByRole('cell', { name: 'Acme Exact app (NL)' }).waitFor();
    const apps = await page.evaluate(() =>
      fetch('/api/v1/me')
        .then((r) => r.json() as Promise<{ workspaces: { id: string }[] }>)
        .then((me) => fetch(`/api/v1/workspaces/${me.workspaces[0]!.id}/apps`))
        .then((r) => r.json() as Promise<{ title: string; hasClientSecret: boolean; baseUrl: string }[]>),
    );
    expect(apps).toMatchObject([
      { title: 'Acme Exact app (NL)', hasClientSecret: true, baseUrl: stack.sim.url },
    ]);
  });

  it("a denied consent ends on the hub's failure page and leaves the connection unauthorized", async () => {
    await page.getByRole('link', { name: 'Connections' }).click();
    await page.getByRole('button', { name: 'New connection' }).click();
    await page.fill('input[name=connectionName]', 'Denied BV');
    await page.getByRole('button', { name: 'Create connection' }).click();
    await page.getByRole('heading', { name: 'Denied BV' }).waitFor();
    await shot(page, 'connection-new');

    // A new Exact login (exact-sim otherwise remembers the earlier one, as Exact does).
    await context.clearCookies({ name: 'ExactSimSession' });
    await page.getByRole('link', { name: 'Authorize' }).click();
    // A wrong Exact password is refused on Exact's own login page.
    await page.waitForURL(`${stack.sim.url}/**`);
    await page.fill('input[name=username]', stack.sim.defaults.user.username);
    await page.fill('input[name=password]', 'not-the-password');
    await page.click('button[type=submit]');
    await page.locator('p.error').waitFor();
    await shot(page, 'exact-wrong-login');

    await answerExact('deny');
    const heading = page.getByRole('heading', { level: 1 });
    await heading.waitFor();
    expect(page.url()).toContain('/oauth/exact/callback');
    await expect(page.locator('code').textContent()).resolves.toMatch(/denied|access_denied/);
    await shot(page, 'hub-denied');
    // Back where the authorization started: the connection's own page.
    await page.getByRole('link', { name: 'Back to Koppel' }).click();
    await page.getByRole('heading', { name: 'Denied BV' }).waitFor();
    await expect(page.locator('[data-status]').first().getAttribute('data-status')).resolves.toBe(
      'not_authorized',
    );
  });

  it('refuses a wrong password at sign-in with the hub message, then signs in', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.fill('input[name=email]', OWNER.email);
    await page.fill('input[name=password]', 'wrong-password-here');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('error-alert').textContent()).resolves.toContain(
      'The e-mail address or password is wrong.',
    );
    await shot(page, 'signin-wrong');
    await page.fill('input[name=password]', OWNER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Back on the page where the session ended (the denied connection's).
    await page.getByRole('heading', { name: 'Denied BV' }).waitFor();
  });

  it('turns on two-factor sign-in and then asks for the authenticator code at sign-in', async () => {
    await page.getByRole('link', { name: 'Security' }).click();
    await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
    const uri = (await page.getByTestId('copy-otpauth URI').textContent())!;
    expect(uri).toMatch(/^otpauth:\/\/totp\/Koppel:/);
    const secret = new URL(uri).searchParams.get('secret')!;
    await shot(page, 'totp-enrol');
    // The previous 30-second step is still accepted; the sign-in below then uses the current one.
    await page.fill('input[name=totpCode]', authenticatorCode(secret, new Date(Date.now() - 30_000)));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByText('Two-factor sign-in is on').waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.fill('input[name=email]', OWNER.email);
    await page.fill('input[name=password]', OWNER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const pins = page.locator('.mantine-PinInput-input');
    await pins.first().click();
    await page.keyboard.type('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect(page.getByTestId('error-alert').textContent()).resolves.toContain(
      'authenticator code is wrong',
    );
    await shot(page, 'totp-wrong');
    await pins.first().click();
    await page.keyboard.type(authenticatorCode(secret, new Date()));
    await page.getByRole('button', { name: 'Verify' }).click();
    // Signed in again, on the page where the session ended.
    await page.getByText('Two-factor sign-in is on').waitFor();
    await shot(page, 'totp-on');
  });

  it('creates an API token shown once that works as a bearer token, and an invitation link', async () => {
    await page.getByRole('link', { name: 'API tokens' }).click();
    await page.getByLabel('Name').fill('ci script');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = (await page.getByTestId('copy-token').textContent())!.trim();
    const me = await fetch(`${stack.base}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { email: string } }).user.email).toBe(OWNER.email);
    await page.getByRole('cell', { name: 'ci script' }).waitFor();
    await shot(page, 'tokens');

    await page.getByRole('link', { name: 'Members' }).click();
    await page.getByRole('cell', { name: OWNER.email }).waitFor();
    await page.getByLabel('E-mail').fill('viewer@example.nl');
    await page.getByRole('button', { name: 'Invite' }).click();
    const link = (await page.getByTestId('copy-invitation link').textContent())!.trim();
    expect(link).toMatch(new RegExp(`^${stack.base}/invitations/accept#token=`));
    await page.getByRole('cell', { name: 'viewer@example.nl' }).waitFor();
    await shot(page, 'members');

    // The invitee opens the link in their own browser, picks a password and lands as a viewer.
    const invitee = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const theirs = await invitee.newPage();
      theirs.setDefaultTimeout(15_000);
      await theirs.goto(link);
      await theirs.getByText('is invited to').waitFor();
      await theirs.fill('input[name=name]', 'Victor Viewer');
      await theirs.fill('input[name=password]', 'viewer-password-12');
      await theirs.getByRole('button', { name: 'Accept invitation' }).click();
      await theirs.getByRole('heading', { name: 'Connections' }).waitFor();
      await theirs.getByText('Victor Viewer · viewer').waitFor();
      expect(await theirs.getByRole('button', { name: 'New connection' }).count()).toBe(0);
      await shot(theirs, 'viewer');
    } finally {
      await invitee.close();
    }
  });

  it('serves the dashboard with a Content-Security-Policy it runs under without a violation', async () => {
    const response = await fetch(`${stack.base}/`);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("object-src 'none'");
    const ownPages = cspViolations.filter((v) => v.startsWith(stack.base));
    expect(ownPages).toEqual([]);
  });
});
