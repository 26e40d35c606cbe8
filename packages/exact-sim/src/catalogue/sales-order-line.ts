import { auditFields } from './audit-fields.ts';
import { itemLineFields } from './item-line-fields.ts';
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
    ...itemLineFields,
    { name: 'VATAmount', type: 'Edm.Double' },
    { name: 'DeliveryDate', type: 'Edm.DateTime', dateOnly: true },
    { name: 'CostCenter', type: 'Edm.String' },
    { name: 'CostUnit', type: 'Edm.String' },
    { name: 'Project', type: 'Edm.Guid' },
    { name: 'Notes', type: 'Edm.String' },
    ...auditFields,
  ],
};
