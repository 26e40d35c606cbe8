// "Replicate to database" beyond the default eight: every sync/ and bulk/ endpoint of the SDK's
// catalogue is offered (with the scope it needs), its table is built from the catalogue's
// fields, and non-default endpoints replicate into Postgres end to end through the hub.
import { catalogueIndex, type DivisionClient, type EntityDef, loadEntity } from '@koppel/exact';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE_CHOICES, replicaTableNamed } from '../../src/flows/packages/replicate/catalogue-tables.ts';
import { REPLICA_TABLES, type ReplicaTable } from '../../src/flows/packages/replicate/replica-tables.ts';
import { replicatePackage } from '../../src/flows/packages/replicate/replicate-package.ts';
import { tableLayout } from '../../src/flows/packages/replicate/table-layout.ts';
import type { RunningSimulator, TestHub } from '../connections/exact-test-kit.ts';
import { type ApiClient, BACKENDS, type LooseJson } from '../support/test-hub.ts';
import { finishedRun, startFlowHub } from './flow-test-kit.ts';

describe('the catalogue tables of "Replicate to database"', () => {
  it('offers every sync/ and bulk/ endpoint once, with its scope, beside the default eight', () => {
    const offered = replicatePackage.entities.map((entity) => entity.endpoint);
    // The default sales_orders table reads sync/SalesOrder/SalesOrderHeaders (the hand layer's).
    const expected = [
      ...catalogueIndex
        .filter((entry) => (entry.kind === 'sync' || entry.kind === 'bulk') && entry.path !== 'sync/Deleted')
        .map((entry) => entry.path),
      ...REPLICA_TABLES.map((table) => table.endpoint),
    ];
    expect(new Set(offered)).toEqual(new Set(expected));
    expect(offered).toHaveLength(new Set(expected).size);
    const names = replicatePackage.entities.map((entity) => entity.name);
    expect(new Set(names).size).toBe(names.length);
    for (const entity of replicatePackage.entities) {
      expect(entity.scope, entity.name).toMatch(/^[A-Z][a-z]+ /);
      expect(entity.name).toMatch(/^[a-z][a-z0-9_]*$/);
    }
    expect(replicatePackage.entities.filter((entity) => entity.byDefault)).toHaveLength(8);
    expect(CATALOGUE_CHOICES.find((choice) => choice.endpoint === 'sync/Project/Projects')).toMatchObject({
      name: 'project_projects',
      title: 'Projects',
      scope: 'Projects projects',
      byDefault: false,
    });
    expect(CATALOGUE_CHOICES.find((choice) => choice.endpoint === 'bulk/Cashflow/Payments')).toMatchObject({
      name: 'cashflow_payments',
      title: 'Payments (full read)',
      scope: 'Financial cashflow',
    });
  });

  it("builds each table from the catalogue's fields and Edm types, keyed on the record's ID", async () => {
    for (const choice of CATALOGUE_CHOICES) {
      const table = await replicaTableNamed(choice.name);
      const layout = tableLayout(table.entity, 'exact', table.name, table.idField);
      const scalars = Object.entries(table.entity.fields).filter(([, spec]) => typeof spec === 'string');
      // Every scalar but the id, Division and Timestamp (system columns) is a column.
      const skipped = [table.idField, 'Division', 'Timestamp'].filter((name) => name in table.entity.fields);
      expect(layout.columns, choice.name).toHaveLength(scalars.length - skipped.length);
      expect(table.entity.fields[table.idField], choice.name).toMatch(/^Guid/);
    }
    const projects = await replicaTableNamed('project_projects');
    const layout = tableLayout(projects.entity, 'exact', 'project_projects', projects.idField);
    const column = (field: string) => layout.columns.find((c) => c.field === field);
    expect(projects.idField).toBe('ID');
    expect(column('BudgetedAmount')).toMatchObject({ name: 'budgeted_amount', type: 'numeric' });
    expect(column('StartDate')).toMatchObject({ type: 'timestamptz', typedBySdk: true });
    expect(column('AllowAdditionalInvoicing')).toMatchObject({ type: 'boolean' });
    // Deletions come through sync/Deleted under the standard entity's code.
    expect(projects.deletedAs?.deletedEntityTypes).toEqual([21]);
    expect((await replicaTableNamed('subscription_subscriptions')).idField).toBe('EntryID');
    // Without a standard twin, a sync endpoint is deleted under its own code (the SDK's layer).
    const stock = await replicaTableNamed('inventory_stock_positions');
    expect(stock.deletedAs).toBeUndefined();
    expect(stock.entity.deletedEntityTypes).toEqual([15]);
    // A bulk endpoint has no Timestamp: every run reads it in full and sweeps what it did not see.
    const lines = await replicaTableNamed('sales_order_sales_order_lines');
    expect(lines.entity.syncPath).toBeUndefined();
    expect(lines.entity.bulkPath).toBe('bulk/SalesOrder/SalesOrderLines');
    await expect(replicaTableNamed('no_such_table')).rejects.toThrow('has no table no_such_table');
  });
});

const POSTGRES = BACKENDS.filter((backend) => backend.name === 'postgres');
const SYNCED = ['project_projects', 'inventory_stock_positions', 'subscription_subscriptions'];
const BULK = 'sales_order_sales_order_lines';

describe.each(POSTGRES)('non-default catalogue endpoints replicated end to end on $name', (backend) => {
  let sim: RunningSimulator;
  let t: TestHub;
  let owner: ApiClient;
  let connectionId: string;
  let division: number;
  let exact: DivisionClient;

  beforeAll(async () => {
    ({ sim, t, owner, connectionId, division } = await startFlowHub(backend));
    exact = (await t.hub.services.exact.connectionClient(connectionId)).client.division(division);
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  /** Keys of what the simulator has now, read the way the table reads it (sync or bulk). */
  async function sourceKeys(table: ReplicaTable): Promise<string[]> {
    const keys: string[] = [];
    if (table.entity.syncPath !== undefined) {
      for await (const page of exact.sync(table.entity, { select: [table.idField] })) {
        for (const row of page.rows) keys.push(String((row as Record<string, unknown>)[table.idField]));
      }
    } else {
      for (const row of await exact.readAll(table.entity).select(table.idField).all()) {
        keys.push(String((row as Record<string, unknown>)[table.idField]));
      }
    }
    return keys.sort();
  }

  async function replicaKeys(table: string): Promise<string[]> {
    const destination = await t.hub.services.flows.destinations.open('', null);
    const result = await destination.driver.query<{ id: string }>(
      `select id::text as id from exact.${table} where division = $1 and _deleted_at is null order by 1`,
      [division],
    );
    return result.rows.map((row) => row.id);
  }

  async function expectReplicaEqualsSource(names: readonly string[]): Promise<void> {
    for (const name of names) {
      const source = await sourceKeys(await replicaTableNamed(name));
      expect(source.length, name).toBeGreaterThan(0);
      const replica = await replicaKeys(name);
      expect(replica.length, name).toBe(source.length);
      expect(replica, name).toEqual(source);
    }
  }

  const streamOf = (run: LooseJson, entity: string) =>
    run.streams.find((stream: { entity: string }) => stream.entity === entity);

  async function entity(path: string): Promise<EntityDef> {
    return (await loadEntity(path)) as EntityDef;
  }

  it('creates the flow over the API, replicates, then applies updates and deletions incrementally', async () => {
    const entities = [...SYNCED, BULK];
    const packages = await owner.get('/api/v1/packages');
    const offered = packages.body.find((pkg: { id: string }) => pkg.id === 'replicate').entities;
    expect(offered.find((e: { name: string }) => e.name === 'project_projects')).toEqual({
      name: 'project_projects',
      title: 'Projects',
      byDefault: false,
      webhookTopic: null,
      scope: 'Projects projects',
      endpoint: 'sync/Project/Projects',
    });

    const created = await owner.post(`/api/v1/connections/${connectionId}/flows`, {
      packageId: 'replicate',
      entities,
      enabled: false,
    });
    expect(created.status).toBe(201);
    const flowId = created.body.id;
    const first = await finishedRun(owner, (await owner.post(`/api/v1/flows/${flowId}/run`)).body.id);
    expect(first.status).toBe('succeeded');
    expect(first.streams.map((stream: { entity: string }) => stream.entity).sort()).toEqual(entities.sort());
    await expectReplicaEqualsSource(entities);
    for (const name of SYNCED) {
      expect(BigInt(streamOf(first, name).cursorAfter.rows), name).toBeGreaterThan(0n);
    }

    // Typed columns from the catalogue: a project's amounts and dates, not only _raw.
    const destination = await t.hub.services.flows.destinations.open('', null);
    const typed = await destination.driver.query<{ n: string }>(
      'select count(*) as n from exact.project_projects where code is not null and start_date is not null',
    );
    expect(Number(typed.rows[0]?.n)).toBeGreaterThan(0);

    // Changes in Exact: a project renamed and one deleted, a subscription deleted, an order line deleted.
    const projects = await entity('project/Projects');
    const [renamed, removed] = await sourceKeys(await replicaTableNamed('project_projects'));
    await exact.update(projects, renamed as string, { Description: 'Renamed by the catalogue test' });
    await exact.delete(projects, removed as string);
    const [subscription] = await sourceKeys(await replicaTableNamed('subscription_subscriptions'));
    await exact.delete(await entity('subscription/Subscriptions'), subscription as string);
    const [line] = await sourceKeys(await replicaTableNamed(BULK));
    await exact.delete(await entity('salesorder/SalesOrderLines'), line as string);

    const second = await finishedRun(owner, (await owner.post(`/api/v1/flows/${flowId}/run`)).body.id);
    expect(second.status).toBe('succeeded');
    // Sync endpoints read only what changed since the cursor; the bulk one reads everything.
    expect(streamOf(second, 'project_projects')).toMatchObject({
      rowsRead: 1,
      rowsWritten: 1,
      rowsDeleted: 1,
    });
    expect(streamOf(second, 'subscription_subscriptions')).toMatchObject({ rowsRead: 0, rowsDeleted: 1 });
    expect(streamOf(second, 'inventory_stock_positions')).toMatchObject({ rowsRead: 0, rowsDeleted: 0 });
    expect(streamOf(second, BULK).rowsDeleted).toBe(1);
    expect(streamOf(second, BULK).rowsRead).toBe((await sourceKeys(await replicaTableNamed(BULK))).length);
    await expectReplicaEqualsSource(entities);
    const description = await destination.driver.query<{ description: string }>(
      'select description from exact.project_projects where id = $1',
      [renamed],
    );
    expect(description.rows[0]?.description).toBe('Renamed by the catalogue test');
    const gone = await destination.driver.query<{ deleted: boolean }>(
      'select _deleted_at is not null as deleted from exact.subscription_subscriptions where id = $1',
      [subscription],
    );
    expect(gone.rows[0]?.deleted).toBe(true);
  });
});
