import { vatCodes } from '../dutch-vocabulary.ts';
import { type GenerationContext, tableSalt } from '../generation-context.ts';
import type { RowGenerator } from '../table.ts';
import { generatedAudit } from './audit.ts';

const SALT = tableSalt.Subscription + 200;

/** `vat/VATCodes`: the VAT codes the generated invoice lines use, padded to 3 (§12). */
export function vatCodeGenerator(ctx: GenerationContext): RowGenerator {
  return {
    count: vatCodes.length,
    key: (i) => ctx.key(SALT, i),
    row: (i) => {
      const vat = vatCodes[i] as (typeof vatCodes)[number];
      const r = ctx.rand(SALT + 1, i);
      return {
        ID: ctx.key(SALT, i),
        Code: vat.code,
        Description: vat.description,
        Percentage: vat.percentage,
        Country: 'NL ',
        IsBlocked: false,
        ...generatedAudit(ctx, r, 1800),
      };
    },
  };
}
