// Starts what the dashboard needs for real: exact-sim, and a hub with every standard module
// (which serves packages/web/dist), plus Debian's Chromium through exact-sim's test launcher.
import { createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { type RunningSimulator, startSimulator } from '@koppel/exact-sim';
import {
  type AppServices,
  createHub,
  type Feature,
  type Hub,
  loadConfig,
  STANDARD_FEATURES,
} from '@koppel/hub';
import type { Browser, Page } from 'playwright-core';
import { demoAppsPlugin } from '../../hub/src/connections/demo-sandbox.ts';
import { freePort } from '../../hub/test/support/free-port.ts';

export { launchBrowser } from '../../exact-sim/test/support/browser.ts';

/** Keeps the hub's log lines so a failing test can print them. */
export class LogLines extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
}

export interface Stack {
  hub: Hub;
  base: string;
  sim: RunningSimulator;
  logs: LogLines;
  close(): Promise<void>;
}

export interface StackOptions {
  /**
   * As `npm start` runs it: exact-sim's default app registered with the hub's redirect URI,
   * every new workspace gets the sandbox app and connection, and a worker runs the flows. Unlike
   * `npm start` the connection gets no ready-made flow, so a test chooses the package itself.
   */
  sandbox?: boolean;
}

/**
 * exact-sim plus a hub on an in-memory PGlite, both on random ports. The hub gets a fixed port
 * and public URL, as in production: its OAuth failure page links back to the URL it had at start.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const port = await freePort();
  const sim = await startSimulator(
    {
      port: 0,
      ...(options.sandbox
        ? { defaultApp: { redirectUri: `http://127.0.0.1:${port}/oauth/exact/callback` } }
        : {}),
    },
    { log: () => {} },
  );
  const logs = new LogLines();
  const config = loadConfig({
    KOPPEL_PORT: String(port),
    KOPPEL_PUBLIC_URL: `http://127.0.0.1:${port}`,
    KOPPEL_DATA_DIR: 'memory://',
    KOPPEL_LOG_LEVEL: 'info',
    KOPPEL_EXACT_BASE_URLS: sim.url,
  });
  const sandbox: Feature = {
    name: 'sandbox',
    rootRoutes: (s: AppServices) => [demoAppsPlugin(s.connectionsDeps, sim)],
  };
  const features = options.sandbox ? [...STANDARD_FEATURES, sandbox] : STANDARD_FEATURES;
  const hub = await createHub(config, { features, logDestination: logs });
  if (options.sandbox) await hub.startWorker({ pollingIntervalSeconds: 0.5 });
  const base = await hub.listen();
  return {
    hub,
    base,
    sim,
    logs,
    async close() {
      await Promise.allSettled([hub.close(), sim.close()]);
    },
  };
}

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

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 6238 code (SHA-1, 30 s, 6 digits) as an authenticator app computes it; written apart from the hub's. */
export function authenticatorCode(secretBase32: string, at: Date): string {
  let bits = '';
  for (const char of secretBase32.replace(/=+$/, '').toUpperCase()) {
    bits += BASE32.indexOf(char).toString(2).padStart(5, '0');
  }
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((byte) => Number.parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at.getTime() / 30_000)));
  const digest = createHmac('sha1', key).update(counter).digest();
  const offset = digest[19]! & 0x0f;
  return String((digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/** Where the browser tests save their screenshots. */
export const SHOTS = fileURLToPath(new URL('../test-results/', import.meta.url));

/** Saves `<prefix>-<name>.png` once every transition on the page (a dialog fading in) has ended or been cancelled. */
export function screenshots(prefix: string): (page: Page, name: string) => Promise<void> {
  return async (page, name) => {
    await page.evaluate(
      'Promise.all(document.getAnimations().map((animation) => animation.finished.catch(() => undefined)))',
    );
    await page.screenshot({ path: `${SHOTS}${prefix}-${name}.png`, fullPage: true });
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
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
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
 * After a click on Authorize: signs in on exact-sim's consent page as the simulated user,
 * allows every division offered, and follows "Back to Koppel".
 */
export async function consentInExactSim(page: Page, sim: RunningSimulator): Promise<void> {
  await page.waitForURL(`${sim.url}/**`);
  await page.fill('input[name=username]', sim.defaults.user.username);
  await page.fill('input[name=password]', sim.defaults.user.password);
  await page.click('button[type=submit]');
  await page.waitForSelector('input[name=divisions]');
  await page.click('button[value=allow]');
  await page.getByRole('link', { name: 'Back to Koppel' }).click();
}
