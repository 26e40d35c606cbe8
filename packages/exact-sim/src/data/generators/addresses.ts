import { city, landline } from '../dutch-values.ts';
import { type GenerationContext, tableSalt } from '../generation-context.ts';
import type { RowGenerator } from '../table.ts';
import { generatedAudit } from './audit.ts';
import { generatedPostalAddress } from './postal-address.ts';

export function addressGenerator(ctx: GenerationContext): RowGenerator {
  const { accounts, addresses, contacts } = ctx.volumes;
  return {
    count: addresses,
    key: (i) => ctx.key(tableSalt.Address, i),
    indexOf: (key) => ctx.indexOfKey(tableSalt.Address, key),
    row: (i) => {
      const r = ctx.rand(tableSalt.Address, i);
      const accountIndex = accounts > 0 ? i % accounts : -1;
      // The first address of every account is its main visiting address; later ones are
      // invoice or delivery addresses.
      const round = accounts > 0 ? Math.floor(i / accounts) : 0;
      const type = round === 0 ? 1 : round % 2 === 1 ? 3 : 4;
      const c = city(r);
      const daysAgo = r.between(10, 1500);
      return {
        ID: ctx.key(tableSalt.Address, i),
        Account: accountIndex >= 0 ? ctx.key(tableSalt.Account, accountIndex) : null,
        Contact:
          accountIndex >= 0 && accountIndex < contacts && r.chance(0.3)
            ? ctx.key(tableSalt.Contact, accountIndex)
            : null,
        Type: type,
        Main: round < 3,
        ...generatedPostalAddress(r, c),
        Phone: r.chance(0.4) ? landline(r, c) : null,
        Fax: null,
        Mailbox: r.chance(0.05) ? `Postbus ${r.between(1, 9999)}` : null,
        Notes: type === 4 && r.chance(0.3) ? 'Leveren via achteringang' : null,
        Warehouse: null,
        ...generatedAudit(ctx, r, daysAgo),
      };
    },
  };
}
