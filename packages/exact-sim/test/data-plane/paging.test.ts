import { describe, expect, it } from 'vitest';
import { compareSqlGuids, sqlGuidSortKey } from '../../src/odata/guid-order.ts';
import { buildNextLink, parseQueryOptions } from '../../src/odata/query-options.ts';
import { parseSkipToken, skipTokenLiteral } from '../../src/odata/skiptoken.ts';
import { BASE, errorMessage, harness, type Rows, results } from './harness.ts';

describe('SQL Server uniqueidentifier order', () => {
  it('compares the last group first, then the fourth, then the first three byte-swapped', () => {
    // Ascending order per SqlGuid: byte groups compared last-to-first, the first three stored little-endian.
    const guids = [
      '01000000-0000-0000-0000-000000000000',
      '00010000-0000-0000-0000-000000000000',
      '00000100-0000-0000-0000-000000000000',
      '00000001-0000-0000-0000-000000000000',
      '00000000-0100-0000-0000-000000000000',
      '00000000-0001-0000-0000-000000000000',
      '00000000-0000-0100-0000-000000000000',
      '00000000-0000-0001-0000-000000000000',
      '00000000-0000-0000-0100-000000000000',
      '00000000-0000-0000-0001-000000000000',
      '00000000-0000-0000-0000-010000000000',
      '00000000-0000-0000-0000-000000000001',
    ];
    const sorted = [...guids].reverse().sort(compareSqlGuids);
    expect(sorted).toEqual([
      '01000000-0000-0000-0000-000000000000',
      '00010000-0000-0000-0000-000000000000',
      '00000100-0000-0000-0000-000000000000',
      '00000001-0000-0000-0000-000000000000',
      '00000000-0100-0000-0000-000000000000',
      '00000000-0001-0000-0000-000000000000',
      '00000000-0000-0100-0000-000000000000',
      '00000000-0000-0001-0000-000000000000',
      '00000000-0000-0000-0001-000000000000',
      '00000000-0000-0000-0100-000000000000',
      '00000000-0000-0000-0000-000000000001',
      '00000000-0000-0000-0000-010000000000',
    ]);
    expect(sqlGuidSortKey('AABBCCDD-EEFF-1122-3344-556677889900')).toBe('55667788990033442211ffeeddccbbaa');
  });
});

describe('skiptoken and __next encoding', () => {
  it("writes literals in Exact's shapes and reads them back", () => {
    expect(skipTokenLiteral('Edm.Guid', 'd4784044-0000-4000-8000-000000000001')).toBe(
      "guid'd4784044-0000-4000-8000-000000000001'",
    );
    expect(skipTokenLiteral('Edm.DateTime', Date.UTC(2024, 8, 9, 12, 40, 29, 900))).toBe(
      "datetime'2024-09-09T12:40:29.9'",
    );
    expect(skipTokenLiteral('Edm.Int64', 1234)).toBe('1234L');
    expect(skipTokenLiteral('Edm.String', "O'Neil, B.V.")).toBe("'O''Neil, B.V.'");
    expect(
      parseSkipToken(
        "datetime'2024-09-09T12:40:29.9','O''Neil, B.V.',guid'd4784044-0000-4000-8000-000000000001'",
        3,
      ),
    ).toEqual([
      Date.UTC(2024, 8, 9, 12, 40, 29, 900),
      "O'Neil, B.V.",
      'd4784044-0000-4000-8000-000000000001',
    ]);
    expect(() => parseSkipToken('garbage(', 1)).toThrow(/Invalid \$skiptoken/);
  });

  it("keeps every option, rewrites $top, drops $skip, escapes spaces and colons but not $ , '", () => {
    const options = parseQueryOptions(
      "$filter=Modified%20gt%20datetime'2024-01-01T10:00:00'&$skip=5&$top=100&$select=ID,Name&custom=1",
    );
    const next = buildNextLink(`${BASE}/api/v1/7/crm/Accounts`, options.params, 40, "guid'abc'");
    expect(next).toBe(
      `${BASE}/api/v1/7/crm/Accounts?$filter=Modified%20gt%20datetime'2024-01-01T10%3A00%3A00'&$top=40&$select=ID,Name&custom=1&$skiptoken=guid'abc'`,
    );
  });

  it('refuses unknown $ options and bad $top values', () => {
    expect(() => parseQueryOptions('$foo=1')).toThrow(/\$foo/);
    expect(() => parseQueryOptions('$top=-1')).toThrow(/non-negative integer/);
    expect(() => parseQueryOptions('$top=abc')).toThrow(/non-negative integer/);
  });
});

function nextQuery(next: string): string {
  return next.slice(next.indexOf('?') + 1);
}

describe('paging over the data plane', () => {
  const h = harness({ volumes: { accounts: 150, contacts: 10, transactionLines: 2600 } });

  it('serves 60 rows per page on standard endpoints in SQL Server key order, __next until the end', async () => {
    const seen: string[] = [];
    let query = '$select=ID,Name';
    let pages = 0;
    for (;;) {
      const d = await h.d('crm/Accounts', query);
      const rows = results(d);
      pages++;
      seen.push(...rows.map((r) => r.ID as string));
      if (!d.__next) break;
      expect(rows).toHaveLength(60);
      const next = d.__next as string;
      expect(next.startsWith(`${BASE}/api/v1/7/crm/Accounts?$select=ID,Name&$skiptoken=guid'`)).toBe(true);
      expect(next.endsWith(`guid'${rows[59]?.ID as string}'`)).toBe(true);
      query = nextQuery(next);
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(150);
    expect(new Set(seen).size).toBe(150);
    expect([...seen].sort(compareSqlGuids)).toEqual(seen);
  });

  it('caps the total with $top and rewrites $top in __next to the remainder', async () => {
    const first = await h.d('crm/Accounts', '$top=100&$select=ID');
    expect(results(first)).toHaveLength(60);
    expect(first.__next).toMatch(/\?\$top=40&\$select=ID&\$skiptoken=guid'[0-9a-f-]{36}'$/);
    const second = await h.d('crm/Accounts', nextQuery(first.__next as string));
    expect(results(second)).toHaveLength(40);
    expect(second.__next).toBeUndefined();
    const exact = await h.d('crm/Accounts', '$top=60&$select=ID');
    expect(results(exact)).toHaveLength(60);
    expect(exact.__next).toBeUndefined();
  });

  it('accepts $skip on standard endpoints and drops it from __next', async () => {
    const page1 = await h.d('crm/Accounts', '$select=ID');
    const page2 = await h.d('crm/Accounts', nextQuery(page1.__next as string));
    const all = [...results(page1), ...results(page2)].map((r) => r.ID);
    const skipped = await h.d('crm/Accounts', '$select=ID&$skip=10');
    expect(results(skipped)[0]?.ID).toBe(all[10]);
    expect(skipped.__next).not.toContain('$skip=');
    const next = results(await h.d('crm/Accounts', nextQuery(skipped.__next as string)));
    expect(next[0]?.ID).toBe(all[70]);
  });

  it('pages by (order-by value, key) when $orderby is given', async () => {
    const seen: Rows = [];
    let query = '$orderby=Modified desc&$select=ID,Modified';
    for (;;) {
      const d = await h.d('crm/Accounts', query);
      seen.push(...results(d));
      if (!d.__next) break;
      expect(d.__next).toMatch(
        /\$skiptoken=datetime'\d{4}-\d\d-\d\dT\d\d%3A\d\d%3A\d\d(\.\d+)?',guid'[0-9a-f-]{36}'$/,
      );
      query = nextQuery(d.__next as string);
    }
    expect(seen).toHaveLength(150);
    expect(new Set(seen.map((r) => r.ID)).size).toBe(150);
    const stamps = seen.map((r) => Number(/\d+/.exec(r.Modified as string)?.[0]));
    for (let i = 1; i < stamps.length; i++)
      expect(stamps[i - 1] as number).toBeGreaterThanOrEqual(stamps[i] as number);
  });

  it('serves 1,000 rows per sync page ascending by Timestamp, with a Timestamp skiptoken', async () => {
    const timestamps: number[] = [];
    let query = '$filter=Timestamp gt 0L&$select=ID,Timestamp';
    let pages = 0;
    for (;;) {
      const d = await h.d('sync/Financial/TransactionLines', query);
      const rows = results(d);
      pages++;
      timestamps.push(...rows.map((r) => Number(r.Timestamp)));
      expect(typeof rows[0]?.Timestamp).toBe('string');
      if (!d.__next) break;
      expect(rows).toHaveLength(1000);
      expect(d.__next).toContain(`$skiptoken=${rows[999]?.Timestamp as string}L`);
      query = nextQuery(d.__next as string);
    }
    expect(pages).toBe(3);
    expect(timestamps).toHaveLength(2600);
    for (let i = 1; i < timestamps.length; i++)
      expect(timestamps[i]).toBeGreaterThan(timestamps[i - 1] as number);
    const from = timestamps[2500] as number;
    const tail = results(
      await h.d('sync/Financial/TransactionLines', `$filter=Timestamp gt ${from}L&$select=Timestamp`),
    );
    expect(tail).toHaveLength(99);
  });

  it('serves 1,000 rows per bulk page in key order', async () => {
    const d = await h.d('bulk/Financial/TransactionLines', '$select=ID,AmountDC');
    expect(results(d)).toHaveLength(1000);
    expect(d.__next).toMatch(/\$skiptoken=guid'/);
  });

  it('refuses $skip on sync and bulk, and reads without $select', async () => {
    for (const path of ['sync/CRM/Accounts', 'bulk/CRM/Accounts']) {
      const skip = await h.get(path, '$select=ID&$skip=10');
      expect(skip.status).toBe(400);
      expect(errorMessage(skip)).toContain('$skip');
      const noSelect = await h.get(
        path,
        '$filter=Timestamp gt 0L'.replace(path.startsWith('bulk') ? '$filter=Timestamp gt 0L' : '', ''),
      );
      expect(noSelect.status).toBe(400);
      expect(errorMessage(noSelect)).toBe('Please add a $select or a $top=1 statement to the query string.');
    }
    const star = await h.get('sync/CRM/Accounts', '$select=*');
    expect(star.status).toBe(400);
    expect(errorMessage(star)).toContain('$select=*');
    expect((await h.get('bulk/CRM/Accounts', '$select=*')).status).toBe(200);
  });
});
