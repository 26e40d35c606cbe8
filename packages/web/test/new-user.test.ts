// Issue 13: the dashboard as a new user meets it, on the sandbox `npm start` runs. Each `it`
// protects one of the numbered items; screenshots go to packages/web/test-results/.
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_APP_TITLE } from '../../hub/src/connections/demo-sandbox.ts';
import { authenticatorCode } from './support/authenticator.ts';
import { type Dashboard, openDashboard, openPage, screenshots } from './support/dashboard.ts';
import type { Stack } from './support/stack.ts';

const OWNER = { email: 'nina@example.nl', name: 'Nina Nieuw', password: 'new-user-password-1' };
const shot = screenshots('new-user');
const WHITE = 'rgb(255, 255, 255)';
/**
 * The badges on the page a phone user cannot read: the label cut off with an ellipsis, or the
 * badge pushed past the screen's right edge (a table wider than the screen, clipped by its card).
 */
const unreadableBadges = (page: Page) =>
  page.locator('.mantine-Badge-root').evaluateAll((badges) =>
    badges
      .filter((el) => {
        const label = el.querySelector('.mantine-Badge-label') ?? el;
        const right = el.getBoundingClientRect().right;
        return (
          label.scrollWidth > label.clientWidth + 1 || right > el.ownerDocument.documentElement.clientWidth
        );
      })
      .map((el) => el.textContent),
  );
/** What an `<input>` or `<textarea>` tells about itself (the tests compile without the DOM types). */
interface TextField {
  type: string;
  name: string;
  id: string;
  readOnly: boolean;
  inputMode: string;
  hasAttribute(name: string): boolean;
  getAttribute(name: string): string | null;
}
/**
 * The text inputs in `scope` without a `maxlength`, by name: a user could type past the hub's
 * limit and learn it only from a refusal. Numbers (min/max), pickers (their search text is not
 * sent, only the choice) and package settings (limited by their own schema, when it has a limit)
 * are not text inputs here.
 */
const inputsWithoutLimit = (scope: Page | Locator) =>
  scope
    .locator('input, textarea')
    .evaluateAll((inputs) =>
      (inputs as unknown as TextField[])
        .filter(
          (input) =>
            ['text', 'password', 'email', 'url', 'search', 'textarea'].includes(input.type) &&
            !input.readOnly &&
            !input.hasAttribute('aria-haspopup') &&
            !['numeric', 'decimal'].includes(input.inputMode) &&
            !input.name.startsWith('setting-') &&
            !input.hasAttribute('maxlength'),
        )
        .map((input) => input.name || input.getAttribute('aria-label') || input.id),
    );
const bodyBackground = (page: Page) =>
  page.evaluate<string>('getComputedStyle(document.body).backgroundColor');

describe('the dashboard as a new user meets it (issue 13)', { timeout: 90_000 }, () => {
  let dashboard: Dashboard;
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let connectionUrl: string;

  beforeAll(async () => {
    dashboard = await openDashboard({ sandbox: true });
    ({ stack, browser, context, page } = dashboard);
  }, 120_000);

  afterAll(() => dashboard?.close());

  it('item 6: a fresh hub opens on sign-up', async () => {
    await page.goto(stack.base);
    // No tab to find: while the hub has no users the sign-up form is what the page shows.
    await page.getByRole('button', { name: 'Create account' }).waitFor();
    // Item 3: limits are in the inputs themselves.
    await expect(page.locator('input[name=name]').getAttribute('maxlength')).resolves.toBe('200');
    expect(await inputsWithoutLimit(page)).toEqual([]);
    await shot(page, 'signup-open');
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
    // The clear next step: choose what the connection moves (the guided set-up's packages step).
    const next = page.getByRole('link', { name: 'Choose packages' });
    await expect(next.getAttribute('href')).resolves.toMatch(
      /\/setup\?connection=[0-9a-f-]{36}&step=packages$/,
    );
    await expect(next.getAttribute('data-disabled')).resolves.toBeNull();
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

  it('item 5: when Exact refuses the stored authorization, a red banner and "Authorize again" as the primary button', async () => {
    const control = (path: string, body: unknown) =>
      fetch(`${stack.sim.url}/_sim${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    // Exact revokes the refresh token and the access token runs out: only a new consent helps.
    expect((await control('/faults', { revokeRefreshTokens: true })).status).toBe(200);
    expect((await control('/clock', { advanceMs: 11 * 60_000 })).status).toBe(200);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.locator('[data-testid=test-result][data-ok=false]').waitFor();
    await page.reload();
    await page.getByText('Exact needs a new authorization').waitFor();
    const again = page.getByRole('link', { name: 'Authorize again' });
    await expect(again.getAttribute('data-primary')).resolves.toBe('true');
    await shot(page, 'needs-reauth');

    // Authorizing again (every division ticked) makes it usable, and the button secondary again.
    await again.click();
    await page.waitForURL(`${stack.sim.url}/**`);
    await page.waitForSelector('input[name=divisions]');
    await page.click('button[value=allow]');
    await page.getByRole('heading', { name: 'Connection authorized' }).waitFor();
    await page.getByRole('link', { name: /Back to Koppel/ }).click();
    await page.waitForURL(connectionUrl);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.locator('[data-testid=test-result][data-ok=true]').waitFor();
    expect(await page.getByText('Exact needs a new authorization').count()).toBe(0);
    await expect(again.getAttribute('data-primary')).resolves.toBe('false');
  });

  it('item 3: a refused rename says why in plain words, next to the field, inside the dialog', async () => {
    await page.getByRole('button', { name: 'Rename' }).click();
    const dialog = page.getByRole('dialog');
    const input = dialog.locator('input[name=connectionName]');
    await input.fill('x'.repeat(250));
    expect((await input.inputValue()).length).toBe(200);
    await input.fill('   ');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByText('This field is required.').waitFor();
    expect(await page.getByText(/request body is invalid/i).count()).toBe(0);
    await shot(page, 'rename-refused');
    await input.fill('Sandbox BV');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Sandbox BV' }).waitFor();
  });

  it('item 4: an API token expiry of -5 days is refused with a message', async () => {
    await page.getByRole('link', { name: 'API tokens' }).click();
    await page.fill('input[name=tokenName]', 'script');
    const days = page.locator('input[name=expiresInDays]');
    await days.fill('-5');
    await days.blur();
    await page.getByText('Enter a whole number of days from 1 to 3650').waitFor();
    await expect(days.inputValue()).resolves.toBe('-5');
    await expect(page.getByRole('button', { name: 'Create token' }).isDisabled()).resolves.toBe(true);
    await shot(page, 'token-days-refused');
    await days.fill('30');
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByRole('cell', { name: 'script' }).waitFor();
  });

  it("item 3: every form carries the hub's limits in its inputs", async () => {
    const check = async (path: string, open?: () => Promise<Locator>) => {
      await page.goto(`${stack.base}${path}`);
      await page.getByRole('heading', { level: 2 }).first().waitFor();
      const scope = open ? await open() : page;
      await scope.locator('input').first().waitFor();
      expect({ path, missing: await inputsWithoutLimit(scope) }).toEqual({ path, missing: [] });
    };
    const dialog = (button: string) => async () => {
      await page.getByRole('button', { name: button }).click();
      return page.getByRole('dialog');
    };
    await check('/connections', dialog('New connection'));
    await check(new URL(connectionUrl).pathname, dialog('Rename'));
    await check('/apps', async () => {
      const form = await dialog('New app')();
      await form.locator('select[name=region]').selectOption('custom');
      await form.locator('input[name=baseUrl]').waitFor();
      return form;
    });
    await check('/destinations', dialog('New destination'));
    await check('/tokens');
    await check('/members');
    await check('/security');
    await check('/flows/new', async () => {
      await page.locator('[data-package=replicate]').getByRole('checkbox').check();
      await page.getByRole('button', { name: 'Continue to the settings' }).click();
      await page
        .getByRole('textbox', { name: 'Schedule', exact: true })
        .or(page.getByRole('combobox', { name: 'Schedule', exact: true }))
        .first()
        .click();
      await page.getByRole('option', { name: 'Custom (cron)' }).click();
      await page.locator('input[name=schedule]').waitFor();
      return page.locator('main');
    });
  });

  it('item 6 + 7: sign-up is gone once the hub has users; an admin sees only what an admin may do, and Leave asks first', async () => {
    await page.getByRole('link', { name: 'Members' }).click();
    const csrf = (await context.cookies()).find((c) => c.name === 'koppel_csrf')!.value;
    const link = await page.evaluate(async (csrf) => {
      const me = (await (await fetch('/api/v1/me')).json()) as { workspaces: { id: string }[] };
      const response = await fetch(`/api/v1/workspaces/${me.workspaces[0]!.id}/invitations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-koppel-csrf': decodeURIComponent(csrf) },
        body: JSON.stringify({ email: 'adam@example.nl', role: 'admin' }),
      });
      return ((await response.json()) as { url: string }).url;
    }, csrf);

    const { context: admin, page: theirs } = await openPage(browser);
    try {
      await theirs.goto(stack.base);
      await theirs.getByRole('button', { name: 'Sign in' }).waitFor();
      expect(await theirs.getByText('Create the first account').count()).toBe(0);
      await shot(theirs, 'signin-closed');
      await theirs.goto(link);
      await theirs.locator('input[name=totpCode]').waitFor();
      expect(await inputsWithoutLimit(theirs)).toEqual([]);
      await theirs.fill('input[name=name]', 'Adam Admin');
      await theirs.fill('input[name=password]', 'admin-password-1234');
      await theirs.getByRole('button', { name: 'Accept invitation' }).click();
      await theirs.getByText('Adam Admin · admin').waitFor();
      await theirs.getByRole('link', { name: 'Members' }).click();
      const ownerRow = theirs.getByRole('row', { name: new RegExp(OWNER.email) });
      await ownerRow.waitFor();
      // The owner can be neither removed nor re-roled by an admin: no control for it.
      expect(await ownerRow.getByRole('button').count()).toBe(0);
      expect(await ownerRow.getByRole('textbox').count()).toBe(0);
      const ownRow = theirs.getByRole('row', { name: /adam@example.nl/ });
      await ownRow.getByRole('button', { name: 'Leave' }).click();
      await theirs.getByRole('dialog').getByText('You lose access to this workspace').waitFor();
      await shot(theirs, 'leave-confirm');
      await theirs.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
      await theirs.getByText('Adam Admin · admin').waitFor();
    } finally {
      await admin.close();
    }
    // The owner's Remove asks first too.
    await page.reload();
    await page
      .getByRole('row', { name: /adam@example.nl/ })
      .getByRole('button', { name: 'Remove' })
      .click();
    await page.getByRole('dialog').getByText('They lose access at once').waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  });

  it('item 12: favicon, whole badges at phone width, and light and dark theme following the system', async () => {
    const icon = await fetch(`${stack.base}/favicon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toContain('image/svg+xml');
    await expect(page.locator('link[rel=icon]').getAttribute('href')).resolves.toBe('/favicon.svg');

    const { context: phone, page: small } = await openPage(browser, {
      viewport: { width: 375, height: 740 },
      colorScheme: 'dark',
      storageState: await context.storageState(),
    });
    try {
      await small.goto(`${stack.base}/connections`);
      await small.locator('[data-status]').first().waitFor();
      expect(await unreadableBadges(small)).toEqual([]);
      await expect(small.locator('html').getAttribute('data-mantine-color-scheme')).resolves.toBe('dark');
      expect(await bodyBackground(small)).not.toBe(WHITE);
      await shot(small, 'phone-dark-connections');
      await small.goto(connectionUrl);
      await small.getByRole('heading', { name: 'Sandbox BV' }).waitFor();
      await small.locator('[data-status]').first().waitFor();
      expect(await unreadableBadges(small)).toEqual([]);
      await shot(small, 'phone-dark-connection');
      // The system switching to light mode switches the open dashboard with it, no reload.
      await small.emulateMedia({ colorScheme: 'light' });
      await small.locator('html[data-mantine-color-scheme=light]').waitFor({ state: 'attached' });
      expect(await bodyBackground(small)).toBe(WHITE);
      await shot(small, 'phone-light-connection');
    } finally {
      await phone.close();
    }
  });

  it("item 10: the app form says where Exact's App Center keeps each value, per region, with the redirect URI", async () => {
    await page.getByRole('link', { name: 'Exact apps' }).click();
    // Item 8: the hub lists the sandbox app under the name Exact's consent screen used.
    await page.getByRole('cell', { name: DEMO_APP_TITLE }).waitFor();
    await page.getByRole('button', { name: 'New app' }).click();
    const dialog = page.getByRole('dialog');
    const help = dialog.getByTestId('app-center-help');
    await help.waitFor();
    await dialog.locator('select[name=region]').selectOption('be');
    await expect(help.getByTestId('app-center-link').getAttribute('href')).resolves.toBe(
      'https://apps.exactonline.com/be/nl-BE/V2/Manage',
    );
    await expect(help.textContent()).resolves.toContain(`${stack.base}/oauth/exact/callback`);
    await dialog.locator('select[name=region]').selectOption('custom');
    // The simulator's real address, not a made-up example port.
    await expect(dialog.textContent()).resolves.toContain(
      `the simulator this hub runs answers on ${stack.sim.url}`,
    );
    await expect(help.getByTestId('app-center-link').getAttribute('href')).resolves.toBe(
      `${stack.sim.url}/appcenter`,
    );
    await shot(page, 'app-form-help');
    await page.keyboard.press('Escape');
  });

  it('item 9: two-factor set-up shows a QR code of the setup URI beside the secret', async () => {
    await page.getByRole('link', { name: 'Security' }).click();
    await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
    const uri = (await page.getByTestId('copy-otpauth URI').textContent())!.trim();
    const qr = page.getByTestId('totp-qr');
    await qr.waitFor();
    const src = (await qr.getAttribute('src'))!;
    expect(src.startsWith('data:image/svg+xml;utf8,')).toBe(true);
    // The picture is the QR code of exactly this URI (what an authenticator app scans).
    const expected = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    expect(decodeURIComponent(src.slice('data:image/svg+xml;utf8,'.length))).toBe(expected);
    await shot(page, 'totp-qr');
  });

  it('item 9: recovery codes are shown once, each signs in once instead of a code, and a new set can be made', async () => {
    // Still on the set-up of the previous test: turn two-factor on with the app's current code.
    const secret = (await page.getByTestId('copy-secret').textContent())!.trim();
    await page.fill('input[name=totpCode]', authenticatorCode(secret, new Date()));
    await page.getByRole('button', { name: 'Turn on' }).click();
    const shown = page.getByTestId('recovery-codes');
    await shown.waitFor();
    const codes = (await shown.getByTestId('recovery-code').allTextContents()).map((code) => code.trim());
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    await expect(page.getByTestId('recovery-codes-left').getAttribute('data-remaining')).resolves.toBe('10');
    // The QR code stays part of the set-up; it is not shown once two-factor is on.
    expect(await page.getByTestId('totp-qr').count()).toBe(0);
    await shot(page, 'recovery-codes-shown');
    await shown.getByRole('button', { name: 'I have saved them' }).click();
    await page.reload();
    await page.getByTestId('recovery-codes-left').waitFor();
    expect(await page.getByTestId('recovery-codes').count()).toBe(0);

    /** Signs in on a fresh browser with the password, then a recovery code instead of the app's code. */
    const signInWithRecoveryCode = async (code: string) => {
      const opened = await openPage(browser);
      await opened.page.goto(stack.base);
      await opened.page.fill('input[name=email]', OWNER.email);
      await opened.page.fill('input[name=password]', OWNER.password);
      await opened.page.getByRole('button', { name: 'Sign in' }).click();
      await opened.page.getByRole('button', { name: 'Lost your phone? Use a recovery code' }).click();
      await opened.page.getByLabel('Recovery code').fill(code);
      await opened.page.getByRole('button', { name: 'Verify' }).click();
      return opened;
    };
    const lostPhone = await signInWithRecoveryCode(codes[0]!.toUpperCase());
    try {
      await lostPhone.page.getByText(`${OWNER.name} · owner`).waitFor();
    } finally {
      await lostPhone.context.close();
    }
    await page.reload();
    await expect(page.getByTestId('recovery-codes-left').getAttribute('data-remaining')).resolves.toBe('9');

    const replay = await signInWithRecoveryCode(codes[0]!);
    try {
      await replay.page.getByText('recovery code is wrong or was already used').waitFor();
      // The code stays in the field, to be checked for a typo.
      await expect(replay.page.getByLabel('Recovery code').inputValue()).resolves.toBe(codes[0]);
      await shot(replay.page, 'recovery-code-used');
    } finally {
      await replay.context.close();
    }

    // A new set for the password replaces the old one.
    await page.fill('input[name=recoveryPassword]', 'not-the-password');
    await page.getByRole('button', { name: 'Generate new recovery codes' }).click();
    await page.getByText('The password is wrong.').waitFor();
    await page.fill('input[name=recoveryPassword]', OWNER.password);
    await page.getByRole('button', { name: 'Generate new recovery codes' }).click();
    await page.locator('[data-testid=recovery-codes-left][data-remaining="10"]').waitFor();
    const renewed = (await page.getByTestId('recovery-code').allTextContents()).map((code) => code.trim());
    expect(renewed).toHaveLength(10);
    expect(renewed.some((code) => codes.includes(code))).toBe(false);
    await shot(page, 'recovery-codes-renewed');
  });
});
