import { auditFields } from './audit-fields.ts';
import { defineEntity } from './entity.ts';
import { salesOrderLines } from './sales-order-lines.ts';

/**
 * Sales order headers; key `OrderID`. Fields: facts §9 `salesorder/SalesOrders`. The sync
 * twin of the header is `sync/SalesOrder/SalesOrderHeaders` (the older
 * `sync/SalesOrder/SalesOrders` is line-level and deprecated, facts §4).
 */
export const salesOrders = defineEntity({
  name: 'SalesOrders',
  path: 'salesorder/SalesOrders',
  syncPath: 'sync/SalesOrder/SalesOrderHeaders',
  bulkPath: 'bulk/SalesOrder/SalesOrders',
  key: 'OrderID',
  divisionScoped: true,
  methods: ['GET', 'POST', 'PUT', 'DELETE'],
  deletedEntityTypes: [32, 12],
  webhookTopic: 'SalesOrders',
  fields: {
    OrderID: 'Guid',
    OrderNumber: 'Int32',
    OrderDate: 'DateTime',
    DeliveryDate: 'DateTime',
    Status: 'Int16 ro',
    StatusDescription: 'String ro',
    DeliveryStatus: 'Int16 ro',
    InvoiceStatus: 'Int16 ro',
    ApprovalStatus: 'Int16 ro',
    OrderedBy: 'Guid',
    OrderedByName: 'String ro',
    InvoiceTo: 'Guid',
    DeliverTo: 'Guid',
    DeliveryAddress: 'Guid',
    Currency: 'String pad',
    AmountDC: 'Double ro',
    AmountFC: 'Double ro',
    AmountFCExclVat: 'Double ro',
    Discount: 'Double',
    Description: 'String',
    YourRef: 'String',
    PaymentCondition: 'String pad',
    PaymentReference: 'String',
    Remarks: 'String',
    Salesperson: 'Guid',
    ShippingMethod: 'Guid',
    WarehouseID: 'Guid',
    SalesOrderLines: { nav: salesOrderLines },
    ...auditFields,
  },
} as const);
