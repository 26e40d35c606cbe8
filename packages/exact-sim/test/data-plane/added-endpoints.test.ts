import { describe, expect, it } from 'vitest';
import { harness, rowsOf } from './harness.ts';

type Row = Record<string, unknown>;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('the endpoints issue 11 found missing', () => {
  const h = harness({ volumes: { items: 30, salesInvoices: 10 } });
  const read = async (path: string, query = '') => rowsOf(await h.d(path, query));
  /** Every row, following `__next` links. */
  const readAll = async (path: string, query: string) => {
    const rows: Row[] = [];
    let next: string | undefined = query;
    while (next !== undefined) {
      const d = await h.d(path, next);
      rows.push(...rowsOf(d));
      const link = (d as { __next?: string }).__next;
      next = link === undefined ? undefined : decodeURIComponent(link.slice(link.indexOf('?') + 1));
    }
    return rows;
  };

  const added: [path: string, key: string, filterField: string][] = [
    ['documents/Documents', 'ID', 'Subject'],
    ['documents/DocumentAttachments', 'ID', 'FileName'],
    ['financialtransaction/Transactions', 'EntryID', 'Description'],
    ['logistics/ItemGroups', 'ID', 'Code'],
    ['financial/Journals', 'ID', 'Code'],
    ['purchaseentry/PurchaseEntries', 'EntryID', 'Description'],
    ['vat/VATCodes', 'ID', 'Code'],
  ];

  it.each(added)('%s pages, counts, filters, orders and serves by key', async (path, key, filterField) => {
    const all = await readAll(path, `$select=${key},${filterField}`);
    expect(all.length).toBeGreaterThanOrEqual(3);
    for (const row of all) expect(row[key]).toMatch(GUID);
    expect(new Set(all.map((row) => row[key])).size).toBe(all.length);

    const rest = await readAll(path, `$select=${key}&$skiptoken=guid'${all[0]?.[key]}'`);
    expect(rest.map((row) => row[key])).toEqual(all.slice(1).map((row) => row[key]));
    expect(await read(path, `$select=${key}&$top=2`)).toHaveLength(2);

    const wanted = all[1]?.[filterField] as string;
    const filtered = await read(path, `$select=${key},${filterField}&$filter=${filterField} eq '${wanted}'`);
    expect(filtered.length).toBeGreaterThanOrEqual(1);
    for (const row of filtered) expect(row[filterField]).toBe(wanted);

    expect((await h.get(`${path}/$count`)).body).toBe(String(all.length));
    const ordered = await readAll(path, `$select=${key},${filterField}&$orderby=${filterField} desc`);
    const values = ordered.map((row) => String(row[filterField] ?? ''));
    expect(values).toEqual([...values].sort().reverse());

    const one = (await h.d(`${path}(guid'${all[2]?.[key]}')`)) as Row;
    expect(one[key]).toBe(all[2]?.[key]);
    const again = (await h.d(`${path}(guid'${all[2]?.[key]}')`)) as Row;
    expect(again).toEqual(one);
  });

  it('serves the sync twins of documents with ascending Timestamps', async () => {
    for (const [sync, standard] of [
      ['sync/Documents/Documents', 'documents/Documents'],
      ['sync/Documents/DocumentAttachments', 'documents/DocumentAttachments'],
    ] as const) {
      const rows = await read(sync, '$select=Timestamp,ID&$filter=Timestamp gt 0L');
      expect(rows.map((row) => row.ID).sort()).toEqual(
        (await read(standard, '$select=ID')).map((r) => r.ID).sort(),
      );
      const stamps = rows.map((row) => BigInt(row.Timestamp as string));
      expect([...stamps].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(stamps);
    }
  });

  it('fits the rest of the division: item groups, journals, VAT codes, entries and attachments refer to real rows', async () => {
    const groups = await read('logistics/ItemGroups', '$select=ID,Code,Description');
    const items = await read('logistics/Items', '$select=ItemGroup,ItemGroupCode');
    const groupById = new Map(groups.map((g) => [g.ID, g.Code]));
    for (const item of items) expect(groupById.get(item.ItemGroup)).toBe(item.ItemGroupCode);
    expect(
      groups.every((g) => typeof g.Description === 'string' && !/\d/.test(g.Description as string)),
    ).toBe(true);

    const journals = new Set((await read('financial/Journals', '$select=Code')).map((j) => j.Code));
    const lines = await read('financialtransaction/TransactionLines', '$select=JournalCode');
    for (const line of lines) expect(journals).toContain(line.JournalCode);

    const vatCodes = new Set((await read('vat/VATCodes', '$select=Code')).map((v) => v.Code));
    for (const line of await read('salesinvoice/SalesInvoiceLines', '$select=VATCode')) {
      expect(vatCodes).toContain(line.VATCode);
    }

    const entries = await readAll(
      'financialtransaction/Transactions',
      '$select=EntryID,EntryNumber,JournalCode,Type',
    );
    const entryById = new Map(entries.map((e) => [e.EntryID, e]));
    const entryLines = await readAll(
      'financialtransaction/TransactionLines',
      '$select=EntryID,EntryNumber,JournalCode,Type',
    );
    expect(new Set(entryLines.map((l) => l.EntryID))).toEqual(new Set(entryById.keys()));
    for (const line of entryLines) {
      const { EntryNumber, JournalCode, Type } = entryById.get(line.EntryID) ?? {};
      expect({ EntryNumber, JournalCode, Type }).toEqual({
        EntryNumber: line.EntryNumber,
        JournalCode: line.JournalCode,
        Type: line.Type,
      });
    }

    const documents = new Set((await read('documents/Documents', '$select=ID')).map((d) => d.ID));
    for (const attachment of await read('documents/DocumentAttachments', '$select=Document')) {
      expect(documents).toContain(attachment.Document);
    }
  });

  it('generates the same rows from the same seed', async () => {
    const other = harness({ volumes: { items: 30, salesInvoices: 10 } });
    for (const [path] of added) {
      expect(rowsOf(await other.d(path))).toEqual(await read(path));
    }
  });
});
