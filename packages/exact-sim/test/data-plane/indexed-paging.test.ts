// Ordered and filtered reads of a big table go through order indexes: every page must still be
// exactly what a sort (or a scan) of all rows would give, across $skiptoken pages, and stay
// right while rows change between pages.
import { describe, expect, it } from 'vitest';
import { sqlGuidSortKey } from '../../src/odata/guid-order.ts';
import { type Harness, harness, json, type Rows, results } from './harness.ts';

const LINES = 20_000;
const RESOURCE = 'financialtransaction/TransactionLines';

type Line = { ID: string; Modified: number; AmountDC: number; JournalCode: string };

const dateMs = (value: unknown): number => Number(/\/Date\((-?\d+)\)\//.exec(String(value))?.[1]);

/** Every line, read through the bulk endpoint in key order (no index involved). */
async function allLines(h: Harness): Promise<Line[]> {
  const lines: Line[] = [];
  let query: string | null = '$select=ID,Modified,AmountDC,JournalCode';
  while (query !== null) {
    const d = await h.d('bulk/Financial/TransactionLines', query);
    for (const row of results(d)) {
      lines.push({
        ID: row.ID as string,
        Modified: dateMs(row.Modified),
        AmountDC: row.AmountDC as number,
        JournalCode: row.JournalCode as string,
      });
    }
    const next = (d as { __next?: string }).__next;
    query = next ? new URL(next).search.slice(1) : null;
  }
  return lines;
}

/** Follows `__next` from `query` to the end; returns every row of every page. */
async function pages(h: Harness, query: string, between?: (page: number) => void): Promise<Rows> {
  const rows: Rows = [];
  let next: string | null = query;
  let page = 0;
  while (next !== null) {
    const d = await h.d(RESOURCE, next);
    rows.push(...results(d));
    between?.(++page);
    const link = (d as { __next?: string }).__next;
    next = link ? decodeURIComponent(new URL(link).search.slice(1)) : null;
  }
  return rows;
}

const byKey = (a: { ID: string }, b: { ID: string }) =>
  sqlGuidSortKey(a.ID) < sqlGuidSortKey(b.ID) ? -1 : sqlGuidSortKey(a.ID) > sqlGuidSortKey(b.ID) ? 1 : 0;

describe(`indexed reads of ${LINES.toLocaleString('en')} transaction lines`, () => {
  const h = harness({ volumes: { transactionLines: LINES } });

  it('pages $orderby=Modified in exact sort order (ties by key), without duplicates or gaps', async () => {
    const expected = (await allLines(h))
      .sort((a, b) => a.Modified - b.Modified || byKey(a, b))
      .map((line) => line.ID);
    const got = (await pages(h, '$select=ID,Modified&$orderby=Modified')).map((row) => row.ID);
    expect(got.length).toBe(LINES);
    expect(got).toEqual(expected);
  });

  it('pages an order with many ties (a code with few values, then an amount descending)', async () => {
    const expected = (await allLines(h))
      .sort(
        (a, b) =>
          (a.JournalCode < b.JournalCode ? -1 : a.JournalCode > b.JournalCode ? 1 : 0) ||
          b.AmountDC - a.AmountDC ||
          byKey(a, b),
      )
      .map((line) => line.ID);
    const got = await pages(h, '$select=ID&$orderby=JournalCode,AmountDC desc');
    expect(got.map((row) => row.ID)).toEqual(expected);
    const byJournal = await pages(h, '$select=ID&$orderby=JournalCode');
    expect(byJournal.map((row) => row.ID)).toEqual(
      (await allLines(h))
        .sort(
          (a, b) =>
            (a.JournalCode < b.JournalCode ? -1 : a.JournalCode > b.JournalCode ? 1 : 0) || byKey(a, b),
        )
        .map((line) => line.ID),
    );
  });

  it('pages a descending order narrowed by a range filter on the same field', async () => {
    const lines = await allLines(h);
    const cut = [...lines].sort((a, b) => a.Modified - b.Modified)[Math.floor(LINES * 0.9)]!.Modified;
    const iso = new Date(cut).toISOString().slice(0, 19);
    const expected = lines
      .filter((line) => line.Modified >= cut)
      .sort((a, b) => b.Modified - a.Modified || byKey(a, b))
      .map((line) => line.ID);
    const got = await pages(h, `$select=ID&$orderby=Modified desc&$filter=Modified ge datetime'${iso}'`);
    expect(got.map((row) => row.ID)).toEqual(expected);
  });

  it('serves eq and range filters in key order through an index, like a scan would', async () => {
    const lines = await allLines(h);
    const journal = lines[0]!.JournalCode;
    const eq = await pages(h, `$select=ID&$filter=JournalCode eq '${journal}'`);
    expect(eq.map((row) => row.ID)).toEqual(
      lines.filter((line) => line.JournalCode === journal).map((line) => line.ID),
    );
    const big = await pages(h, '$select=ID&$filter=AmountDC gt 4000 and AmountDC le 6000');
    expect(big.map((row) => row.ID)).toEqual(
      lines.filter((line) => line.AmountDC > 4000 && line.AmountDC <= 6000).map((line) => line.ID),
    );
    expect(big.length).toBeGreaterThan(0);
    const counted = await h.get(
      `${RESOURCE}/$count`,
      `$filter=JournalCode eq '${journal}' and AmountDC gt 0`,
    );
    expect(counted.body).toBe(
      String(lines.filter((line) => line.JournalCode === journal && line.AmountDC > 0).length),
    );
  });

  it('keeps the index current: rows changed between pages move, unchanged rows come exactly once', async () => {
    const before = await allLines(h);
    const changed = new Set<string>();
    const got = await pages(h, '$select=ID,Modified&$orderby=Modified', (page) => {
      if (page % 40 !== 0) return;
      h.clock.set(h.clock.now() + 60_000);
      const result = h.dp.mutate({ division: 7, entity: RESOURCE, updates: 3, creates: 1, deletes: 1 });
      for (const id of [...result.updated, ...result.created, ...result.deleted]) changed.add(id);
    });
    const seen = new Map<string, number>();
    for (const row of got) seen.set(row.ID as string, (seen.get(row.ID as string) ?? 0) + 1);
    for (const line of before) if (!changed.has(line.ID)) expect(seen.get(line.ID)).toBe(1);
    for (let i = 1; i < got.length; i++) {
      const a = got[i - 1] as { ID: string; Modified: string };
      const b = got[i] as { ID: string; Modified: string };
      const order = dateMs(a.Modified) - dateMs(b.Modified) || byKey(a, b);
      expect(order).toBeLessThan(0);
    }
    // A record updated through the API moves to the end of the Modified order at once.
    h.clock.set(h.clock.now() + 3_600_000);
    const account = results(await h.d('crm/Accounts', '$select=ID&$orderby=Modified&$top=1'))[0] as {
      ID: string;
    };
    expect(
      (await h.send('PUT', `crm/Accounts(guid'${account.ID}')`, { Name: 'Laatst Gewijzigd BV' })).status,
    ).toBe(204);
    const newest = json(await h.get('crm/Accounts', '$select=ID,Name&$orderby=Modified desc&$top=1')) as {
      d: { ID: string; Name: string }[];
    };
    expect(newest.d[0]).toMatchObject({ ID: account.ID, Name: 'Laatst Gewijzigd BV' });
  });
});
