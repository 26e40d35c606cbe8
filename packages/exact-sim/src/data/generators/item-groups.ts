import { itemTemplates } from '../dutch-vocabulary.ts';
import { type GenerationContext, tableSalt } from '../generation-context.ts';
import type { RowGenerator } from '../table.ts';
import { generatedAudit } from './audit.ts';

const descriptions: Readonly<Record<string, string>> = {
  BEVES: 'Bevestigingsmaterialen',
  BLOEM: 'Bloemen en planten',
  BOUW: 'Bouwmaterialen',
  DIENST: 'Diensten',
  ELEK: 'Elektra',
  FIETS: 'Fietsen en onderdelen',
  HOUT: 'Hout en plaatmateriaal',
  INST: 'Installatiemateriaal',
  KANT: 'Kantoorartikelen',
  MEUB: 'Meubilair',
  SCHOON: 'Schoonmaakmiddelen',
  TRANS: 'Transport',
  UREN: 'Uren',
  VERF: 'Verf en toebehoren',
  VOED: 'Voedingsmiddelen',
};

/** The item group codes the item templates use, in first-use order. */
const groups: readonly string[] = [...new Set(itemTemplates.map((t) => t.group))];

/** Key of an item group: the same for `logistics/Items.ItemGroup` and `logistics/ItemGroups.ID`. */
export function itemGroupKey(ctx: GenerationContext, group: string): string {
  return ctx.key(tableSalt.Item + 1000, groups.indexOf(group));
}

/** `logistics/ItemGroups`: one row per group the generated items use. */
export function itemGroupGenerator(ctx: GenerationContext): RowGenerator {
  return {
    count: groups.length,
    key: (i) => ctx.key(tableSalt.Item + 1000, i),
    row: (i) => {
      const code = groups[i] as string;
      const r = ctx.rand(tableSalt.Item + 1001, i);
      return {
        ID: ctx.key(tableSalt.Item + 1000, i),
        Code: code,
        Description: descriptions[code] ?? code,
        IsDefault: i === 0 ? 1 : 0,
        Notes: null,
        ...generatedAudit(ctx, r, 1500),
      };
    },
  };
}
