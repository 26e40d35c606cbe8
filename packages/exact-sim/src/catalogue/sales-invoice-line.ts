import { itemLineFields } from './item-line-fields.ts';
import type { EntityDef } from './types.ts';

/** `salesinvoice/SalesInvoiceLines` (doc page SalesInvoiceSalesInvoiceLines). */
export const salesInvoiceLine: EntityDef = {
  name: 'SalesInvoiceLine',
  typeName: 'Exact.Web.Api.Models.SalesInvoiceLine',
  key: 'ID',
  fields: [
    { name: 'ID', type: 'Edm.Guid', key: true },
    { name: 'InvoiceID', type: 'Edm.Guid' },
    ...itemLineFields,
    { name: 'VATAmountFC', type: 'Edm.Double' },
    { name: 'VATAmountDC', type: 'Edm.Double' },
    { name: 'GLAccount', type: 'Edm.Guid' },
    { name: 'CostCenter', type: 'Edm.String' },
    { name: 'CostUnit', type: 'Edm.String' },
    { name: 'Project', type: 'Edm.Guid' },
    { name: 'DeliveryDate', type: 'Edm.DateTime', dateOnly: true },
    { name: 'SalesOrder', type: 'Edm.Guid', readOnly: true },
    { name: 'SalesOrderLine', type: 'Edm.Guid', readOnly: true },
    { name: 'Notes', type: 'Edm.String' },
    { name: 'Division', type: 'Edm.Int32', readOnly: true },
  ],
};
