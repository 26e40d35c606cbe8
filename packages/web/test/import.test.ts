import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Dashboard,
  hubApi,
  openDashboard,
  SCREENSHOTS,
  screenshots,
  signUpWithSandboxConnection,
} from './support/dashboard.ts';
import type { Stack } from './support/stack.ts';

const OWNER = { email: 'ilse@example.nl', name: 'Ilse Import', password: 'import-password-123' };
const shot = screenshots('import');

/** A customer list as a Dutch spreadsheet exports it: `;`-separated, Dutch headers, two bad rows. */
const CUSTOMERS = [
  'Relatiecode;Naam;E-mailadres;Plaats;Land;Opmerking',
  'UPL-001;Kaasboerderij Jansen;info@kaasjansen.nl;Gouda;NL;vaste klant',
  'UPL-002;Bakkerij de Korst;post@dekorst.nl;Edam;NL;',
  'UPL-003;Slagerij Vos;slagerij-vos;Delft;NL;e-mail klopt niet',
  'UPL-004;Groenteman Bakker;groente@bakker.nl;Leiden;Nederland;land voluit',
  'UPL-005;Visboer Klaassen;vis@klaassen.nl;Katwijk;NL;',
  'UPL-006;Bloemist Roos;roos@bloemist.nl;Aalsmeer;NL;',
  'UPL-007;IJssalon Venezia;ciao@venezia.nl;Utrecht;NL;',
].join('\r\n');

describe('import into Exact in the dashboard', { timeout: 180_000 }, () => {
  let dashboard: Dashboard;
  let stack: Stack;
  let page: Page;

  beforeAll(async () => {
    dashboard = await openDashboard();
    ({ stack, page } = dashboard);
  }, 120_000);

  afterAll(async () => {
    await dashboard?.close();
  });

  it('upload → column mapping on the first rows → run → results per row → CSV download', async () => {
    const connectionId = await signUpWithSandboxConnection(page, stack, {
      ...OWNER,
      workspaceName: 'Groothandel Import',
    });
    const flow = await hubApi<{ id: string }>(page, 'POST', `/connections/${connectionId}/flows`, {
      packageId: 'exact-import',
      entities: ['accounts', 'items'],
      enabled: false,
    });

    await page.goto(`${stack.base}/flows/${flow.id}`);
    const panel = page.getByTestId('import-panel');
    await panel.getByRole('heading', { name: 'Import a file' }).waitFor();
    await panel.locator('select[name=import-entity]').selectOption('accounts');
    await panel
      .locator('input[type=file]')
      .setInputFiles({ name: 'klanten.csv', mimeType: 'text/csv', buffer: Buffer.from(CUSTOMERS) });

    // The preview: every column with the field it was matched to, over the file's first rows.
    const preview = page.getByTestId('mapping-preview');
    await preview.waitFor();
    await expect(preview.textContent()).resolves.toContain('klanten.csv: 7 rows');
    const fieldOf = (column: string) => preview.getByLabel(`Field for column ${column}`);
    const proposed: Record<string, string> = {};
    for (const column of ['Relatiecode', 'Naam', 'E-mailadres', 'Plaats', 'Land', 'Opmerking']) {
      proposed[column] = await fieldOf(column).inputValue();
    }
    expect(proposed).toEqual({
      Relatiecode: 'code',
      Naam: 'name',
      'E-mailadres': 'email',
      Plaats: 'city',
      Land: 'country',
      Opmerking: '',
    });
    const sample = preview.getByTestId('sample-row');
    await expect(sample.count()).resolves.toBe(5);
    await expect(sample.first().textContent()).resolves.toContain('Kaasboerderij Jansen');

    // Leaving out a required field is caught before anything is sent.
    await fieldOf('Naam').selectOption('');
    await expect(panel.getByTestId('missing-fields').textContent()).resolves.toContain('name');
    await expect(panel.getByTestId('run-import').isDisabled()).resolves.toBe(true);
    await fieldOf('Naam').selectOption('name');
    // The remark column goes to the website field: the user's choice is what the run reads.
    await fieldOf('Opmerking').selectOption('website');
    await shot(page, 'mapping-preview');

    await panel.getByTestId('run-import').click();
    const results = page.locator('[data-testid=import-results][data-pending="0"]');
    await results.waitFor({ timeout: 90_000 });
    await results.locator('[data-count=created]').getByText('5 created').waitFor();
    await expect(results.locator('[data-count=failed]').textContent()).resolves.toBe('2 failed');
    const rows = results.getByTestId('import-rows').locator('tbody tr');
    await expect(rows.count()).resolves.toBe(7);
    await expect(results.locator('tr[data-row="3"]').getAttribute('data-status')).resolves.toBe('failed');
    await expect(results.locator('tr[data-row="3"]').textContent()).resolves.toContain(
      'email: is not an e-mail address',
    );
    await expect(results.locator('tr[data-row="4"]').textContent()).resolves.toContain(
      'country: must be a two-letter country code',
    );
    const created = results.locator('tr[data-row="1"]');
    await expect(created.getAttribute('data-status')).resolves.toBe('created');
    await expect(created.textContent()).resolves.toMatch(/UPL-001created[0-9a-f-]{36}/);
    await shot(page, 'results');

    // Only the failed rows, then the download of every row's result.
    await results.getByRole('radiogroup').getByText('failed').click();
    await expect(rows.count()).resolves.toBe(2);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      results.getByRole('link', { name: 'Download results (CSV)' }).click(),
    ]);
    const saved = `${SCREENSHOTS}import-results.csv`;
    await download.saveAs(saved);
    const lines = readFileSync(saved, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('row,key,status,exact_id,message,input');
    expect(lines).toHaveLength(8);
    expect(lines[1]).toMatch(/^1,UPL-001,created,[0-9a-f-]{36},,/);
    expect(lines[1]).toContain('""website"":""vaste klant""');
    expect(lines[3]).toMatch(/^3,,failed,,email: is not an e-mail address,/);

    // The mapping is stored with the import.
    const listed = await hubApi<{ imports: { fileName: string; mapping: Record<string, string | null> }[] }>(
      page,
      'GET',
      `/flows/${flow.id}/imports`,
    );
    expect(listed.imports[0]).toMatchObject({
      fileName: 'klanten.csv',
      mapping: { Naam: 'name', Opmerking: 'website', Relatiecode: 'code' },
    });
  });
});
