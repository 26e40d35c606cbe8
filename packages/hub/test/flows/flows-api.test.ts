import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator, TestHub } from '../connections/exact-test-kit.ts';
import { type ApiClient, BACKENDS } from '../support/test-hub.ts';
import { finishedRun, replicaCount, startFlowHub } from './flow-test-kit.ts';

describe.each(BACKENDS)('flows API end to end on $name', (backend) => {
  let sim: RunningSimulator;
  let t: TestHub;
  let owner: ApiClient;
  let workspaceId: string;
  let connectionId: string;
  let division: number;

  beforeAll(async () => {
    ({ sim, t, owner, workspaceId, connectionId, division } = await startFlowHub(backend));
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('lists the replicate package with its settings as JSON Schema', async () => {
    const packages = await owner.get('/api/v1/packages');
    expect(packages.status).toBe(200);
    const replicate = packages.body.find((pkg: { id: string }) => pkg.id === 'replicate');
    expect(replicate.title).toBe('Replicate to database');
    expect(replicate.entities.map((entity: { name: string }) => entity.name)).toContain('transaction_lines');
    expect(replicate.settingsSchema.properties.deleteMode).toMatchObject({
      default: 'soft',
      enum: ['soft', 'hard'],
    });
    expect(replicate.settingsSchema.properties.schema.default).toBe('exact');
    expect(typeof replicate.settingsSchema.properties.schema.description).toBe('string');
  });

  it('creates a flow, runs it, shows the run per stream, and the replica holds the accounts', async () => {
    const created = await owner.post(`/api/v1/connections/${connectionId}/flows`, { packageId: 'replicate' });
    expect(created.status).toBe(201);
    const flow = created.body;
    expect(flow).toMatchObject({
      packageId: 'replicate',
      destinationId: null,
      divisions: null,
      enabled: true,
    });
    expect(flow.schedule).toBe('*/15 * * * *');
    expect(flow.settings).toEqual({ schema: 'exact', deleteMode: 'soft', webhooks: true });
    expect((await owner.get(`/api/v1/connections/${connectionId}/flows`)).body).toHaveLength(1);
    expect((await owner.get(`/api/v1/workspaces/${workspaceId}/flows`)).body).toHaveLength(1);

    const queued = await owner.post(`/api/v1/flows/${flow.id}/run`);
    expect(queued.status).toBe(202);
    expect(queued.body.status).toBe('queued');
    const run = await finishedRun(owner, queued.body.id);
    expect(run.status).toBe('succeeded');
    expect(run.streams).toHaveLength(flow.entities.length);
    const accounts = run.streams.find((stream: { entity: string }) => stream.entity === 'accounts');
    expect(accounts).toMatchObject({
      division,
      status: 'succeeded',
      rowsRead: 25,
      rowsWritten: 25,
      rowsDeleted: 0,
    });
    // One sync page and one deleted-feed page.
    expect(accounts.apiCalls).toBe(2);
    expect(accounts.cursorBefore).toEqual({ rows: '0', deleted: '0' });
    expect(BigInt(accounts.cursorAfter.rows)).toBeGreaterThan(0n);
    expect(run.totals.rowsWritten).toBe(
      run.streams.reduce((n: number, s: { rowsWritten: number }) => n + s.rowsWritten, 0),
    );

    const tables = await owner.get(`/api/v1/flows/${flow.id}/tables`);
    expect(tables.body.find((table: { table: string }) => table.table === 'accounts')).toMatchObject({
      schema: 'exact',
      exists: true,
      rows: 25,
    });
    const preview = await owner.get(`/api/v1/flows/${flow.id}/tables/accounts/rows?limit=5`);
    expect(preview.body.rows).toHaveLength(5);
    expect(preview.body.columns).toEqual(
      expect.arrayContaining(['division', 'id', 'name', 'vat_number', '_timestamp']),
    );
    expect(preview.body.rows[0]).not.toHaveProperty('_raw');
    expect(await replicaCount(t, 'accounts')).toBe(25);

    const second = await finishedRun(owner, (await owner.post(`/api/v1/flows/${flow.id}/run`)).body.id);
    expect(second.status).toBe('succeeded');
    expect(second.totals.rowsWritten).toBe(0);
    expect((await owner.get(`/api/v1/flows/${flow.id}/runs`)).body).toHaveLength(2);
    expect((await owner.get(`/api/v1/flows/${flow.id}`)).body.status).toBe('succeeded');

    const paused = await owner.patch(`/api/v1/flows/${flow.id}`, { enabled: false, schedule: '0 * * * *' });
    expect(paused.body).toMatchObject({ enabled: false, schedule: '0 * * * *' });
    expect((await owner.delete(`/api/v1/flows/${flow.id}`)).status).toBe(204);
    expect((await owner.get(`/api/v1/flows/${flow.id}`)).status).toBe(404);
  });

  it('refuses a flow it cannot run, saying what to fix', async () => {
    const create = (body: object) =>
      owner.post(`/api/v1/connections/${connectionId}/flows`, { packageId: 'replicate', ...body });
    expect((await create({ entities: ['invoices'] })).body.error.code).toBe('invalid_entities');
    expect((await create({ schedule: 'every minute' })).body.error.code).toBe('invalid_schedule');
    expect((await create({ settings: { deleteMode: 'sometimes' } })).body.error.code).toBe(
      'invalid_settings',
    );
    expect((await create({ settings: { schema: 'public' } })).body.error.code).toBe('invalid_settings');
    expect((await create({ divisions: [999999] })).body.error.code).toBe('division_not_linked');
    const unknown = await owner.post(`/api/v1/connections/${connectionId}/flows`, { packageId: 'nope' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('package_not_found');
    const missing = await create({ destinationId: '00000000-0000-4000-8000-000000000000' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('destination_not_found');
    const run = await owner.get('/api/v1/runs/00000000-0000-4000-8000-000000000000');
    expect([run.status, run.body.error.code]).toEqual([404, 'run_not_found']);
    const fresh = (await create({ enabled: false, settings: { schema: 'never_run' } })).body;
    const table = await owner.get(`/api/v1/flows/${fresh.id}/tables/accounts/rows`);
    expect([table.status, table.body.error.code]).toEqual([404, 'table_not_found']);
    expect((await owner.delete(`/api/v1/flows/${fresh.id}`)).status).toBe(204);
  });

  it('keeps destinations with their connection string sealed, and tests them', async () => {
    const url = new URL(
      process.env.KOPPEL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    );
    url.password = 'secret-password';
    const created = await owner.post(`/api/v1/workspaces/${workspaceId}/destinations`, {
      name: 'Warehouse',
      connectionString: url.toString(),
    });
    expect(created.status).toBe(201);
    expect(JSON.stringify(created.body)).not.toContain('secret-password');
    const tested = await owner.post(`/api/v1/workspaces/${workspaceId}/destinations/${created.body.id}/test`);
    expect(tested.status).toBe(200);
    expect(tested.body.ok).toBe(true);
    expect(tested.body.serverVersion).toMatch(/^\d+/);
    const bad = await owner.post(`/api/v1/workspaces/${workspaceId}/destinations`, {
      name: 'Nowhere',
      connectionString: 'postgres://postgres@127.0.0.1:1/none',
    });
    const refused = await owner.post(`/api/v1/workspaces/${workspaceId}/destinations/${bad.body.id}/test`);
    expect(refused.body).toMatchObject({ ok: false, error: { code: 'destination_unreachable' } });
    const invalid = await owner.post(`/api/v1/workspaces/${workspaceId}/destinations`, {
      name: 'Typo',
      connectionString: 'mysql://x',
    });
    expect(invalid.body.error.code).toBe('invalid_connection_string');
    const used = await owner.post(`/api/v1/connections/${connectionId}/flows`, {
      packageId: 'replicate',
      destinationId: created.body.id,
      enabled: false,
    });
    expect(used.status).toBe(201);
    const inUse = await owner.delete(`/api/v1/workspaces/${workspaceId}/destinations/${created.body.id}`);
    expect([inUse.status, inUse.body.error.code]).toEqual([409, 'destination_in_use']);
    expect((await owner.delete(`/api/v1/flows/${used.body.id}`)).status).toBe(204);
    const hub = await owner.get(`/api/v1/workspaces/${workspaceId}/destinations/hub`);
    expect(hub.body.location).toBe(t.hub.services.platform.database.location);
    expect((await owner.delete(`/api/v1/workspaces/${workspaceId}/destinations/${bad.body.id}`)).status).toBe(
      204,
    );
  });
});
