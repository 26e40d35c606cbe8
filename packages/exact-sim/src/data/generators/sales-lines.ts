import { roundCents } from '../dutch-values.ts';
import { vatCodes } from '../dutch-vocabulary.ts';
import type { GenerationContext } from '../generation-context.ts';
import { itemPrice, itemTemplate, itemVatCode } from './items.ts';

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
