import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowsFeature, watcherFeature } from '../../src/app/features.ts';
import { type RunningSimulator, simControl, type TestHub } from '../connections/exact-test-kit.ts';
import { finishedRun, replicaCount, startFlowHub } from '../flows/flow-test-kit.ts';
import { type ApiClient, BACKENDS, type LooseJson } from '../support/test-hub.ts';

/** Refuses rows whose id ends in an odd byte: about half of any set of records. */
const REFUSE_ODD_IDS =
  'alter table exact.accounts add constraint refuse_odd_ids check (get_byte(uuid_send(id), 15) % 2 = 0) not valid';
const METRICS_TOKEN = 'metrics-token-for-the-watcher-test';
const oddId = (id: string) => Number.parseInt(id.slice(-2), 16) % 2 === 1;

describe.each(BACKENDS)('per-record errors in the watcher on $name', (backend) => {
  let sim: RunningSimulator;
  let t: TestHub;
  let owner: ApiClient;
  let workspaceId: string;
  let connectionId: string;
  let division: number;

  beforeAll(async () => {
    ({ sim, t, owner, workspaceId, connectionId, division } = await startFlowHub(
      backend,
      { KOPPEL_METRICS_TOKEN: METRICS_TOKEN },
      { features: [flowsFeature, watcherFeature] },
    ));
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  const destination = () => t.hub.services.flows.destinations.open('', null);
  const ws = (path: string) => `/api/v1/workspaces/${workspaceId}${path}`;

  it('records refused rows one by one, commits the rest, and retry after the fix resolves them', async () => {
    const flow = (
      await owner.post(`/api/v1/connections/${connectionId}/flows`, {
        packageId: 'replicate',
        entities: ['accounts'],
        enabled: false,
      })
    ).body;
    const first = await finishedRun(owner, (await owner.post(`/api/v1/flows/${flow.id}/run`)).body.id);
    expect(first.status).toBe('succeeded');
    const loaded = await replicaCount(t, 'accounts');

    const db = await destination();
    await db.driver.query(REFUSE_ODD_IDS);
    await simControl(sim, 'POST', '/mutations', { division, entity: 'crm/Accounts', creates: 20 });
    const run = await finishedRun(owner, (await owner.post(`/api/v1/flows/${flow.id}/run`)).body.id);
    // The refused rows did not stop the stream: the others committed with the cursor.
    expect(run.status).toBe('succeeded');
    const refused = (await owner.get(ws(`/runs/${run.id}`))).body;
    const errors: LooseJson[] = refused.errors;
    expect(errors.length).toBeGreaterThan(0);
    expect(run.streams[0].rowsWritten).toBe(20 - errors.length);
    expect(await replicaCount(t, 'accounts')).toBe(loaded + 20 - errors.length);
    for (const error of errors) {
      expect(oddId(error.recordKey)).toBe(true);
      expect(error).toMatchObject({
        flowId: flow.id,
        runId: run.id,
        division,
        entity: 'accounts',
        code: 'destination_rejected_row',
        status: 'open',
        reason: expect.stringContaining('refuse_odd_ids'),
      });
      expect(error.message).toContain('23514');
      expect(error.payload.ID).toBe(error.recordKey);
      expect(error.recordLabel).toEqual(expect.any(String));
    }

    // Per-stream series on /metrics, from the run history.
    const metrics = await (
      await fetch(`${t.base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).text();
    const labels = `{flow="${flow.id}",package="replicate",entity="accounts"}`;
    expect(metrics).toContain(`koppel_stream_rows_written_total${labels} ${loaded + 20 - errors.length}`);
    expect(metrics).toContain(`koppel_stream_open_errors${labels} ${errors.length}`);
    expect(metrics).toMatch(
      new RegExp(`koppel_stream_seconds_since_success${labels.replace(/[{}]/g, '\\$&')} \\d`),
    );

    const groups = (await owner.get(ws('/errors/groups?status=open'))).body;
    expect(groups).toEqual([
      expect.objectContaining({ flowId: flow.id, entity: 'accounts', count: errors.length }),
    ]);

    // Runs across flows, filtered.
    const listed = async (query: string) =>
      ((await owner.get(ws(`/runs?${query}`))).body as LooseJson[]).map((r) => r.id);
    expect(await listed(`flowId=${flow.id}`)).toEqual([run.id, first.id]);
    expect(await listed(`connectionId=${connectionId}&entity=accounts&division=${division}`)).toEqual([
      run.id,
      first.id,
    ]);
    expect(await listed('entity=items')).toEqual([]);
    expect(await listed('status=failed')).toEqual([]);
    expect(await listed(`from=${encodeURIComponent(run.queuedAt)}`)).toEqual([run.id]);

    // One resolved by hand stays resolved (and in the history); the fix then a bulk retry of the group.
    const [manual, ...rest] = errors;
    const resolved = await owner.post(ws('/errors/resolve'), { ids: [manual!.id] });
    expect(resolved.status).toBe(200);
    expect(resolved.body[0]).toMatchObject({ status: 'resolved', resolution: 'manual' });
    expect(resolved.body[0].resolvedBy).toEqual(expect.any(String));

    await db.driver.query('alter table exact.accounts drop constraint refuse_odd_ids');
    const retried = await owner.post(ws('/errors/retry'), { flowId: flow.id, message: manual!.message });
    expect(retried.status).toBe(202);
    expect(retried.body.errors).toHaveLength(rest.length);
    expect(retried.body.runs).toHaveLength(1);
    expect(retried.body.runs[0]).toMatchObject({ trigger: 'retry', only: [`${division}/accounts`] });
    expect((await finishedRun(owner, retried.body.runs[0].id)).status).toBe('succeeded');

    expect((await owner.get(ws('/errors?status=open'))).body).toEqual([]);
    const history: LooseJson[] = (await owner.get(ws('/errors?status=resolved'))).body;
    expect(history).toHaveLength(errors.length);
    expect(history.filter((e) => e.resolution === 'retried')).toHaveLength(rest.length);
    // The manually resolved record was never sent again; the retried ones landed.
    expect(await replicaCount(t, 'accounts')).toBe(loaded + 20 - 1);

    // Retrying a whole run queues the same streams again.
    const again = await owner.post(ws(`/runs/${run.id}/retry`));
    expect(again.status).toBe(202);
    expect((await finishedRun(owner, again.body.id)).status).toBe('succeeded');
  });

  it('keeps viewers to reads and other workspaces out', async () => {
    expect((await owner.get(ws('/runs/00000000-0000-4000-8000-000000000000'))).status).toBe(404);
    const bad = await owner.post(ws('/errors/retry'), {});
    expect(bad.status).toBe(400);
  });
});
