import { type GenerationContext, tableSalt } from '../generation-context.ts';
import type { RowGenerator } from '../table.ts';
import { generatedAudit } from './audit.ts';

/** The journals the generated transaction lines are booked in (codes are digit strings, §12). */
const journals = [
  { code: '10', description: 'Kas', type: 10 },
  { code: '20', description: 'Bank', type: 12 },
  { code: '60', description: 'Inkoopboek', type: 22 },
  { code: '70', description: 'Verkoopboek', type: 20 },
  { code: '90', description: 'Memoriaal', type: 90 },
] as const;

const SALT = tableSalt.Subscription + 100;

/** `financial/Journals`: Exact's standard journals of a Dutch division. */
export function journalGenerator(ctx: GenerationContext): RowGenerator {
  return {
    count: journals.length,
    key: (i) => ctx.key(SALT, i),
    row: (i) => {
      const journal = journals[i] as (typeof journals)[number];
      const r = ctx.rand(SALT + 1, i);
      return {
        ID: ctx.key(SALT, i),
        Code: journal.code,
        Description: journal.description,
        Type: journal.type,
        Currency: 'EUR',
        AllowVAT: journal.type === 20 || journal.type === 22,
        IsBlocked: false,
        ...generatedAudit(ctx, r, 1800),
      };
    },
  };
}
