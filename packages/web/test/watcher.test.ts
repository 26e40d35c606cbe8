import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  consentInExactSim,
  type Dashboard,
  hubApi,
  openDashboard,
  screenshots,
} from './support/dashboard.ts';
import type { Stack } from './support/stack.ts';

const OWNER = { email: 'wim@example.nl', name: 'Wim Watcher', password: 'watcher-password-123' };
/** The hub's database refuses account rows whose id ends in an odd byte: about half of them. */
const REFUSE_ODD_IDS =
  'alter table exact.accounts add constraint refuse_odd_ids check (get_byte(uuid_send(id), 15) % 2 = 0) not valid';

const shot = screenshots('watcher');

interface ApiRun {
  id: string;
  status: string;
  streams: { rowsWritten: number; rowsDeleted: number; apiCalls: number }[];
}
interface ApiError {
  id: string;
  status: string;
  resolution: string | null;
  message: string;
}

describe('the watcher and the home page, on the sandbox that npm start runs', { timeout: 240_000 }, () => {
  let dashboard: Dashboard;
  let stack: Stack;
  let page: Page;
  let workspaceId: string;
  let flowId: string;

  beforeAll(async () => {
    dashboard = await openDashboard({ sandbox: true });
    ({ stack, page } = dashboard);
    page.setDefaultTimeout(30_000);
  }, 120_000);
  afterAll(() => dashboard?.close());

  const runToEnd = async (): Promise<ApiRun> => {
    const queued = await hubApi<ApiRun>(page, 'POST', `/flows/${flowId}/run`);
    expect(queued).toMatchObject({ id: expect.any(String) });
    await expect
      .poll(async () => (await hubApi<ApiRun[]>(page, 'GET', `/flows/${flowId}/runs`))[0]?.status, {
        timeout: 90_000,
      })
      .toMatch(/succeeded|failed/);
    const [latest] = await hubApi<ApiRun[]>(page, 'GET', `/flows/${flowId}/runs`);
    expect(latest?.id).toBe(queued.id);
    return latest!;
  };
  const destination = () => stack.hub.services.flows.destinations.open('', null);

  it('shows the records a destination refused in the watcher, and retry after the fix resolves them', async () => {
    await page.goto(stack.base);
    await page.getByText('Create the first account').click();
    await page.fill('input[name=email]', OWNER.email);
    await page.fill('input[name=name]', OWNER.name);
    await page.fill('input[name=password]', OWNER.password);
    await page.fill('input[name=workspaceName]', 'Watcher BV');
    await page.getByRole('button', { name: 'Create account' }).click();

    // The home page lists the sandbox connection with its health.
    await page.getByTestId('home-connections').getByText('Not authorized').waitFor();
    await page.getByRole('link', { name: 'Sandbox connection' }).click();
    await page.getByRole('link', { name: 'Authorize' }).click();
    await consentInExactSim(page, stack.sim);
    await page.getByRole('heading', { name: 'Sandbox connection' }).waitFor();
    const division = stack.sim.defaults.divisions[0]!;
    await page.locator(`[data-division="${division}"]`).getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Save linked divisions' }).click();
    await page.getByText('Saved: 1 linked').waitFor();

    const connectionId = page.url().split('/').pop()!;
    workspaceId = (await hubApi<{ workspaces: { id: string }[] }>(page, 'GET', '/me')).workspaces[0]!.id;
    const flow = await hubApi<{ id: string }>(page, 'POST', `/connections/${connectionId}/flows`, {
      packageId: 'replicate',
      entities: ['accounts'],
      enabled: false,
    });
    expect(flow).toMatchObject({ id: expect.any(String) });
    flowId = flow.id;
    expect((await runToEnd()).status).toBe('succeeded');

    const db = await destination();
    await db.driver.query(REFUSE_ODD_IDS);
    const created = await fetch(`${stack.sim.url}/_sim/mutations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ division, entity: 'crm/Accounts', creates: 20 }),
    });
    expect(created.ok).toBe(true);
    const refusedRun = await runToEnd();
    expect(refusedRun.status).toBe('succeeded');
    const open = await hubApi<ApiError[]>(page, 'GET', `/workspaces/${workspaceId}/errors?status=open`);
    expect(open.length).toBeGreaterThan(0);
    expect(refusedRun.streams[0]!.rowsWritten).toBe(20 - open.length);

    await page.getByRole('link', { name: 'Watcher', exact: true }).click();
    const groups = page.getByTestId('error-groups');
    await groups.getByText('refuse_odd_ids').first().waitFor();
    await expect(groups.locator('tbody tr').first().textContent()).resolves.toContain(String(open.length));
    await shot(page, 'errors-open');

    // The home page counts them too.
    await page.getByRole('link', { name: 'Home', exact: true }).click();
    await expect.poll(() => page.getByTestId('open-errors').textContent()).toBe(String(open.length));

    // Fix the cause, then retry from the watcher: the next run sends them again and they resolve.
    await db.driver.query('alter table exact.accounts drop constraint refuse_odd_ids');
    await page.getByRole('link', { name: 'Watcher', exact: true }).click();
    await groups.getByRole('button', { name: 'Retry all' }).click();
    await page.getByTestId('no-open-errors').waitFor({ timeout: 90_000 });
    await shot(page, 'errors-resolved');
    const after = await hubApi<ApiError[]>(page, 'GET', `/workspaces/${workspaceId}/errors`);
    const retried = after.filter((error) => open.some((o) => o.id === error.id));
    expect(retried.map((error) => [error.status, error.resolution])).toEqual(
      open.map(() => ['resolved', 'retried']),
    );
  });

  it('shows the budget and the charts with the numbers of the runs', async () => {
    const runs = await hubApi<ApiRun[]>(page, 'GET', `/flows/${flowId}/runs?limit=50`);
    const moved = runs.flatMap((run) => run.streams).reduce((n, s) => n + s.rowsWritten + s.rowsDeleted, 0);
    const calls = runs.flatMap((run) => run.streams).reduce((n, s) => n + s.apiCalls, 0);
    expect(moved).toBeGreaterThan(0);
    expect(calls).toBeGreaterThan(0);

    await page.getByRole('link', { name: 'Home', exact: true }).click();
    const rowsChart = page.getByTestId('chart-rows');
    // The page refreshes every 10 s: wait until it has read the last run too.
    const totals = async () =>
      `${await rowsChart.getAttribute('data-total')} rows, ${await page.getByTestId('chart-calls').getAttribute('data-total')} calls`;
    await expect.poll(totals, { timeout: 30_000 }).toBe(`${moved} rows, ${calls} calls`);
    await expect(rowsChart.textContent()).resolves.toContain(
      `${moved.toLocaleString('en-US')} in the last 3 days`,
    );
    // recharts drew the series: an area path and one bar per hour with calls.
    await rowsChart.locator('.recharts-area-area').first().waitFor();
    await page.getByTestId('chart-calls').locator('path.recharts-rectangle').first().waitFor();

    const division = stack.sim.defaults.divisions[0]!;
    const budget = page.getByTestId('budgets').locator(`tr[data-division="${division}"]`);
    const used = Number(await budget.getAttribute('data-used'));
    // Every call of the runs came out of today's budget (the connection's own calls too).
    expect(used).toBeGreaterThanOrEqual(calls);
    await expect(budget.textContent()).resolves.toContain('500');
    const overview = await hubApi<{
      budgets: { division: number; used: number; remaining: number; limit: number }[];
    }>(page, 'GET', `/workspaces/${workspaceId}/overview`);
    const api = overview.budgets.find((b) => b.division === division)!;
    // Read after the page: the hub's own background calls (health checks) may have added some.
    expect(api.used).toBeGreaterThanOrEqual(used);
    expect(api.used + api.remaining).toBe(api.limit);
    await expect(budget.textContent()).resolves.toContain(`${(api.limit - used).toLocaleString('en-US')} of`);
    await shot(page, 'home');
  });

  it('shows a record Exact cannot take in the watcher; retry after fixing it in Exact resolves it', async () => {
    const connectionId = (await hubApi<{ connectionId: string }>(page, 'GET', `/flows/${flowId}`))
      .connectionId;
    const imports = await hubApi<{ id: string }>(page, 'POST', `/connections/${connectionId}/flows`, {
      packageId: 'exact-import',
      entities: ['accounts', 'items', 'sales_orders'],
      enabled: false,
    });
    const upload = async (entity: string, rows: unknown[]) => {
      const posted = await hubApi<{ run: { id: string } }>(page, 'POST', `/flows/${imports.id}/imports`, {
        entity,
        rows,
      });
      await expect
        .poll(
          async () =>
            (await hubApi<ApiRun>(page, 'GET', `/workspaces/${workspaceId}/runs/${posted.run.id}`)).status,
          {
            timeout: 90_000,
          },
        )
        .toBe('succeeded');
    };
    await upload('accounts', [{ code: 'K-77', name: 'Bakkerij Zeventig' }]);
    await upload('sales_orders', [
      { yourRef: 'PO-1', customer: 'K-77', lines: [{ item: 'BROOD-1', quantity: 2 }] },
    ]);

    await page.getByRole('link', { name: 'Watcher', exact: true }).click();
    const groups = page.getByTestId('error-groups');
    const group = groups.locator('tr', { hasText: 'no item with code "BROOD-1" in Exact' });
    await group.waitFor();
    await shot(page, 'exact-refused');

    // The item is created in Exact; the order is retried from the watcher and goes through.
    await upload('items', [{ code: 'BROOD-1', description: 'Volkorenbrood' }]);
    await group.getByRole('button', { name: 'Retry all' }).click();
    await page.getByTestId('no-open-errors').waitFor({ timeout: 90_000 });
    // An error being retried is no longer open; it is resolved once the retry run has sent it.
    const errors = async () =>
      (
        await hubApi<(ApiError & { recordLabel: string })[]>(
          page,
          'GET',
          `/workspaces/${workspaceId}/errors?flowId=${imports.id}`,
        )
      ).map((error) => [error.recordLabel, error.status, error.resolution]);
    await expect.poll(errors, { timeout: 90_000 }).toEqual([['PO-1', 'resolved', 'retried']]);
  });

  it("shows in the audit log who changed what, with before and after, and the hub's own entries", async () => {
    expect(
      (
        await hubApi<{ name: string }>(page, 'PATCH', `/flows/${flowId}`, {
          name: 'Accounts to the warehouse',
        })
      ).name,
    ).toBe('Accounts to the warehouse');
    await page.getByRole('link', { name: 'Audit log', exact: true }).click();
    const log = page.getByTestId('audit-log');
    const patch = log.locator('tr', { hasText: 'PATCH /api/v1/flows/:flowId' }).first();
    await expect
      .poll(() => patch.getByTestId('audit-diff').textContent())
      .toContain('name: Replicate to database → Accounts to the warehouse');
    await log
      .locator('tr', { hasText: 'POST /api/v1/workspaces/:workspaceId/errors/retry' })
      .first()
      .waitFor();
    await shot(page, 'audit');
    await page.getByText('Hub (sign-ins, tokens, workspaces)').click();
    await log.locator('tr', { hasText: 'POST /api/v1/auth/signup' }).first().waitFor();
    await expect(log.textContent()).resolves.not.toContain(OWNER.password);
  });
});
