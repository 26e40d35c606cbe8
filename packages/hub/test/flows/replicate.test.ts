import type { ExactClient } from '@koppel/exact';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresDestination } from '../../src/destinations/postgres-destination.ts';
import { InProcessStreamLocks } from '../../src/flows/stream-lock.ts';
import { BACKENDS } from '../support/test-hub.ts';
import {
  openTestDestination,
  replicaDigests,
  replicateDivision,
  SETTINGS,
  sourceDigests,
  startTestSim,
  type TestSim,
  totals,
} from './replica-kit.ts';

const DIVISION = 100001;
const VOLUMES = {
  accounts: 1_200,
  contacts: 300,
  addresses: 200,
  items: 150,
  glAccounts: 80,
  salesInvoices: 60,
  salesOrders: 40,
  transactionLines: 2_500,
};

/**
 * Deletes only where nothing refers to the record: exact-sim refuses later updates of a
 * record whose reference (e.g. a contact's account) was deleted.
 */
const MUTATED: { entity: string; deletes: number }[] = [
  { entity: 'financialtransaction/TransactionLines', deletes: 5 },
  { entity: 'salesinvoice/SalesInvoiceLines', deletes: 5 },
  { entity: 'salesinvoice/SalesInvoices', deletes: 2 },
  { entity: 'salesorder/SalesOrders', deletes: 2 },
  { entity: 'crm/Addresses', deletes: 5 },
  { entity: 'crm/Contacts', deletes: 0 },
  { entity: 'logistics/Items', deletes: 0 },
  { entity: 'financial/GLAccounts', deletes: 0 },
  { entity: 'crm/Accounts', deletes: 0 },
];

async function mutateEverything(sim: TestSim) {
  for (const { entity, deletes } of MUTATED) {
    await sim.control('POST', '/mutations', { division: DIVISION, entity, creates: 7, updates: 9, deletes });
  }
}

describe.each(BACKENDS)('replicate to database on $name', (backend) => {
  let sim: TestSim;
  let exact: ExactClient;
  let destination: PostgresDestination;
  let dispose: () => Promise<void>;
  const locks = new InProcessStreamLocks();

  beforeAll(async () => {
    sim = await startTestSim({
      defaultDivisions: [{ code: DIVISION, description: 'Replica BV', volumes: VOLUMES }],
    });
    exact = await sim.connectedClient();
    ({ destination, dispose } = await openTestDestination(backend));
  });
  afterAll(async () => {
    await dispose?.();
    await sim?.close();
  });

  it('loads, then applies creates, updates and deletes incrementally: replica equals source (soft and hard)', async () => {
    const division = exact.division(DIVISION, { background: true });
    const hard = { ...SETTINGS, schema: 'exact_hard', deleteMode: 'hard' as const };
    const first = totals(await replicateDivision(division, destination, locks));
    expect(first.failed).toEqual([]);
    expect(first.read).toBeGreaterThan(4_000);
    expect(first.written).toBe(first.read);
    expect(
      totals(await replicateDivision(division, destination, locks, { settings: hard, flowId: 'hard' }))
        .failed,
    ).toEqual([]);
    expect(await replicaDigests(destination, DIVISION)).toEqual(await sourceDigests(division));

    await mutateEverything(sim);
    const second = totals(await replicateDivision(division, destination, locks));
    expect(second.failed).toEqual([]);
    expect(second.read).toBeLessThan(400);
    expect(second.deleted).toBeGreaterThan(0);
    const source = await sourceDigests(division);
    expect(await replicaDigests(destination, DIVISION)).toEqual(source);

    const hardRun = totals(
      await replicateDivision(division, destination, locks, { settings: hard, flowId: 'hard' }),
    );
    expect(hardRun.failed).toEqual([]);
    expect(await replicaDigests(destination, DIVISION, 'exact_hard')).toEqual(source);
    // Soft mode keeps deleted rows with _deleted_at; hard mode removes them.
    const kept = await destination.driver.query<{ n: string }>(
      'select count(*) as n from exact.addresses where _deleted_at is not null',
    );
    expect(Number(kept.rows[0]?.n)).toBeGreaterThanOrEqual(5);
    const gone = await destination.driver.query<{ n: string }>(
      'select count(*) as n from exact_hard.addresses where _deleted_at is not null',
    );
    expect(Number(gone.rows[0]?.n)).toBe(0);

    // Typed columns: snake_case names, trimmed codes, Exact's values as the SDK reads them.
    const [account] = (
      await destination.driver.query<Record<string, unknown>>(
        'select id, code, name, _raw, _timestamp, _synced_at from exact.accounts where division = $1 and _deleted_at is null limit 1',
        [DIVISION],
      )
    ).rows;
    const rawAccount = account!._raw as { Code: string; Name: string };
    expect(account!.code).toBe(rawAccount.Code.trim());
    expect(account!.name).toBe(rawAccount.Name);
    const [line] = (
      await destination.driver.query<Record<string, unknown>>(
        'select amount_dc, gl_account_code, date, _raw from exact.transaction_lines limit 1',
      )
    ).rows;
    expect(Number(line!.amount_dc)).toBe(Number((line!._raw as { AmountDC: number }).AmountDC));
    expect(line!.date).toBeInstanceOf(Date);

    // `_raw` is compressed with lz4 where the server has it (cheaper than pglz per page).
    const [raw] = (
      await destination.driver.query<{ method: string; lz4: boolean }>(
        `select a.attcompression::text as method,
           (select 'lz4' = any(enumvals) from pg_settings where name = 'default_toast_compression') as lz4
         from pg_attribute a where a.attrelid = 'exact.transaction_lines'::regclass and a.attname = '_raw'`,
      )
    ).rows;
    expect(raw!.method).toBe(raw!.lz4 ? 'l' : '');
  }, 120_000);

  it('gives the same replica with 5% injected 503s and added latency', async () => {
    const division = exact.division(DIVISION, { background: true });
    await mutateEverything(sim);
    await sim.control('POST', '/faults', { errorRate: 0.05, status: 503, latencyMs: 15 });
    try {
      const run = totals(await replicateDivision(division, destination, locks));
      expect(run.failed).toEqual([]);
    } finally {
      await sim.control('DELETE', '/faults');
    }
    expect((await sim.stats()).api.byStatus['503'] ?? 0).toBeGreaterThan(0);
    expect(await replicaDigests(destination, DIVISION)).toEqual(await sourceDigests(division));
  });

  it('full resync removes rows deleted at the source outside the deleted feed window', async () => {
    const division = exact.division(DIVISION, { background: true });
    await replicateDivision(division, destination, locks);
    await sim.control('POST', '/mutations', { division: DIVISION, entity: 'crm/Accounts', deletes: 6 });
    await sim.control('POST', '/mutations', { division: DIVISION, entity: 'logistics/Items', deletes: 4 });
    // As if Exact had purged its deleted log: the stream's deleted cursor jumps past the deletions.
    await destination.driver.query(
      "update exact._koppel_cursors set deleted_cursor = '9000000000000' where stream_id like $1",
      [`flow-test/${DIVISION}/%`],
    );
    await replicateDivision(division, destination, locks);
    const source = await sourceDigests(division);
    const stale = await replicaDigests(destination, DIVISION);
    expect(stale.accounts?.rows).toBe((source.accounts?.rows ?? 0) + 6);

    const resync = await replicateDivision(division, destination, locks, { resync: true });
    expect(totals(resync).failed).toEqual([]);
    expect(resync.accounts?.rowsDeleted).toBe(6);
    expect(resync.items?.rowsDeleted).toBe(4);
    expect(await replicaDigests(destination, DIVISION)).toEqual(source);
  });
});
