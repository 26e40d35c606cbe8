import { defineEntity } from './entity.ts';
import { salesInvoiceLines } from './sales-invoice-lines.ts';
import { salesInvoices } from './sales-invoices.ts';

const { SalesInvoiceLines: _lines, ...invoiceHeader } = salesInvoices.fields;

/**
 * `sync/SalesInvoice/SalesInvoices`: one row per invoice LINE with the invoice header's
 * columns repeated (facts §4), so its fields are the header's (facts §9) plus the line's;
 * where both have a name (`Description`, `AmountFC`, `Discount`, …) the row carries the
 * line's value. `ID` is the line, `InvoiceID` the invoice. Read-only, sync only: use
 * `salesInvoices` and `salesInvoiceLines` for everything else. Exact's reference page may
 * list lookup columns beyond these (e.g. names of linked records); they are not selected.
 */
export const salesInvoiceSyncRows = defineEntity({
  name: 'SyncSalesInvoices',
  path: 'sync/SalesInvoice/SalesInvoices',
  syncPath: 'sync/SalesInvoice/SalesInvoices',
  key: 'Timestamp',
  divisionScoped: true,
  methods: ['GET'],
  fields: { Timestamp: 'Int64', ...invoiceHeader, ...salesInvoiceLines.fields },
} as const);
