import { describe, expect, it } from 'vitest';
import {
  accounts,
  deletedRecords,
  ExactInputError,
  literal,
  Query,
  RAW,
  salesInvoices,
  transactionLines,
} from '../src/index.ts';
import { readCollection, readSingle, trailingNextLink } from '../src/odata/envelope.ts';
import type { PageReader } from '../src/odata/query.ts';

const never: PageReader = async function* () {
  yield* [];
};

function decoded(query: { toString(): string }): string {
  return decodeURIComponent(query.toString());
}

describe('OData literals', () => {
  it('formats each Edm type the way Exact reads it', () => {
    expect(literal.guid('D4784044-0000-4000-8000-00000000000A')).toBe(
      "guid'd4784044-0000-4000-8000-00000000000a'",
    );
    expect(literal.int64(123n)).toBe('123L');
    expect(literal.string("O'Brien")).toBe("'O''Brien'");
    expect(literal.accountCode('42')).toBe("'                42'");
    expect(literal.datetime(new Date('2024-07-01T10:00:00Z'))).toBe("datetime'2024-07-01T12:00:00'");
    expect(() => literal.guid('nope')).toThrow(ExactInputError);
  });
});

describe('Query builder', () => {
  it('selects every catalogue scalar by default and never uses $select=*', () => {
    const text = decoded(new Query(accounts, never));
    const scalars = Object.entries(accounts.fields)
      .filter(([, spec]) => typeof spec === 'string')
      .map(([name]) => name);
    expect(text).toBe(`$select=${scalars.join(',')}`);
    expect(scalars).toContain('PeppolIdentifier');
    expect(scalars).not.toContain('BankAccounts');
    expect(text).not.toContain('*');
  });

  it('types filter values from the catalogue: padded codes, datetimes, guids, Int64', () => {
    const query = new Query(accounts, never)
      .select('ID', 'Code')
      .filter((f) =>
        f.and(
          f.eq('Code', '42'),
          f.gt('Modified', new Date('2026-01-01T00:00:00Z')),
          f.or(f.eq('Parent', '11111111-2222-3333-4444-555555555555'), f.contains('Name', "d'Or")),
        ),
      )
      .top(100)
      .orderBy('Modified', 'desc');
    expect(decoded(query)).toBe(
      "$select=ID,Code&$filter=(Code eq '                42') and (Modified gt datetime'2026-01-01T01:00:00') and " +
        "((Parent eq guid'11111111-2222-3333-4444-555555555555') or (substringof('d''Or', Name) eq true))" +
        '&$top=100&$orderby=Modified desc',
    );
  });

  it('encodes like Exact: %20 for spaces, raw $ , and quotes', () => {
    const text = new Query(deletedRecords, never)
      .select('EntityKey', 'Timestamp')
      .filter((f) => f.timestampAfter(5n))
      .toString();
    expect(text).toBe('$select=EntityKey,Timestamp&$filter=Timestamp%20gt%205L');
  });

  it('adds expanded collections to the selection and supports $inlinecount', () => {
    const text = decoded(
      new Query(salesInvoices, never).select('InvoiceID').expand('SalesInvoiceLines').inlineCount(),
    );
    expect(text).toBe('$select=InvoiceID,SalesInvoiceLines&$expand=SalesInvoiceLines&$inlinecount=allpages');
  });

  it('rejects unknown fields and bad $top with a clear error', () => {
    expect(() => new Query(accounts, never).select('Nope' as 'ID').toString()).toThrow(
      /crm\/Accounts has no field Nope/,
    );
    expect(() => new Query(accounts, never).top(-1).toString()).toThrow(/\$top/);
    expect(() => new Query(accounts, never).filter((f) => f.eq('Created', 'x' as unknown as Date))).toThrow(
      /Edm.DateTime/,
    );
  });

  it('streams typed rows and keeps the raw record', async () => {
    const pages: PageReader = async function* () {
      yield {
        records: [{ ID: 'a', Code: '                42', Modified: '/Date(1782404464260)/', __metadata: {} }],
        next: 'x',
        count: undefined,
      };
      yield { records: [{ ID: 'b', Code: null, Modified: null }], next: undefined, count: undefined };
    };
    const rows = await new Query(accounts, pages).select('ID', 'Code', 'Modified').all();
    expect(rows.map((row) => row.Code)).toEqual(['42', null]);
    expect(rows[0]?.Modified?.toISOString()).toBe('2026-06-25T14:21:04.260Z');
    expect(rows[0]?.[RAW].Code).toBe('                42');
    expect(JSON.stringify(rows[0])).not.toContain('__metadata');
  });

  it('reads Int64 amounts and 0/1 flags in transaction lines', async () => {
    const pages: PageReader = async function* () {
      yield {
        records: [{ AmountDC: -16.5, AccountCode: '           0000001' }],
        next: undefined,
        count: undefined,
      };
    };
    const [row] = await new Query(transactionLines, pages).select('AmountDC', 'AccountCode').all();
    expect(row?.AmountDC).toBe(-16.5);
    expect(row?.AccountCode).toBe('0000001');
  });
});

describe('Envelopes', () => {
  it('accepts d.results with __next and __count, and the bare d:[…] form', () => {
    expect(readCollection({ d: { results: [{ a: 1 }], __next: 'http://x/next', __count: '7' } })).toEqual({
      records: [{ a: 1 }],
      next: 'http://x/next',
      count: 7,
    });
    expect(readCollection({ d: [{ a: 1 }] })).toEqual({
      records: [{ a: 1 }],
      next: undefined,
      count: undefined,
    });
    expect(readCollection({ d: [] })?.records).toEqual([]);
    expect(readCollection({ d: { a: 1 } })).toBeUndefined();
    expect(readSingle({ d: { a: 1 } })).toEqual({ a: 1 });
    expect(readSingle({ d: { results: [] } })).toBeUndefined();
  });

  it("reads __next from the end of a page's text the way the parse reads it, or not at all", () => {
    const link =
      'https://start.exactonline.nl/api/v1/1/sync/Financial/TransactionLines?$select=ID&$skiptoken=Timestamp%20gt%2012L&x="q"';
    const pages = [
      { d: { results: [{ ID: 1 }], __next: link } },
      { d: { results: [{ Note: ',"__next":"https://evil/"}}' }], __next: 'https://start/next' } },
      { d: { results: [{ Note: ',"__next":"https://evil/"}}' }] } },
      { d: { __count: '2', results: [], __next: 'https://start/next?\u2028' } },
      { d: { results: [] } },
      { d: [] },
    ];
    for (const body of pages) {
      const text = JSON.stringify(body);
      expect(trailingNextLink(text)).toBe(readCollection(JSON.parse(text))?.next);
      expect(trailingNextLink(`${text}\r\n`)).toBe(readCollection(JSON.parse(text))?.next);
    }
    expect(trailingNextLink('{"d":{"results":[],"__next":"https://x/')).toBeUndefined();
    expect(trailingNextLink('{"d":{"results":[],"__next":12}}')).toBeUndefined();
  });
});
