import { type ItemTemplate, itemTemplates } from '../dutch-vocabulary.ts';
import { type GenerationContext, tableSalt } from '../generation-context.ts';
import type { RowGenerator } from '../table.ts';
import { generatedAudit } from './audit.ts';
import { glKeyByCode } from './gl-accounts.ts';
import { itemGroupKey } from './item-groups.ts';

const LOW_VAT_GROUPS = new Set(['VOED', 'BLOEM']);

export function itemTemplate(index: number): ItemTemplate {
  return itemTemplates[index % itemTemplates.length] as ItemTemplate;
}

/** Sales price of generated item `index` (templates repeat with a price variation). */
export function itemPrice(index: number): number {
  const t = itemTemplate(index);
  const round = Math.floor(index / itemTemplates.length);
  return Math.round(t.price * (1 + round * 0.1) * 100) / 100;
}

export function itemVatCode(index: number): string {
  return LOW_VAT_GROUPS.has(itemTemplate(index).group) ? '1  ' : '2  ';
}

export function itemGenerator(ctx: GenerationContext): RowGenerator {
  return {
    count: ctx.volumes.items,
    key: (i) => ctx.key(tableSalt.Item, i),
    indexOf: (key) => ctx.indexOfKey(tableSalt.Item, key),
    row: (i) => {
      const r = ctx.rand(tableSalt.Item, i);
      const t = itemTemplate(i);
      const round = Math.floor(i / itemTemplates.length);
      const price = itemPrice(i);
      const service = t.unit === 'uur' || t.group === 'DIENST' || t.group === 'TRANS';
      const vat = itemVatCode(i);
      const daysAgo = r.between(60, 2000);
      return {
        ID: ctx.key(tableSalt.Item, i),
        Code: `${t.group}${String(i + 1).padStart(4, '0')}`,
        Description: round === 0 ? t.description : `${t.description} (variant ${round + 1})`,
        ExtraDescription: null,
        Barcode: service ? null : `87${r.digits(11)}`,
        SearchCode: t.group,
        ItemGroup: itemGroupKey(ctx, t.group),
        ItemGroupCode: t.group,
        Unit: t.unit.padEnd(8, ' '),
        UnitDescription: t.unitDescription,
        IsSalesItem: true,
        IsPurchaseItem: !service,
        IsStockItem: !service,
        IsWebshopItem: r.chance(0.2) ? 1 : 0,
        IsSerialItem: false,
        IsBatchItem: 0,
        CostPriceStandard: Math.round(price * 0.6 * 100) / 100,
        CostPriceCurrency: 'EUR',
        AverageCost: Math.round(price * r.between(55, 65)) / 100,
        StandardSalesPrice: price,
        SalesVatCode: vat,
        GLRevenue: glKeyByCode(ctx, vat === '1  ' ? '8100' : '8000'),
        GLCosts: glKeyByCode(ctx, '7000'),
        GLStock: service ? null : glKeyByCode(ctx, '3000'),
        Stock: service ? 0 : r.between(0, 500),
        NetWeight: null,
        GrossWeight: null,
        StartDate: ctx.day(daysAgo),
        EndDate: null,
        Notes: null,
        PictureUrl: null,
        ...generatedAudit(ctx, r, daysAgo),
      };
    },
  };
}
