import { lineLevelSync } from './line-level-sync.ts';
import { salesInvoice } from './sales-invoice.ts';
import { salesInvoiceLine } from './sales-invoice-line.ts';

/**
 * `sync/SalesInvoice/SalesInvoices` (doc page SyncSalesInvoiceSalesInvoices): one row per
 * invoice LINE with the header's columns repeated. Shared names (Description, AmountFC, …)
 * carry the line's value.
 */
export const syncSalesInvoice = lineLevelSync({
  name: 'SyncSalesInvoice',
  typeName: 'Exact.Web.Api.Models.Sync.SalesInvoice.SalesInvoice',
  header: salesInvoice,
  line: salesInvoiceLine,
  extra: [
    {
      name: 'DeliverToName',
      type: 'Edm.String',
      lookup: { via: 'DeliverTo', entity: 'Account', field: 'Name' },
    },
    {
      name: 'GLAccountDescription',
      type: 'Edm.String',
      lookup: { via: 'GLAccount', entity: 'GLAccount', field: 'Description' },
    },
  ],
});
