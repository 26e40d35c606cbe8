import { roundCents } from '../dutch-values.ts';
import { vatCodes } from '../dutch-vocabulary.ts';
import { type GenerationContext, tableSalt } from '../generation-context.ts';
import type { Row } from '../table.ts';
import { itemPrice, itemTemplate, itemVatCode } from './items.ts';
import type { LineLayout } from './line-layout.ts';

export interface GeneratedLineValues {
  itemIndex: number;
  quantity: number;
  unitPrice: number;
  discount: number;
  amount: number;
  vatCode: string;
  vatPercentage: number;
  vatAmount: number;
}

export function vatPercentage(code: string): number {
  return vatCodes.find((vat) => vat.code === code)?.percentage ?? 0;
}

/** The commercial values of one generated invoice or order line (shared by line and header totals). */
export function lineValues(
  ctx: GenerationContext,
  salt: number,
  line: number,
  sign: number,
): GeneratedLineValues {
  const r = ctx.rand(salt, line);
  const itemIndex = ctx.volumes.items > 0 ? r.int(ctx.volumes.items) : -1;
  const unitPrice = itemIndex >= 0 ? itemPrice(itemIndex) : roundCents(10 + r.int(500));
  const perHour = itemIndex >= 0 && itemTemplate(itemIndex).unit === 'uur';
  const quantity = sign * (perHour ? r.between(1, 16) : r.pick([1, 1, 2, 3, 5, 10, 12, 24]));
  const discount = r.chance(0.15) ? r.pick([0.05, 0.1, 0.15]) : 0;
  const amount = roundCents(quantity * unitPrice * (1 - discount));
  const vatCode = itemIndex >= 0 ? itemVatCode(itemIndex) : '2  ';
  const pct = vatPercentage(vatCode);
  return {
    itemIndex,
    quantity,
    unitPrice,
    discount,
    amount,
    vatCode,
    vatPercentage: pct,
    vatAmount: roundCents(amount * pct),
  };
}

/** Net and VAT totals of the lines of header `header`, rounded to cents. */
export function headerTotals(
  ctx: GenerationContext,
  layout: LineLayout,
  lineSalt: number,
  header: number,
  sign: number,
): { net: number; vat: number } {
  let net = 0;
  let vat = 0;
  const first = layout.firstLine(header);
  for (let n = 0; n < layout.linesOf(header); n++) {
    const values = lineValues(ctx, lineSalt, first + n, sign);
    net += values.amount;
    vat += values.vatAmount;
  }
  return { net: roundCents(net), vat: roundCents(vat) };
}

/**
 * The columns invoice and order lines share (catalogue `itemLineFields`, lookups aside) of
 * line `line`, owned by header `header`; `fallbackDescription` describes a line without an item.
 */
export function itemLineColumns(
  ctx: GenerationContext,
  layout: LineLayout,
  line: number,
  header: number,
  values: GeneratedLineValues,
  fallbackDescription: string,
): Row {
  const template = values.itemIndex >= 0 ? itemTemplate(values.itemIndex) : null;
  return {
    LineNumber: line - layout.firstLine(header) + 1,
    Item: values.itemIndex >= 0 ? ctx.key(tableSalt.Item, values.itemIndex) : null,
    Description: template?.description ?? fallbackDescription,
    Quantity: values.quantity,
    UnitCode: (template?.unit ?? 'pc').padEnd(8, ' '),
    UnitPrice: values.unitPrice,
    NetPrice: roundCents(values.unitPrice * (1 - values.discount)),
    Discount: values.discount,
    AmountFC: values.amount,
    AmountDC: values.amount,
    VATCode: values.vatCode,
    VATPercentage: values.vatPercentage,
  };
}
