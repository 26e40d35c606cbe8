// Ordered reads of a table too big to sort on first use are answered by selecting the page's
// rows from one column (rest/selected-rows.ts). The pages must be exactly those of the order
// index (a two-term order, which the selection never serves, gives the same order here
// because the key is the tie-breaker), across $skiptoken pages, filters, $skip and changes.
import { describe, expect, it } from 'vitest';
import { SELECTION_MIN_ROWS } from '../../src/rest/selected-rows.ts';
import { harness, type Rows, results } from './harness.ts';

const LINES = SELECTION_MIN_ROWS + 2_000;
const RESOURCE = 'financialtransaction/TransactionLines';

describe(`ordered pages of ${LINES.toLocaleString('en')} transaction lines by selection`, () => {
  const h = harness({ volumes: { transactionLines: LINES } });

  /** The first `count` pages from `query` (or all of them), following `__next`. */
  async function pages(query: string, count = Number.POSITIVE_INFINITY): Promise<Rows> {
    const rows: Rows = [];
    let next: string | null = query;
    for (let page = 0; next !== null && page < count; page++) {
      const d = await h.d(RESOURCE, next);
      rows.push(...results(d));
      const link = (d as { __next?: string }).__next;
      next = link ? decodeURIComponent(new URL(link).search.slice(1)) : null;
    }
    return rows;
  }

  const ids = (rows: Rows) => rows.map((row) => row.ID);

  it('pages ascending and descending orders as the index does, ties by key', async () => {
    const select = '$select=ID,Modified';
    // Twelve pages: past the rows one selection reads ahead, so the next selection continues them.
    expect(ids(await pages(`${select}&$orderby=Modified`, 12))).toEqual(
      ids(await pages(`${select}&$orderby=Modified,ID`, 12)),
    );
    expect(ids(await pages(`${select}&$orderby=Modified desc`, 4))).toEqual(
      ids(await pages(`${select}&$orderby=Modified desc,ID`, 4)),
    );
    // A field without a cheap column is read from the rows, in the same order.
    expect(ids(await pages('$select=ID&$orderby=AmountDC desc', 2))).toEqual(
      ids(await pages('$select=ID&$orderby=AmountDC desc,ID', 2)),
    );
    expect(ids(await pages(`${select}&$orderby=Modified&$skip=100&$top=30`, 1))).toEqual(
      ids(await pages(`${select}&$orderby=Modified,ID`, 3)).slice(100, 130),
    );
  });

  it('walks a range to its end, and a filter on another field fills its pages', async () => {
    const newest = results(await h.d(RESOURCE, '$select=Modified&$orderby=Modified desc&$skip=400&$top=1'));
    const cut = Number(/\d+/.exec(String(newest[0]?.Modified))?.[0]);
    const iso = new Date(cut).toISOString().slice(0, 19);
    const range = await pages(`$select=ID&$orderby=Modified&$filter=Modified ge datetime'${iso}'`);
    expect(range.length).toBeGreaterThanOrEqual(401);
    expect(ids(range)).toEqual(
      ids(await pages(`$select=ID&$orderby=Modified,ID&$filter=Modified ge datetime'${iso}'`)),
    );
    // About one line in twenty is a memorial entry's: pages need several selections to fill.
    const filtered = await pages("$select=ID,JournalCode&$orderby=Modified&$filter=JournalCode eq '90'", 2);
    expect(filtered).toHaveLength(120);
    expect(filtered.every((row) => row.JournalCode === '90')).toBe(true);
    expect(ids(filtered)).toEqual(
      ids(await pages("$select=ID&$orderby=Modified,ID&$filter=JournalCode eq '90'", 2)),
    );
  });

  it('sees rows changed since the column was read: deleted rows are gone, created ones come first', async () => {
    await pages('$select=ID&$orderby=Modified desc', 1);
    const mutated = h.dp.mutate({ division: 7, entity: RESOURCE, creates: 3, updates: 3, deletes: 3 });
    const after = ids(await pages('$select=ID&$orderby=Modified desc', 2));
    for (const id of mutated.deleted) expect(after).not.toContain(id);
    expect(after).toEqual(expect.arrayContaining(mutated.created));
    expect(after).toEqual(ids(await pages('$select=ID&$orderby=Modified desc,ID', 2)));
  });
});
