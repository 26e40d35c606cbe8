import { roundCents } from '../dutch-values.ts';
import { type GenerationContext, tableSalt } from '../generation-context.ts';
import type { RowGenerator } from '../table.ts';
import { generatedAudit } from './audit.ts';
import type { LineLayout } from './line-layout.ts';
import { headerTotals, itemLineColumns, lineValues } from './sales-lines.ts';

const DAY = 86_400_000;

const ORDER_STATUS: readonly { status: number; description: string }[] = [
  { status: 12, description: 'Open' },
  { status: 20, description: 'Gedeeltelijk' },
  { status: 21, description: 'Afgehandeld' },
  { status: 45, description: 'Geannuleerd' },
];

function orderShape(ctx: GenerationContext, j: number) {
  const r = ctx.rand(tableSalt.SalesOrder, j);
  const daysAgo = Math.max(0, Math.round(((ctx.volumes.salesOrders - j) / ctx.volumes.salesOrders) * 180));
  return { r, daysAgo };
}

export function salesOrderGenerator(ctx: GenerationContext, layout: LineLayout): RowGenerator {
  const { accounts, salesOrders } = ctx.volumes;
  return {
    count: salesOrders,
    key: (j) => ctx.key(tableSalt.SalesOrder, j),
    indexOf: (key) => ctx.indexOfKey(tableSalt.SalesOrder, key),
    row: (j) => {
      const { r, daysAgo } = orderShape(ctx, j);
      const account = accounts > 0 ? ctx.key(tableSalt.Account, r.int(accounts)) : null;
      const { net, vat } = headerTotals(ctx, layout, tableSalt.SalesOrderLine, j, 1);
      const state = daysAgo > 60 ? (ORDER_STATUS[2] ?? ORDER_STATUS[0]) : r.pick(ORDER_STATUS);
      const date = ctx.day(daysAgo);
      return {
        OrderID: ctx.key(tableSalt.SalesOrder, j),
        OrderNumber: 1000 + j + 1,
        OrderDate: date,
        DeliveryDate: date + r.between(1, 21) * DAY,
        Status: state?.status ?? 12,
        StatusDescription: state?.description ?? 'Open',
        DeliveryStatus: state?.status ?? 12,
        InvoiceStatus: state?.status === 21 ? 21 : 12,
        ApprovalStatus: 1,
        OrderedBy: account,
        InvoiceTo: account,
        DeliverTo: account,
        DeliveryAddress: null,
        Currency: 'EUR',
        AmountDC: roundCents(net + vat),
        AmountFC: roundCents(net + vat),
        AmountFCExclVat: net,
        Discount: 0,
        Description: `Order ${1000 + j + 1}`,
        YourRef: r.chance(0.5) ? `Bestelling ${r.digits(4)}` : null,
        PaymentCondition: '30',
        PaymentReference: null,
        Remarks: null,
        Salesperson: ctx.ownerId,
        ShippingMethod: null,
        WarehouseID: ctx.key(tableSalt.SalesOrder + 1000, 0),
        ...generatedAudit(ctx, r, daysAgo),
      };
    },
  };
}

export function salesOrderLineGenerator(ctx: GenerationContext, layout: LineLayout): RowGenerator {
  return {
    count: layout.lineCount,
    key: (i) => ctx.key(tableSalt.SalesOrderLine, i),
    indexOf: (key) => ctx.indexOfKey(tableSalt.SalesOrderLine, key),
    row: (i) => {
      const j = layout.headerOf(i);
      const { r, daysAgo } = orderShape(ctx, j);
      const v = lineValues(ctx, tableSalt.SalesOrderLine, i, 1);
      return {
        ID: ctx.key(tableSalt.SalesOrderLine, i),
        OrderID: ctx.key(tableSalt.SalesOrder, j),
        ...itemLineColumns(ctx, layout, i, j, v, 'Diverse artikelen'),
        VATAmount: v.vatAmount,
        DeliveryDate: ctx.day(daysAgo) + 7 * DAY,
        CostCenter: null,
        CostUnit: null,
        Project: null,
        Notes: null,
        ...generatedAudit(ctx, r, daysAgo),
      };
    },
  };
}
