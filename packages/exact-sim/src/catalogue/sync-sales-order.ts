import { lineLevelSync } from './line-level-sync.ts';
import { salesOrder } from './sales-order.ts';
import { salesOrderLine } from './sales-order-line.ts';

/**
 * The deprecated line-level `sync/SalesOrder/SalesOrders`: one row per order LINE with the
 * header columns repeated (superseded by SalesOrderHeaders + SalesOrderLines). Its audit
 * columns are the order's.
 */
export const syncSalesOrderLineLevel = lineLevelSync({
  name: 'SyncSalesOrder',
  typeName: 'Exact.Web.Api.Models.Sync.SalesOrder.SalesOrder',
  header: salesOrder,
  line: salesOrderLine,
  omit: [
    'ApprovalStatus',
    'CostCenter',
    'CostUnit',
    'DeliveryAddress',
    'PaymentReference',
    'Project',
    'ShippingMethod',
    'WarehouseID',
  ],
  fromHeader: ['Created', 'Creator', 'CreatorFullName', 'Modified', 'Modifier', 'ModifierFullName'],
});
