import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowsFeature, watcherFeature } from '../../src/app/features.ts';
import type { RunningSimulator, TestHub } from '../connections/exact-test-kit.ts';
import { eventually, finishedRun, startFlowHub } from '../flows/flow-test-kit.ts';
import { type ApiClient, BACKENDS, type LooseJson } from '../support/test-hub.ts';

/**
 * "Import into Exact": a row Exact cannot take becomes an error in the watcher, and retrying it
 * after the cause is fixed writes it and resolves the error.
 */
describe.each(BACKENDS)('rows Exact refused, in the watcher, on $name', { timeout: 180_000 }, (backend) => {
  let sim: RunningSimulator;
  let t: TestHub;
  let owner: ApiClient;
  let workspaceId: string;
  let connectionId: string;

  beforeAll(async () => {
    ({ sim, t, owner, workspaceId, connectionId } = await startFlowHub(
      backend,
      {},
      { features: [flowsFeature, watcherFeature] },
    ));
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  const ws = (path: string) => `/api/v1/workspaces/${workspaceId}${path}`;

  it('records a sales order whose item Exact lacks, and the retry after adding the item creates it', async () => {
    const flow = (
      await owner.post(`/api/v1/connections/${connectionId}/flows`, {
        packageId: 'exact-import',
        entities: ['accounts', 'items', 'sales_orders'],
        enabled: false,
      })
    ).body;
    const upload = async (entity: string, rows: LooseJson[]) => {
      const posted = await owner.post(`/api/v1/flows/${flow.id}/imports`, { entity, rows });
      expect(posted.status).toBe(202);
      expect((await finishedRun(owner, posted.body.run.id, 120_000)).status).toBe('succeeded');
      return posted.body.import.id as string;
    };
    await upload('accounts', [{ code: 'K-77', name: 'Bakkerij Zeventig' }]);
    const orders = await upload('sales_orders', [
      { yourRef: 'PO-1', customer: 'K-77', lines: [{ item: 'BROOD-1', quantity: 2 }] },
      { yourRef: 'PO-2', customer: 'K-77', lines: [{ item: 'KOEK-9', quantity: 1 }] },
    ]);

    const open: LooseJson[] = (await owner.get(ws('/errors?status=open'))).body;
    expect(open).toHaveLength(2);
    expect(open.map((error) => [error.recordLabel, error.code, error.entity]).sort()).toEqual([
      ['PO-1', 'missing_reference', 'sales_orders'],
      ['PO-2', 'missing_reference', 'sales_orders'],
    ]);
    const po1 = open.find((error) => error.recordLabel === 'PO-1')!;
    expect(po1.message).toBe('lines.0.item: no item with code "BROOD-1" in Exact');
    expect(po1.payload).toMatchObject({ importId: orders, input: { yourRef: 'PO-1' } });

    // The cause is fixed for one of them: the item is created in Exact. Both are retried.
    await upload('items', [{ code: 'BROOD-1', description: 'Volkorenbrood' }]);
    const retried = await owner.post(ws('/errors/retry'), { ids: open.map((error) => error.id) });
    expect(retried.status).toBe(202);
    await finishedRun(owner, retried.body.runs[0].id, 120_000);

    const after: LooseJson[] = await eventually(async () => {
      const errors: LooseJson[] = (await owner.get(ws(`/errors?flowId=${flow.id}`))).body;
      return errors.some((error) => error.status === 'resolved') ? errors : null;
    }, 'the retried order to resolve').then((errors) => errors ?? []);
    expect(after.find((error) => error.id === po1.id)).toMatchObject({
      status: 'resolved',
      resolution: 'retried',
    });
    // PO-2's item is still missing: its error stays open, one more attempt on it.
    expect(after.find((error) => error.recordLabel === 'PO-2')).toMatchObject({
      status: 'open',
      attempts: 2,
    });
    const rows = (await owner.get(`/api/v1/flows/${flow.id}/imports/${orders}`)).body.rows as LooseJson[];
    expect(rows.map((row) => [row.rowKey, row.status])).toEqual([
      ['PO-1', 'created'],
      ['PO-2', 'failed'],
    ]);
  });
});
