import { roundCents } from '../dutch-values.ts';
import { type GenerationContext, tableSalt } from '../generation-context.ts';
import type { RowGenerator } from '../table.ts';
import { generatedAudit } from './audit.ts';
import { glKeyByCode } from './gl-accounts.ts';
import type { LineLayout } from './line-layout.ts';
import { headerTotals, itemLineColumns, lineValues } from './sales-lines.ts';

const DAY = 86_400_000;

function invoiceShape(ctx: GenerationContext, j: number) {
  const r = ctx.rand(tableSalt.SalesInvoice, j);
  const credit = r.chance(0.05);
  // Invoices spread over the last year, oldest first.
  const daysAgo = Math.max(
    1,
    Math.round(((ctx.volumes.salesInvoices - j) / ctx.volumes.salesInvoices) * 365),
  );
  return { r, credit, daysAgo };
}

export function invoiceNumber(date: number, sequence: number): number {
  const yy = new Date(date).getUTCFullYear() % 100;
  return yy * 1_000_000 + 700_000 + sequence;
}

export function salesInvoiceGenerator(ctx: GenerationContext, layout: LineLayout): RowGenerator {
  const { accounts, salesInvoices } = ctx.volumes;
  return {
    count: salesInvoices,
    key: (j) => ctx.key(tableSalt.SalesInvoice, j),
    indexOf: (key) => ctx.indexOfKey(tableSalt.SalesInvoice, key),
    row: (j) => {
      const { r, credit, daysAgo } = invoiceShape(ctx, j);
      const account = accounts > 0 ? ctx.key(tableSalt.Account, r.int(accounts)) : null;
      const date = ctx.day(daysAgo);
      const days = r.pick([14, 30, 30, 60]);
      const { net, vat } = headerTotals(ctx, layout, tableSalt.SalesInvoiceLine, j, credit ? -1 : 1);
      const processed = daysAgo > 20;
      const month = new Date(date).toLocaleString('nl-NL', { month: 'long', timeZone: 'UTC' });
      return {
        InvoiceID: ctx.key(tableSalt.SalesInvoice, j),
        InvoiceNumber: invoiceNumber(date, j + 1),
        InvoiceDate: date,
        OrderDate: date - r.int(10) * DAY,
        DueDate: date + days * DAY,
        Type: credit ? 8021 : 8020,
        Status: processed ? 50 : 20,
        StatusDescription: processed ? 'Verwerkt' : 'Open',
        Journal: '70',
        Currency: 'EUR',
        InvoiceTo: account,
        OrderedBy: account,
        DeliverTo: account,
        OrderNumber: 10_000 + j + 1,
        YourRef: r.chance(0.4) ? `PO-${r.digits(5)}` : null,
        Description: credit ? 'Creditnota' : `Factuur ${month}`,
        PaymentCondition: String(days),
        PaymentReference: r.digits(16),
        AmountDC: roundCents(net + vat),
        AmountFC: roundCents(net + vat),
        AmountFCExclVat: net,
        VATAmountDC: vat,
        VATAmountFC: vat,
        Discount: 0,
        AmountDiscount: 0,
        Remarks: null,
        Salesperson: ctx.ownerId,
        Warehouse: null,
        Document: null,
        ...generatedAudit(ctx, r, daysAgo),
      };
    },
  };
}

export function salesInvoiceLineGenerator(ctx: GenerationContext, layout: LineLayout): RowGenerator {
  return {
    count: layout.lineCount,
    key: (i) => ctx.key(tableSalt.SalesInvoiceLine, i),
    indexOf: (key) => ctx.indexOfKey(tableSalt.SalesInvoiceLine, key),
    row: (i) => {
      const j = layout.headerOf(i);
      const { credit, daysAgo } = invoiceShape(ctx, j);
      const v = lineValues(ctx, tableSalt.SalesInvoiceLine, i, credit ? -1 : 1);
      return {
        ID: ctx.key(tableSalt.SalesInvoiceLine, i),
        InvoiceID: ctx.key(tableSalt.SalesInvoice, j),
        ...itemLineColumns(ctx, layout, i, j, v, 'Diverse werkzaamheden'),
        VATAmountFC: v.vatAmount,
        VATAmountDC: v.vatAmount,
        GLAccount: glKeyByCode(ctx, v.vatCode === '1  ' ? '8100' : '8000'),
        CostCenter: null,
        CostUnit: null,
        Project: null,
        DeliveryDate: ctx.day(daysAgo),
        SalesOrder: null,
        SalesOrderLine: null,
        Notes: null,
        Division: ctx.division,
      };
    },
  };
}
