import { auditFields } from './audit-fields.ts';
import type { EntityDef } from './types.ts';

/** `salesorder/SalesOrderLines` (doc page SalesOrderSalesOrderLines). */
export const salesOrderLine: EntityDef = {
  name: 'SalesOrderLine',
  typeName: 'Exact.Web.Api.Models.SalesOrderLine',
  key: 'ID',
  fields: [
    { name: 'ID', type: 'Edm.Guid', key: true },
    { name: 'OrderID', type: 'Edm.Guid' },
    {
      name: 'OrderNumber',
      type: 'Edm.Int32',
      readOnly: true,
      lookup: { via: 'OrderID', entity: 'SalesOrder', field: 'OrderNumber' },
    },
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
    { name: 'VATAmount', type: 'Edm.Double' },
    { name: 'DeliveryDate', type: 'Edm.DateTime', dateOnly: true },
    { name: 'CostCenter', type: 'Edm.String' },
    { name: 'CostUnit', type: 'Edm.String' },
    { name: 'Project', type: 'Edm.Guid' },
    { name: 'Notes', type: 'Edm.String' },
    ...auditFields,
  ],
};
