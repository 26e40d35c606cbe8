import { city, domainSlug, landline, mobile, privateEmail, splitSurname } from '../dutch-values.ts';
import { firstNames, jobTitles, surnames } from '../dutch-vocabulary.ts';
import { type GenerationContext, tableSalt } from '../generation-context.ts';
import type { RowGenerator } from '../table.ts';
import { companyName } from './accounts.ts';
import { generatedAudit } from './audit.ts';

export function fullName(first: unknown, middle: unknown, last: unknown): string {
  return [first, middle, last].filter((part) => typeof part === 'string' && part.trim() !== '').join(' ');
}

export function contactGenerator(ctx: GenerationContext): RowGenerator {
  const { accounts, contacts } = ctx.volumes;
  return {
    count: contacts,
    key: (i) => ctx.key(tableSalt.Contact, i),
    indexOf: (key) => ctx.indexOfKey(tableSalt.Contact, key),
    row: (i) => {
      const r = ctx.rand(tableSalt.Contact, i);
      const accountIndex = accounts > 0 ? i % accounts : -1;
      const first = r.pick(firstNames);
      const { middle, last } = splitSurname(r.pick(surnames));
      const company = accountIndex >= 0 ? companyName(ctx, accountIndex) : null;
      const c = city(r);
      const daysAgo = r.between(10, 1500);
      const work = company
        ? `${first.name.toLowerCase()}.${last.toLowerCase().replace(/[^a-z]/g, '')}@${domainSlug(company)}.nl`
        : null;
      return {
        ID: ctx.key(tableSalt.Contact, i),
        Account: accountIndex >= 0 ? ctx.key(tableSalt.Account, accountIndex) : null,
        FirstName: first.name,
        MiddleName: middle,
        LastName: last,
        FullName: fullName(first.name, middle, last),
        Initials: `${first.name.charAt(0)}.`,
        Title: first.gender === 'M' ? 'DHR' : 'MEVR',
        Gender: first.gender,
        Email: work ?? privateEmail(r, first.name, last),
        BusinessEmail: work,
        Phone: r.chance(0.6) ? landline(r, c) : null,
        BusinessPhone: r.chance(0.5) ? landline(r, c) : null,
        Mobile: r.chance(0.8) ? mobile(r) : null,
        BusinessMobile: r.chance(0.3) ? mobile(r) : null,
        JobTitleDescription: r.pick(jobTitles),
        Language: 'NL        ',
        IsMainContact: i < accounts,
        BirthDate: r.chance(0.4) ? ctx.day(r.between(22 * 365, 65 * 365)) : null,
        StartDate: ctx.day(daysAgo),
        EndDate: null,
        Notes: null,
        HID: i + 1,
        Person: ctx.key(tableSalt.Contact + 1000, i),
        ...generatedAudit(ctx, r, daysAgo),
      };
    },
  };
}
