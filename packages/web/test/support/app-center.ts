import type { RunningSimulator } from '@koppel/exact-sim';
import type { Browser } from 'playwright-core';

/**
 * Registers an app the way a person does: on exact-sim's App Center page, signed in as the
 * simulated user in a browser context of its own, with the redirect URI the dashboard showed.
 */
export async function registerInAppCenter(
  browser: Browser,
  sim: RunningSimulator,
  name: string,
  redirectUri: string,
): Promise<{ clientId: string; clientSecret: string; webhookSecret: string }> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${sim.url}/appcenter`);
    await page.fill('input[name=username]', sim.defaults.user.username);
    await page.fill('input[name=password]', sim.defaults.user.password);
    await page.click('button[type=submit]');
    await page.fill('input[name=name]', name);
    await page.fill('input[name=redirect_uri]', redirectUri);
    await page.getByRole('button', { name: 'Register app' }).click();
    const text = async (selector: string) => ((await page.locator(selector).textContent()) ?? '').trim();
    await page.locator('#client-secret').waitFor();
    return {
      clientId: await text('#client-id'),
      clientSecret: await text('#client-secret'),
      webhookSecret: await text('#webhook-secret'),
    };
  } finally {
    await context.close();
  }
}
