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
