// The replica's page path (COPY into a stage, then one merge; on a first load COPY straight
// into the table until a record comes again) on both backends: values COPY's
// text format must escape arrive exactly as Exact sent them, in the typed columns and in
// `_raw`; a later duplicate of an id wins; an older Timestamp never overwrites a newer row;
// a row the destination refuses is reported while the rest of the page commits; and pages
// written concurrently commit in order, none after one that failed.
import { accounts, type EntityDef, type RawRecord, readRow, type SyncRow } from '@koppel/exact';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresDestination } from '../../src/destinations/postgres-destination.ts';
import { ReplicaStore } from '../../src/flows/packages/replicate/replica-store.ts';
import { tableLayout } from '../../src/flows/packages/replicate/table-layout.ts';
import { START_CURSOR, type StreamCursor } from '../../src/flows/stream-cursor.ts';
import { BACKENDS } from '../support/test-hub.ts';
import { openTestDestination } from './replica-kit.ts';

const DIVISION = 4242;

function account(id: string, fields: Record<string, unknown>): SyncRow<EntityDef> {
  const raw = { ID: id, Division: DIVISION, ...fields } as RawRecord;
  return readRow(accounts, raw) as unknown as SyncRow<EntityDef>;
}

const AWKWARD = 'tab\there, new\nline, cr\r, back\\slash, \\N, "quoted", emoji 🦆, accents éïø';

describe.each(BACKENDS)('the replica page path on $name', (backend) => {
  let destination: PostgresDestination;
  let dispose: () => Promise<void>;
  let store: ReplicaStore;

  beforeAll(async () => {
    ({ destination, dispose } = await openTestDestination(backend));
    store = new ReplicaStore({
      driver: destination.driver,
      layout: tableLayout(accounts, 'exact', 'accounts', 'ID'),
      streamId: 'copy-test',
      division: DIVISION,
      deleteMode: 'soft',
    });
    await store.prepare();
  });
  afterAll(async () => {
    await dispose();
  });

  async function row(id: string) {
    const result = await destination.driver.query<Record<string, unknown>>(
      'select name, code, remarks, is_supplier, credit_line_sales, created, _raw, _timestamp::text as _timestamp from exact.accounts where division = $1 and id = $2',
      [DIVISION, id],
    );
    return result.rows[0];
  }

  it('keeps every character COPY escapes, in the typed columns and in _raw', async () => {
    const id = '00000000-0000-4000-8000-000000000001';
    const sent = {
      Name: AWKWARD,
      Code: '              42',
      Remarks: 'line one\nline two\\',
      IsSupplier: true,
      CreditLineSales: 1234.5,
      Created: '/Date(1735732800000)/',
      Timestamp: 7,
    };
    const page = await store.preparePage([account(id, sent)]);
    const result = await store.writePage(page, START_CURSOR, { rows: '7', deleted: START_CURSOR.deleted });
    expect(result).toEqual({ written: 1, rejected: [] });
    const stored = await row(id);
    expect(stored).toMatchObject({
      name: AWKWARD,
      code: '42',
      remarks: 'line one\nline two\\',
      is_supplier: true,
      credit_line_sales: '1234.5',
      _timestamp: '7',
    });
    // Exact's /Date()/ is Dutch wall-clock time: 2025-01-01 12:00 in Amsterdam is 11:00 UTC.
    expect(new Date(stored?.created as Date).toISOString()).toBe('2025-01-01T11:00:00.000Z');
    expect(stored?._raw).toEqual({ ID: id, Division: DIVISION, ...sent });
  });

  it('lets a later duplicate win within a page and never lets an older Timestamp overwrite', async () => {
    const id = '00000000-0000-4000-8000-000000000002';
    const page = await store.preparePage([
      account(id, { Name: 'first', Timestamp: 10 }),
      account(id, { Name: 'second', Timestamp: 11 }),
    ]);
    await store.writePage(page, { rows: '7', deleted: '0' }, { rows: '11', deleted: '0' });
    expect((await row(id))?.name).toBe('second');
    const stale = await store.preparePage([account(id, { Name: 'stale', Timestamp: 9 })]);
    const result = await store.writePage(stale, { rows: '11', deleted: '0' }, { rows: '12', deleted: '0' });
    expect(result.written).toBe(0);
    expect((await row(id))?.name).toBe('second');
  });

  it('reports a refused row and commits the rest of the page with the cursor', async () => {
    const good = '00000000-0000-4000-8000-000000000003';
    const bad = '00000000-0000-4000-8000-000000000004';
    const page = await store.preparePage([
      account(good, { Name: 'fine', Timestamp: 20 }),
      account(bad, { Name: 'broken', CreditLineSales: 'not a number', Timestamp: 21 }),
    ]);
    const result = await store.writePage(page, { rows: '12', deleted: '0' }, { rows: '21', deleted: '0' });
    expect(result.written).toBe(1);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]).toMatchObject({
      code: 'destination_rejected_row',
      raw: { ID: bad, Name: 'broken' },
    });
    expect(result.rejected[0]?.message).toMatch(/SQLSTATE 22P02.*numeric/);
    expect((await row(good))?.name).toBe('fine');
    expect(await row(bad)).toBeUndefined();
    const cursor = await store.prepare();
    expect(cursor.cursor.rows).toBe('21');
  });

  it('commits pages written concurrently in order, with a refused row among them', async () => {
    const id = '00000000-0000-4000-8000-000000000005';
    const refused = '00000000-0000-4000-8000-000000000006';
    const first = await store.preparePage([
      account(id, { Name: 'older', Timestamp: 30 }),
      account(refused, { Name: 'broken', CreditLineSales: 'NaN?', Timestamp: 31 }),
    ]);
    const second = await store.preparePage([account(id, { Name: 'newer', Timestamp: 40 })]);
    const third = await store.preparePage([account(id, { Name: 'newest', Timestamp: 50 })]);
    const written = await Promise.all([
      store.writePage(first, { rows: '21', deleted: '0' }, { rows: '31', deleted: '0' }),
      store.writePage(second, { rows: '31', deleted: '0' }, { rows: '40', deleted: '0' }),
      store.writePage(third, { rows: '40', deleted: '0' }, { rows: '50', deleted: '0' }),
    ]);
    expect(written.map((result) => [result.written, result.rejected.length])).toEqual([
      [1, 1],
      [1, 0],
      [1, 0],
    ]);
    expect((await row(id))?.name).toBe('newest');
    expect((await store.prepare()).cursor.rows).toBe('50');
  });

  it('commits no page written after one that failed: the cursor stays where the failure left it', async () => {
    const id = '00000000-0000-4000-8000-000000000007';
    const failing = await store.preparePage([account(id, { Name: 'never', Timestamp: 60 })]);
    const after = await store.preparePage([account(id, { Name: 'never either', Timestamp: 70 })]);
    // The first names a cursor the stream is not at (another run moved it): it fails, and
    // the second, started while the first was in flight, must not move the cursor past it.
    const results = await Promise.allSettled([
      store.writePage(failing, { rows: '49', deleted: '0' }, { rows: '60', deleted: '0' }),
      store.writePage(after, { rows: '60', deleted: '0' }, { rows: '70', deleted: '0' }),
    ]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(await row(id)).toBeUndefined();
    expect((await store.prepare()).cursor.rows).toBe('50');
  });

  it('copies a first load straight into the table, and upserts from the first record read again', async () => {
    const division = DIVISION + 1;
    // A table made before `_synced_at` had a default gets one, which the straight COPY needs.
    await destination.driver.query('alter table exact.accounts alter column _synced_at drop default');
    const load = new ReplicaStore({
      driver: destination.driver,
      layout: tableLayout(accounts, 'exact', 'accounts', 'ID'),
      streamId: 'first-load',
      division,
      deleteMode: 'soft',
    });
    expect((await load.prepare()).cursor).toEqual(START_CURSOR);
    const ids = [1, 2, 3, 4].map((n) => `00000000-0000-4000-8000-00000000010${n}`);
    const line = (id: string, name: string, timestamp: number) => {
      const row = readRow(accounts, {
        ID: id,
        Division: division,
        Name: name,
        Timestamp: timestamp,
      } as RawRecord);
      return row as unknown as SyncRow<EntityDef>;
    };
    // Records changed during the load come again in later pages, with newer Timestamps.
    const pages = await Promise.all([
      load.preparePage([line(ids[0] as string, 'a', 1), line(ids[1] as string, 'b', 2)]),
      load.preparePage([line(ids[2] as string, 'c', 3), line(ids[0] as string, 'a again', 4)]),
      load.preparePage([line(ids[3] as string, 'd', 5), line(ids[1] as string, 'b again', 6)]),
    ]);
    const cursors = ['0', '2', '4', '6'].map((rows) => ({ rows, deleted: '0' }));
    const written = await Promise.all(
      pages.map((page, n) =>
        load.writePage(page, cursors[n] as StreamCursor, cursors[n + 1] as StreamCursor),
      ),
    );
    expect(written.map((result) => result.written)).toEqual([2, 2, 2]);
    const stored = await destination.driver.query<{ name: string; _timestamp: string; fresh: boolean }>(
      `select name, _timestamp::text as _timestamp, _synced_at > now() - interval '1 minute' as fresh
       from exact.accounts where division = $1 order by id`,
      [division],
    );
    expect(stored.rows).toEqual([
      { name: 'a again', _timestamp: '4', fresh: true },
      { name: 'b again', _timestamp: '6', fresh: true },
      { name: 'c', _timestamp: '3', fresh: true },
      { name: 'd', _timestamp: '5', fresh: true },
    ]);
    expect((await load.prepare()).cursor.rows).toBe('6');
  });
});
