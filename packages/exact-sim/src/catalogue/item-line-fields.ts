import type { FieldDef } from './types.ts';

/**
 * The run of columns sales invoice lines and sales order lines share, in Exact's order:
 * line number, item, quantity, price, amount and VAT code.
 */
export const itemLineFields: FieldDef[] = [
  { name: 'LineNumber', type: 'Edm.Int32', readOnly: true },
  { name: 'Item', type: 'Edm.Guid' },
  {
    name: 'ItemCode',
    type: 'Edm.String',
    readOnly: true,
    lookup: { via: 'Item', entity: 'Item', field: 'Code' },
  },
  {
    name: 'ItemDescription',
    type: 'Edm.String',
    readOnly: true,
    lookup: { via: 'Item', entity: 'Item', field: 'Description' },
  },
  { name: 'Description', type: 'Edm.String' },
  { name: 'Quantity', type: 'Edm.Double' },
  { name: 'UnitCode', type: 'Edm.String' },
  { name: 'UnitPrice', type: 'Edm.Double' },
  { name: 'NetPrice', type: 'Edm.Double' },
  { name: 'Discount', type: 'Edm.Double' },
  { name: 'AmountFC', type: 'Edm.Double' },
  { name: 'AmountDC', type: 'Edm.Double', readOnly: true },
  { name: 'VATCode', type: 'Edm.String', pad: { width: 3, align: 'left' } },
  { name: 'VATPercentage', type: 'Edm.Double' },
];
