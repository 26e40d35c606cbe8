import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, simControl, type TestHub } from '../connections/exact-test-kit.ts';
import { type ApiClient, BACKENDS } from '../support/test-hub.ts';
import { createImportFlow, finishedRun, startFlowHub } from './flow-test-kit.ts';

/**
 * A 1,000-row run takes about a minute on an idle machine and three on two cores shared
 * with other work (every create is an Exact call plus a committed result); speed is
 * bench/import's to measure, so the wait is generous.
 */
const IMPORT_RUN_MS = 360_000;

/** 1,000 account rows; every 50th is broken in a way the row schema must name. */
function accountRows(): { rows: Record<string, unknown>[]; invalid: Map<number, string> } {
  const rows: Record<string, unknown>[] = [];
  const invalid = new Map<number, string>();
  for (let n = 1; n <= 1_000; n++) {
    const row: Record<string, unknown> = {
      code: `IMP${String(n).padStart(5, '0')}`,
      name: `Importklant ${n} B.V.`,
      email: `info@importklant${n}.nl`,
      city: 'Utrecht',
      country: 'NL',
    };
    if (n % 50 === 0) {
      const kind = (n / 50) % 4;
      if (kind === 0) row.email = 'not-an-address';
      if (kind === 1) row.name = '';
      if (kind === 2) row.country = 'Netherlands';
      if (kind === 3) row.status = 'X';
      invalid.set(n, ['email', 'name', 'country', 'status'][kind] as string);
    }
    rows.push(row);
  }
  return { rows, invalid };
}

describe.each(BACKENDS)('import into Exact on $name', (backend) => {
  let sim: RunningSimulator;
  let t: TestHub;
  let owner: ApiClient;
  let connectionId: string;

  beforeAll(async () => {
    // 2,000 creates would take half an hour at Exact's 60 a minute; the budget is bench/import's.
    ({ sim, t, owner, connectionId } = await startFlowHub(
      backend,
      {},
      { simOptions: { rateLimits: { enabled: false } } },
    ));
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it(
    '1,000 accounts with 20 invalid rows: creates 980, reports the 20 with reasons; the same batch again creates none',
    async () => {
      const flow = await createImportFlow(owner, connectionId, ['accounts']);
      const { rows, invalid } = accountRows();
      const first = await owner.post(`/api/v1/flows/${flow.id}/imports`, { entity: 'accounts', rows });
      expect(first.status).toBe(202);
      expect(first.body.import.counts).toMatchObject({ pending: 980, failed: 20 });
      expect((await finishedRun(owner, first.body.run.id, IMPORT_RUN_MS)).status).toBe('succeeded');
      const result = await owner.get(`/api/v1/flows/${flow.id}/imports/${first.body.import.id}?limit=1000`);
      expect(result.body.import.counts).toMatchObject({ created: 980, failed: 20, pending: 0, updated: 0 });
      const failed = result.body.rows.filter((row: { status: string }) => row.status === 'failed');
      expect(failed.map((row: { rowNumber: number }) => row.rowNumber)).toEqual([...invalid.keys()]);
      for (const row of failed) {
        expect(row.message).toContain(`${invalid.get(row.rowNumber)}:`);
      }
      expect(
        failed.find((row: { rowNumber: number }) => invalid.get(row.rowNumber) === 'email').message,
      ).toBe('email: is not an e-mail address');

      const again = await owner.post(`/api/v1/flows/${flow.id}/imports`, { entity: 'accounts', rows });
      expect((await finishedRun(owner, again.body.run.id, IMPORT_RUN_MS)).status).toBe('succeeded');
      const second = await owner.get(`/api/v1/flows/${flow.id}/imports/${again.body.import.id}`);
      expect(second.body.import.counts).toMatchObject({ created: 0, unchanged: 980, failed: 20 });

      // Exact was asked to create each account once, over both uploads.
      const stats = await simControl<{ api: { byEndpoint: Record<string, number> } }>(sim, 'GET', '/stats');
      const posts = Object.entries(stats.api.byEndpoint)
        .filter(([endpoint]) => endpoint.startsWith('POST') && endpoint.endsWith('crm/Accounts'))
        .reduce((sum, [, count]) => sum + count, 0);
      expect(posts).toBe(980);

      const csv = await owner.get<string>(
        `/api/v1/flows/${flow.id}/imports/${first.body.import.id}/results.csv`,
      );
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toContain('text/csv');
      const lines = csv.body.trimEnd().split('\n');
      expect(lines[0]).toBe('row,key,status,exact_id,message,input');
      expect(lines).toHaveLength(1_001);
      expect(lines.filter((line) => line.includes(',created,'))).toHaveLength(980);
    },
    3 * IMPORT_RUN_MS,
  );
});
