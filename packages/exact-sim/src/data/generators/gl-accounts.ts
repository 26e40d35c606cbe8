import { type GLAccountTemplate, glAccountTemplates, glTypeDescriptions } from '../dutch-vocabulary.ts';
import { type GenerationContext, tableSalt } from '../generation-context.ts';
import type { RowGenerator } from '../table.ts';
import { generatedAudit } from './audit.ts';

/** The chart-of-accounts template for G/L account `index`; beyond the template, extra cost accounts. */
export function glTemplate(index: number): GLAccountTemplate {
  const template = glAccountTemplates[index];
  if (template) return template;
  const extra = index - glAccountTemplates.length + 1;
  return {
    code: String(4910 + extra),
    description: `Overige algemene kosten ${extra}`,
    type: 110,
    balanceType: 'W',
    balanceSide: 'D',
  };
}

/** Index of the G/L account with this template code, or the first account when the division has fewer. */
export function glIndexByCode(ctx: GenerationContext, code: string): number {
  const index = glAccountTemplates.findIndex((template) => template.code === code);
  if (index >= 0 && index < ctx.volumes.glAccounts) return index;
  return ctx.volumes.glAccounts > 0 ? 0 : -1;
}

export function glKeyByCode(ctx: GenerationContext, code: string): string | null {
  const index = glIndexByCode(ctx, code);
  return index >= 0 ? ctx.key(tableSalt.GLAccount, index) : null;
}

export function glAccountGenerator(ctx: GenerationContext): RowGenerator {
  return {
    count: ctx.volumes.glAccounts,
    key: (i) => ctx.key(tableSalt.GLAccount, i),
    indexOf: (key) => ctx.indexOfKey(tableSalt.GLAccount, key),
    row: (i) => {
      const r = ctx.rand(tableSalt.GLAccount, i);
      const t = glTemplate(i);
      const vat = t.code === '8000' ? '2  ' : t.code === '8100' ? '1  ' : null;
      return {
        ID: ctx.key(tableSalt.GLAccount, i),
        Code: t.code,
        Description: t.description,
        SearchCode: t.description.slice(0, 10).toUpperCase(),
        Type: t.type,
        TypeDescription: glTypeDescriptions[t.type] ?? null,
        BalanceSide: t.balanceSide,
        BalanceType: t.balanceType,
        VATCode: vat,
        IsBlocked: false,
        Matching: t.type === 20 || t.type === 22,
        Costcenter: null,
        Costunit: null,
        UseCostcenter: 0,
        UseCostunit: 0,
        ReportingCode: null,
        RevalueCurrency: false,
        ...generatedAudit(ctx, r, 2000),
      };
    },
  };
}
