import { city, domainSlug, kvkNumber, landline, vatNumber } from '../dutch-values.ts';
import { legalForms, surnames, trades } from '../dutch-vocabulary.ts';
import { type GenerationContext, tableSalt } from '../generation-context.ts';
import type { RowGenerator } from '../table.ts';
import { generatedAudit } from './audit.ts';
import { generatedPostalAddress } from './postal-address.ts';

export function accountCode(n: number): string {
  return String(n).padStart(18, ' ');
}

export function companyName(ctx: GenerationContext, index: number): string {
  const r = ctx.rand(tableSalt.Account, index);
  const trade = r.pick(trades);
  const surname = r.pick(surnames);
  const form = r.pick(legalForms);
  return form ? `${trade} ${surname} ${form}` : `${trade} ${surname}`;
}

export function accountGenerator(ctx: GenerationContext): RowGenerator {
  const { accounts, contacts } = ctx.volumes;
  return {
    count: accounts,
    key: (i) => ctx.key(tableSalt.Account, i),
    indexOf: (key) => ctx.indexOfKey(tableSalt.Account, key),
    row: (i) => {
      const name = companyName(ctx, i);
      const r = ctx.rand(tableSalt.Account + 100, i);
      const c = city(r);
      const slug = domainSlug(name);
      const status = r.chance(0.8) ? 'C' : r.pick(['P', 'S', 'A']);
      const daysAgo = r.between(30, 2000);
      return {
        ID: ctx.key(tableSalt.Account, i),
        Code: accountCode(i + 1),
        Name: name,
        SearchCode: slug.slice(0, 10).toUpperCase(),
        Status: status,
        IsSupplier: r.chance(0.15),
        IsSales: status === 'C',
        Blocked: r.chance(0.02),
        Email: r.chance(0.9)
          ? `${r.pick(['info', 'administratie', 'facturen', 'contact'])}@${slug}.nl`
          : null,
        Phone: landline(r, c),
        PhoneExtension: null,
        Fax: r.chance(0.1) ? landline(r, c) : null,
        Website: r.chance(0.7) ? `www.${slug}.nl` : null,
        ...generatedPostalAddress(r, c),
        VATNumber: vatNumber(r),
        ChamberOfCommerce: kvkNumber(r),
        Language: 'NL        ',
        Parent: null,
        MainContact: i < contacts ? ctx.key(tableSalt.Contact, i) : null,
        InvoiceAccount: null,
        PaymentConditionSales: r.pick(['14', '30', '30', '60']),
        PaymentConditionPurchase: '30',
        SalesVATCode: null,
        PurchaseVATCode: null,
        SalesCurrency: 'EUR',
        PriceList: null,
        AccountManager: ctx.ownerId,
        Classification1: null,
        StartDate: ctx.day(daysAgo),
        EndDate: null,
        Remarks: r.chance(0.1) ? 'Betaalt vaak te laat, eerst bellen.' : null,
        Type: 'A',
        ...generatedAudit(ctx, r, daysAgo),
      };
    },
  };
}
