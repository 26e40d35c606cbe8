import { describe, expectTypeOf, it } from 'vitest';
import type { accounts, Input, Row, salesInvoices } from '../src/index.ts';
import { type me, Query, transactionLines } from '../src/index.ts';
import type { PageReader } from '../src/odata/query.ts';

describe('types derived from the catalogue', () => {
  it('maps Edm types to TypeScript types', () => {
    type Account = Row<typeof accounts>;
    expectTypeOf<Account['ID']>().toEqualTypeOf<string | null>();
    expectTypeOf<Account['Modified']>().toEqualTypeOf<Date | null>();
    expectTypeOf<Account['Blocked']>().toEqualTypeOf<boolean | null>();
    expectTypeOf<Row<typeof me>['Legislation']>().toEqualTypeOf<bigint | null>();
    expectTypeOf<Row<typeof transactionLines>['AmountDC']>().toEqualTypeOf<number | null>();
  });

  it('narrows rows to the selected fields', () => {
    const read: PageReader = async function* () {};
    const query = new Query(transactionLines, read).select('ID', 'AmountDC');
    type Selected = Awaited<ReturnType<typeof query.all>>[number];
    expectTypeOf<keyof Selected>().toEqualTypeOf<'ID' | 'AmountDC' | typeof import('../src/index.ts').RAW>();
  });

  it('keeps read-only fields out of inputs and types line collections', () => {
    type AccountInput = Input<typeof accounts>;
    expectTypeOf<AccountInput>().not.toHaveProperty('Created');
    expectTypeOf<AccountInput>().toHaveProperty('Name');
    type InvoiceInput = Input<typeof salesInvoices>;
    expectTypeOf<NonNullable<InvoiceInput['SalesInvoiceLines']>[number]>().toHaveProperty('Quantity');
    expectTypeOf<NonNullable<InvoiceInput['SalesInvoiceLines']>[number]>().not.toHaveProperty('LineNumber');
  });
});
