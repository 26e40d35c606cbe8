import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../hub/test/support/free-port.ts';
import {
  type Dashboard,
  hubApi,
  openDashboard,
  screenshots,
  signUpWithSandboxConnection,
} from './support/dashboard.ts';
import type { Stack } from './support/stack.ts';

const OWNER = { email: 'fleur@example.nl', name: 'Fleur Flows', password: 'flows-password-123' };
const shot = screenshots('flows');

interface ApiRun {
  id: string;
  trigger: string;
  resync: boolean;
  status: string;
  totals: { rowsWritten: number };
  streams: { entity: string; division: number; rowsWritten: number }[];
}
interface ApiFlow {
  id: string;
  enabled: boolean;
}

// Generous limits: under a full parallel `npm test` on two cores each step can take seconds, and
// back-to-back runs (run now, then a resync) wait for exact-sim's 60-calls-a-minute budget.
describe('flows in the dashboard, on the sandbox that npm start runs', { timeout: 180_000 }, () => {
  let dashboard: Dashboard;
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let flowId: string;
  let workspaceId: string;

  beforeAll(async () => {
    dashboard = await openDashboard({ sandbox: true });
    ({ stack, browser, context, page } = dashboard);
  }, 120_000);

  afterAll(() => dashboard?.close());

  it('signs up, authorizes the sandbox connection, enables "Replicate to database" and shows the replicated accounts', async () => {
    await signUpWithSandboxConnection(page, stack, { ...OWNER, workspaceName: 'Bakkerij de Vries' });
    const division = stack.sim.defaults.divisions[0] as number;
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.locator('[data-testid=test-result][data-ok=true]').waitFor();
    await shot(page, 'connection-tested');

    // The guided set-up continues with ApiCenter's steps 3–5: packages, settings, enable.
    await page.getByRole('link', { name: 'Choose packages' }).click();
    await page.waitForURL('**/setup?connection=*&step=packages');
    const replicate = page.locator('[data-package=replicate]');
    await replicate.getByText('Replicate to database').waitFor();
    await expect(replicate.textContent()).resolves.toContain('Postgres');
    await shot(page, 'wizard-packages');
    await replicate.getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Continue to the settings' }).click();

    // The settings form comes from the package's JSON Schema, with its defaults filled in.
    const schema = page.locator('input[name=setting-schema]');
    await expect(schema.inputValue()).resolves.toBe('exact');
    await expect(page.locator('input[name=setting-deleteMode]').inputValue()).resolves.toBe('soft');
    await expect(page.locator('input[name=setting-webhooks]').isChecked()).resolves.toBe(true);
    await expect(
      page.getByRole('checkbox', { name: 'Accounts (customers, suppliers, prospects)' }).isChecked(),
    ).resolves.toBe(true);
    await expect(page.getByTestId('schedule-next').textContent()).resolves.toMatch(/^Next run /);
    // A value the schema's pattern refuses is caught before it reaches the hub.
    await schema.fill('Not A Schema');
    await page.getByText('Must match').waitFor();
    await expect(page.getByRole('button', { name: 'Continue', exact: true }).isDisabled()).resolves.toBe(
      true,
    );
    await shot(page, 'wizard-settings-invalid');
    await schema.fill('exact');
    await shot(page, 'wizard-settings');
    await page.getByRole('button', { name: 'Continue', exact: true }).click();

    await page.getByTestId('flow-summary').getByText('Hub database').waitFor();
    await shot(page, 'wizard-enable');
    await page.getByRole('button', { name: 'Enable now', exact: true }).click();
    await page.waitForURL(/\/flows\/[0-9a-f-]{36}$/);
    flowId = page.url().split('/').pop()!;

    // The run is followed until it finishes, then shows its row counts per stream.
    await page.locator('[data-testid=run][data-status=succeeded]').waitFor({ timeout: 90_000 });
    const [run] = await hubApi<ApiRun[]>(page, 'GET', `/flows/${flowId}/runs`);
    const accounts = run!.streams.find((stream) => stream.entity === 'accounts')!;
    expect(accounts).toMatchObject({ division });
    expect(accounts.rowsWritten).toBeGreaterThan(0);
    const streamRow = page.locator('[data-testid=run-streams] [data-stream=accounts]');
    await expect(streamRow.getByTestId('stream-written').textContent()).resolves.toBe(
      String(accounts.rowsWritten),
    );
    await expect(page.getByTestId('run-totals').first().textContent()).resolves.toContain(
      `${run!.totals.rowsWritten.toLocaleString('en-US')} written`,
    );
    await shot(page, 'flow-run');

    // The Data page shows the replicated accounts with their count and a preview of the rows.
    await page
      .getByRole('link', { name: 'Replicated data' })
      .waitFor({ state: 'detached' })
      .catch(() => {});
    await page.getByRole('link', { name: 'Tables and rows' }).click();
    const accountsTable = page.locator('[data-testid=replica-tables] [data-table=accounts]');
    await expect(accountsTable.getByTestId('table-rows').textContent()).resolves.toBe(
      String(accounts.rowsWritten),
    );
    await accountsTable.click();
    const preview = page.getByTestId('row-preview');
    await preview.waitFor();
    await expect(preview.locator('thead').textContent()).resolves.toContain('name');
    expect(await preview.locator('tbody tr').count()).toBe(Math.min(20, accounts.rowsWritten));
    await expect(preview.locator('tbody tr').first().textContent()).resolves.toContain(String(division));
    await shot(page, 'data');
  });

  it('pauses and resumes a flow, runs it now and asks before a full resync', async () => {
    await page.getByRole('link', { name: 'Flows', exact: true }).click();
    const card = page.locator('[data-flow="Replicate to database"]');
    await card.getByTestId('last-run').waitFor();
    await expect(card.getByTestId('next-run').textContent()).resolves.not.toContain('Paused');
    await shot(page, 'overview');

    await card.getByRole('button', { name: 'Pause' }).click();
    await card.getByTestId('paused').waitFor();
    await expect(card.getByTestId('next-run').textContent()).resolves.toContain('Paused');
    expect((await hubApi<ApiFlow>(page, 'GET', `/flows/${flowId}`)).enabled).toBe(false);
    await shot(page, 'overview-paused');
    await card.getByRole('button', { name: 'Resume' }).click();
    await card.getByTestId('paused').waitFor({ state: 'detached' });
    expect((await hubApi<ApiFlow>(page, 'GET', `/flows/${flowId}`)).enabled).toBe(true);

    const before = await hubApi<ApiRun[]>(page, 'GET', `/flows/${flowId}/runs`);
    await card.getByRole('button', { name: 'Run now' }).click();
    await expect
      .poll(async () => (await hubApi<ApiRun[]>(page, 'GET', `/flows/${flowId}/runs`)).length, {
        timeout: 20_000,
      })
      .toBe(before.length + 1);
    // The card may still show the previous run until the new one finishes: wait on the run itself.
    await expect
      .poll(async () => (await hubApi<ApiRun[]>(page, 'GET', `/flows/${flowId}/runs`))[0]?.status, {
        timeout: 90_000,
      })
      .toBe('succeeded');
    const [manual] = await hubApi<ApiRun[]>(page, 'GET', `/flows/${flowId}/runs`);
    expect(manual).toMatchObject({ trigger: 'manual', resync: false, status: 'succeeded' });
    // Nothing changed in Exact since the first load: the incremental run writes nothing.
    await expect
      .poll(async () => card.getByTestId('last-run-rows').textContent(), { timeout: 20_000 })
      .toContain('0 rows written');

    await card.getByRole('button', { name: 'Full resync' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.textContent()).resolves.toContain('reads every record again');
    await shot(page, 'resync-confirm');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await hubApi<ApiRun[]>(page, 'GET', `/flows/${flowId}/runs`)).toHaveLength(before.length + 1);
    await card.getByRole('button', { name: 'Full resync' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Resync' }).click();
    await expect
      .poll(async () => (await hubApi<ApiRun[]>(page, 'GET', `/flows/${flowId}/runs`))[0]?.resync, {
        timeout: 20_000,
      })
      .toBe(true);
    await card.locator('[data-testid=last-run][data-status=succeeded]').waitFor({ timeout: 90_000 });
  });

  it("edits a flow's settings from the overview", async () => {
    const card = page.locator('[data-flow="Replicate to database"]');
    await card.getByRole('link', { name: 'Edit settings' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Delete mode', { exact: true }).click();
    await page.getByRole('option', { name: 'hard' }).click();
    await dialog.getByLabel('Schedule', { exact: true }).click();
    await page.getByRole('option', { name: 'Every hour' }).click();
    await shot(page, 'edit-settings');
    await dialog.getByRole('button', { name: 'Save settings' }).click();
    await dialog.waitFor({ state: 'detached' });
    const flow = await hubApi<ApiFlow & { settings: Record<string, unknown>; schedule: string }>(
      page,
      'GET',
      `/flows/${flowId}`,
    );
    expect(flow.settings.deleteMode).toBe('hard');
    expect(flow.schedule).toBe('0 * * * *');
  });

  it('a destination whose test fails shows the reason; the real Postgres passes', async () => {
    await page.getByRole('link', { name: 'Destinations' }).click();
    await page.getByTestId('hub-destination').waitFor();
    await page.getByText('No Postgres destinations of your own yet').waitFor();
    await shot(page, 'destinations-empty');

    // Nothing listens on this port: the test names the cause.
    const closedPort = await freePort();
    await page.getByRole('button', { name: 'New destination' }).click();
    await page.fill('input[name=destinationName]', 'Warehouse');
    await page.fill('input[name=connectionString]', `postgres://bi:s3cret@127.0.0.1:${closedPort}/warehouse`);
    await page.getByRole('button', { name: 'Create destination' }).click();
    const warehouse = page.locator('[data-destination=Warehouse]');
    await warehouse.waitFor();
    // The password is stored encrypted and never shown again.
    await expect(warehouse.textContent()).resolves.not.toContain('s3cret');
    await warehouse.getByRole('button', { name: 'Test' }).click();
    const failed = warehouse.locator('[data-testid=destination-test][data-ok=false]');
    await failed.waitFor();
    await expect(failed.textContent()).resolves.toContain('destination_unreachable');
    const reason = (await failed.textContent()) ?? '';
    expect(reason.length).toBeGreaterThan(
      'Destination test failed'.length + 'destination_unreachable'.length + 10,
    );

    await page.getByRole('button', { name: 'New destination' }).click();
    await page.fill('input[name=destinationName]', 'Local Postgres');
    await page.fill('input[name=connectionString]', 'postgres://root@127.0.0.1:5432/postgres');
    await page.getByRole('button', { name: 'Create destination' }).click();
    const local = page.locator('[data-destination="Local Postgres"]');
    await local.getByRole('button', { name: 'Test' }).click();
    await local.locator('[data-testid=destination-test][data-ok=true]').waitFor();
    await expect(local.textContent()).resolves.toContain('database postgres');
    await shot(page, 'destinations');

    // Edit keeps the stored connection string unless a new one is typed; delete asks first.
    await warehouse.getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('dialog').locator('input[name=destinationName]').fill('Old warehouse');
    await page.getByRole('dialog').getByRole('button', { name: 'Save destination' }).click();
    const renamed = page.locator('[data-destination="Old warehouse"]');
    await expect(renamed.textContent()).resolves.toContain(`127.0.0.1:${closedPort}/warehouse`);
    await renamed.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await renamed.waitFor({ state: 'detached' });
    const left = await hubApi<{ name: string }[]>(
      page,
      'GET',
      `/workspaces/${await workspace()}/destinations`,
    );
    expect(left.map((d) => d.name)).toEqual(['Local Postgres']);
  });

  it('creates a second flow paused with "Start manually" from New flow', async () => {
    await page.getByRole('link', { name: 'Flows', exact: true }).click();
    await page.getByRole('link', { name: 'New flow' }).click();
    await page.locator('[data-package=replicate]').getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Continue to the settings' }).click();
    await page.fill('input[name=flowName]', 'Accounts only');
    for (const entity of ['Contacts', 'Addresses', 'Items', 'G/L accounts', 'Financial transaction lines']) {
      await page.getByRole('checkbox', { name: entity, exact: true }).uncheck();
    }
    await page.getByRole('checkbox', { name: 'Sales invoices (one row per line)' }).uncheck();
    await page.getByRole('checkbox', { name: 'Sales orders' }).uncheck();
    // The rest of Exact's sync/ and bulk/ endpoints: one search, grouped by the permission each needs.
    await page.getByText("More from Exact's catalogue (24)").waitFor();
    const catalogue = page.getByPlaceholder('Search entities');
    await catalogue.click();
    await catalogue.fill('logistics inventory');
    const dropdown = page.getByRole('listbox');
    await dropdown.getByText('Logistics inventory', { exact: true }).waitFor();
    await expect(dropdown.getByRole('option').count()).resolves.toBe(3);
    await shot(page, 'catalogue-entities');
    await catalogue.fill('stock pos');
    await page.getByRole('option', { name: 'Stock positions (sync/Inventory/StockPositions)' }).click();
    await page.fill('input[name=setting-schema]', 'exact_accounts');
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    await page.getByRole('button', { name: 'Start manually' }).click();
    await page.waitForURL('**/flows');
    const card = page.locator('[data-flow="Accounts only"]');
    await card.getByTestId('paused').waitFor();
    // The card's last run loads after the card itself.
    await card.getByText('Never run').waitFor();
    await shot(page, 'overview-two-flows');
    const flows = await hubApi<
      (ApiFlow & { name: string; entities: string[]; settings: { schema: string } })[]
    >(page, 'GET', `/workspaces/${await workspace()}/flows`);
    expect(flows.find((flow) => flow.name === 'Accounts only')).toMatchObject({
      enabled: false,
      entities: ['accounts', 'inventory_stock_positions'],
      settings: { schema: 'exact_accounts' },
    });
  });

  it('fits a phone: overview, flow page, data page and the package step', async () => {
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      storageState: await context.storageState(),
    });
    try {
      const small = await phone.newPage();
      small.setDefaultTimeout(20_000);
      const connectionId = (await hubApi<{ connectionId: string }>(page, 'GET', `/flows/${flowId}`))
        .connectionId;
      for (const [name, path, ready] of [
        ['phone-overview', '/flows', '[data-testid=last-run]'],
        ['phone-flow', `/flows/${flowId}`, '[data-testid=runs]'],
        ['phone-data', `/data?flow=${flowId}&table=accounts`, '[data-testid=row-preview]'],
        ['phone-packages', `/setup?connection=${connectionId}&step=packages`, '[data-package=replicate]'],
        ['phone-destinations', '/destinations', '[data-testid=hub-destination]'],
      ] as const) {
        await small.goto(`${stack.base}${path}`);
        await small.locator(ready).first().waitFor();
        await shot(small, name);
        // Wide tables scroll inside their own box; the page itself never scrolls sideways.
        const overflow = await small.evaluate<number>(
          'document.documentElement.scrollWidth - window.innerWidth',
        );
        expect(overflow, name).toBeLessThanOrEqual(0);
      }
    } finally {
      await phone.close();
    }
  });

  it('shows a viewer every flow, run and table, without a button that changes anything', async () => {
    const invitation = await hubApi<{ url: string }>(
      page,
      'POST',
      `/workspaces/${await workspace()}/invitations`,
      {
        email: 'vera@example.nl',
        role: 'viewer',
      },
    );
    const viewer = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const theirs = await viewer.newPage();
      theirs.setDefaultTimeout(20_000);
      await theirs.goto(invitation.url);
      await theirs.fill('input[name=name]', 'Vera Viewer');
      await theirs.fill('input[name=password]', 'viewer-password-12');
      await theirs.getByRole('button', { name: 'Accept invitation' }).click();
      await theirs.getByText('Vera Viewer · viewer').waitFor();

      await theirs.getByRole('link', { name: 'Flows', exact: true }).click();
      const card = theirs.locator('[data-flow="Replicate to database"]');
      await card.getByTestId('last-run').waitFor();
      for (const name of ['Run now', 'Pause', 'Full resync', 'New flow']) {
        expect(await theirs.getByRole('button', { name, exact: true }).count(), name).toBe(0);
      }
      expect(await theirs.getByRole('link', { name: 'Edit settings' }).count()).toBe(0);
      await shot(theirs, 'viewer-overview');

      await card.getByRole('link', { name: 'Replicate to database' }).click();
      await theirs.getByTestId('runs').waitFor();
      expect(await theirs.getByRole('button', { name: 'Delete', exact: true }).count()).toBe(0);
      expect(await theirs.getByRole('button', { name: 'Edit settings' }).count()).toBe(0);

      await theirs.getByRole('link', { name: 'Destinations' }).click();
      await theirs.locator('[data-destination="Local Postgres"]').waitFor();
      for (const name of ['Test', 'Edit', 'Delete', 'New destination']) {
        expect(await theirs.getByRole('button', { name, exact: true }).count(), name).toBe(0);
      }

      await theirs.getByRole('link', { name: 'Data' }).click();
      await theirs.locator('[data-testid=replica-tables] [data-table=accounts]').waitFor();
    } finally {
      await viewer.close();
    }
  });

  async function workspace(): Promise<string> {
    workspaceId ??= (await hubApi<{ workspaces: { id: string }[] }>(page, 'GET', '/me')).workspaces[0]!.id;
    return workspaceId;
  }
});
