import { describe, expect, it } from 'vitest';
import { mix32, rowGuid, rowIndexOfGuid, unmix32 } from '../../src/data/random.ts';
import { compareSqlGuids } from '../../src/odata/guid-order.ts';
import { harness, results } from './harness.ts';

describe('generated keys', () => {
  it('inverts the row hash so generated rows are found by key without an index', () => {
    for (const x of [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 123_456_789])
      expect(unmix32(mix32(x))).toBe(x >>> 0);
    for (const index of [0, 1, 59, 999_999, 1_234_567]) {
      expect(rowIndexOfGuid(42, 7, 10, rowGuid(42, 7, 10, index))).toBe(index);
    }
    expect(rowIndexOfGuid(42, 7, 10, rowGuid(42, 8, 10, 5))).toBe(-1);
    expect(rowIndexOfGuid(42, 7, 10, '00000000-0000-4000-8000-000000000000')).toBe(-1);
  });
});

describe('a division with 250,000 transaction lines (generated lazily, looked up without an index)', () => {
  const h = harness({ volumes: { transactionLines: 250_000 } });

  it('reads by key, creates, updates and deletes rows of the big table', async () => {
    const last = results(
      await h.d('sync/Financial/TransactionLines', '$select=ID,Timestamp&$filter=Timestamp gt 0L&$top=1'),
    )[0] as Record<string, unknown>;
    const single = await h.d(
      `financialtransaction/TransactionLines(guid'${last.ID as string}')`,
      '$select=ID,GLAccountCode',
    );
    expect(single.ID).toBe(last.ID);
    expect(single.GLAccountCode).toMatch(/^\d{4}$/);

    const mutated = h.dp.mutate({
      division: 7,
      entity: 'financialtransaction/TransactionLines',
      creates: 1,
      updates: 1,
      deletes: 1,
    });
    const created = await h.d(
      `financialtransaction/TransactionLines(guid'${mutated.created[0] as string}')`,
      '$select=Description',
    );
    expect(created.Description).toMatch(/^Memoriaalboeking/);
    expect(
      (await h.get(`financialtransaction/TransactionLines(guid'${mutated.deleted[0] as string}')`)).status,
    ).toBe(404);
    const recent = results(
      await h.d(
        'sync/Financial/TransactionLines',
        `$select=ID&$filter=Timestamp gt ${Number(last.Timestamp) + 249_999}L`,
      ),
    ).map((r) => r.ID);
    expect(recent).toEqual(expect.arrayContaining([mutated.created[0], mutated.updated[0]]));
    expect(recent).not.toContain(mutated.deleted[0]);
    expect((await h.get('financialtransaction/TransactionLines/$count')).body).toBe('250000');
  });

  it('answers ID eq guid filters with a lookup, still applying the rest of the filter', async () => {
    const [row] = results(await h.d('bulk/Financial/TransactionLines', '$select=ID,AmountDC&$top=1'));
    const id = (row as Record<string, unknown>).ID as string;
    const hit = results(
      await h.d('financialtransaction/TransactionLines', `$filter=ID eq guid'${id}'&$select=ID`),
    );
    expect(hit.map((r) => r.ID)).toEqual([id]);
    const both = results(
      await h.d(
        'financialtransaction/TransactionLines',
        `$filter=AmountDC gt 99999999 and ID eq guid'${id}'&$select=ID`,
      ),
    );
    expect(both).toEqual([]);
    const none = results(
      await h.d(
        'financialtransaction/TransactionLines',
        "$filter=ID eq guid'00000000-0000-4000-8000-000000000000'",
      ),
    );
    expect(none).toEqual([]);
  });

  it('pages the standard endpoint in SQL Server key order across a quarter million rows', async () => {
    const first = await h.d('financialtransaction/TransactionLines', '$select=ID');
    const ids = results(first).map((r) => r.ID as string);
    expect(ids).toHaveLength(60);
    expect([...ids].sort(compareSqlGuids)).toEqual(ids);
    const next = first.__next as string;
    const second = results(
      await h.d('financialtransaction/TransactionLines', next.slice(next.indexOf('?') + 1)),
    );
    expect(compareSqlGuids(ids[59] as string, second[0]?.ID as string)).toBeLessThan(0);
  });
});
