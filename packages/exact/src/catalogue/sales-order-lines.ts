import { auditFields } from './audit-fields.ts';
import { defineEntity } from './entity.ts';

/**
 * Lines of sales orders. The facts document has no field table for this endpoint; these
 * fields follow the `SalesInvoiceLines` naming and match what exact-sim serves. Verify
 * against Exact's reference page (`SalesOrderSalesOrderLines`) before relying on them.
 */
export const salesOrderLines = defineEntity({
  name: 'SalesOrderLines',
  path: 'salesorder/SalesOrderLines',
  syncPath: 'sync/SalesOrder/SalesOrderLines',
  bulkPath: 'bulk/SalesOrder/SalesOrderLines',
  key: 'ID',
  divisionScoped: true,
  methods: ['GET', 'POST', 'PUT', 'DELETE'],
  deletedEntityTypes: [33],
  fields: {
    ID: 'Guid',
    OrderID: 'Guid',
    LineNumber: 'Int32 ro',
    Item: 'Guid',
    ItemCode: 'String ro',
    ItemDescription: 'String ro',
    Description: 'String',
    Quantity: 'Double',
    UnitCode: 'String pad',
    UnitPrice: 'Double',
    NetPrice: 'Double',
    Discount: 'Double',
    AmountFC: 'Double',
    AmountDC: 'Double ro',
    VATCode: 'String pad',
    VATPercentage: 'Double',
    VATAmount: 'Double',
    DeliveryDate: 'DateTime',
    CostCenter: 'String',
    CostUnit: 'String',
    Project: 'Guid',
    Notes: 'String',
    ...auditFields,
  },
} as const);
