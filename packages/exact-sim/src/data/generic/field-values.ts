// Values for any catalogue field, chosen by Edm type and by what the name says (codes,
// e-mails, phone numbers, amounts, dates, references to the tables Koppel moves). Each field
// gets its value function once per table; a row then costs one call per field.

import type { FieldDef } from '../../catalogue/types.ts';
import {
  city,
  domainSlug,
  landline,
  mobile,
  postcode,
  roundCents,
  streetAddress,
  vatNumber,
} from '../dutch-values.ts';
import { cities, countryNames, surnames, trades, vatCodes } from '../dutch-vocabulary.ts';
import { type GenerationContext, tableSalt } from '../generation-context.ts';
import { accountCode } from '../generators/accounts.ts';
import type { Rand } from '../random.ts';

/** Everything a value may depend on: the row's own random stream, its index and age. */
export interface ValueInput {
  r: Rand;
  index: number;
  /** Days before the division's anchor the record was created. */
  daysAgo: number;
}

export type ValueMaker = (input: ValueInput) => unknown;

/** The division a table is generated for. */
export interface GenericScope {
  ctx: GenerationContext;
  /** ISO country of the division, e.g. `NL`. */
  country: string;
  currency: string;
}

/** A reference to another table: draws the key of one of its generated rows. */
export type ReferenceTarget = (r: Rand) => unknown;

const DAY = 86_400_000;
const UNITS = ['stuk', 'uur', 'kg', 'doos', 'm'];
const JOURNALS = ['10', '20', '60', '70', '90'];
const BANKS = ['ABNA', 'INGB', 'RABO', 'TRIO'];
const GL_CODES = ['1100', '1300', '1600', '4400', '7000', '8000'];
const WORDS = [
  'Algemeen',
  'Standaard',
  'Project',
  'Onderhoud',
  'Levering',
  'Advies',
  'Service',
  'Installatie',
];

/** Guid columns that point at the tables with hand-made generators, by column name. */
function coreReference(name: string, ctx: GenerationContext): ReferenceTarget | null {
  const v = ctx.volumes;
  const to = (salt: number, count: number): ReferenceTarget | null =>
    count > 0 ? (r) => ctx.key(salt, r.int(count)) : null;
  if (/^(Account|OrderedBy|InvoiceTo|DeliverTo|Customer|Supplier|Creditor|Debtor|OrderAccount)$/.test(name)) {
    return to(tableSalt.Account, v.accounts);
  }
  if (/^(Item|ItemID)$/.test(name)) return to(tableSalt.Item, v.items);
  if (/^(GLAccount|GLRevenue|GLCosts|GLStock|GLAccountID)$/.test(name))
    return to(tableSalt.GLAccount, v.glAccounts);
  if (/^(Contact|ContactPerson|MainContact)$/.test(name)) return to(tableSalt.Contact, v.contacts);
  if (name === 'InvoiceID' || name === 'SalesInvoice') return to(tableSalt.SalesInvoice, v.salesInvoices);
  if (name === 'OrderID' || name === 'SalesOrder') return to(tableSalt.SalesOrder, v.salesOrders);
  return null;
}

function padTo(value: string, pad: FieldDef['pad']): string {
  if (!pad) return value;
  const text = value.slice(0, pad.width);
  return pad.align === 'right' ? text.padStart(pad.width, ' ') : text.padEnd(pad.width, ' ');
}

function stringMaker(field: FieldDef, scope: GenericScope, prefix: string): ValueMaker {
  const { ctx, country } = scope;
  const name = field.name;
  const pad = field.pad;
  if (pad?.width === 18) return ({ r }) => accountCode(r.int(Math.max(ctx.volumes.accounts, 1)) + 1);
  if (name === 'Country' || name.endsWith('Country'))
    return () => padTo(country, pad ?? { width: 3, align: 'left' });
  if (name === 'CountryName') return () => countryNames[country] ?? country;
  if (name === 'Legislation') return () => padTo(country, pad);
  if (/VAT[Cc]ode$|VatCode$/.test(name)) return ({ r }) => padTo(r.pick(vatCodes).code, pad);
  if (name === 'Language') return () => padTo('NL', pad);
  if (name === 'LanguageCode') return () => 'nl-NL';
  if (name === 'Unit' || name === 'UnitCode') return ({ r }) => padTo(r.pick(UNITS), pad);
  if (/Currency$/.test(name)) return () => scope.currency;
  if (/^Journal(Code)?$/.test(name)) return ({ r }) => r.pick(JOURNALS);
  if (/^PaymentCondition/.test(name) && !/Description$/.test(name))
    return ({ r }) => r.pick(['14', '30', '30', '60']);
  if (/IBAN$/.test(name)) return ({ r }) => `NL${r.digits(2)}${r.pick(BANKS)}0${r.digits(9)}`;
  if (/BIC(Code)?$/.test(name)) return ({ r }) => `${r.pick(BANKS)}NL2A`;
  if (/^GL.*Code$/.test(name)) return ({ r }) => r.pick(GL_CODES);
  if (/E[Mm]ail/.test(name)) {
    return ({ r, index }) =>
      `${r.pick(['info', 'administratie', 'contact'])}${index + 1}@${domainSlug(r.pick(trades))}.nl`;
  }
  if (/Mobile/.test(name)) return ({ r }) => mobile(r);
  if (/Phone|Fax/.test(name) && !/Extension/.test(name)) return ({ r }) => landline(r, r.pick(cities));
  if (/Postcode|PostalCode|ZipCode/.test(name)) return ({ r }) => postcode(r, city(r));
  if (name === 'City' || name.endsWith('City')) return ({ r }) => r.pick(cities).name;
  if (/^AddressLine1$|Street$/.test(name)) return ({ r }) => streetAddress(r);
  if (/FileName$/.test(name))
    return ({ r, index }) => `${r.pick(['factuur', 'offerte', 'bon', 'contract'])}-${index + 1}.pdf`;
  if (/Website|Url|URL/.test(name)) return ({ r }) => `https://www.${domainSlug(r.pick(trades))}.nl`;
  if (/VATNumber|VatNumber/.test(name)) return ({ r }) => vatNumber(r);
  if (/FullName$|CreatorName$|ModifierName$/.test(name)) return () => ctx.ownerName;
  if (/Name$/.test(name)) return ({ r }) => `${r.pick(trades)} ${r.pick(surnames)}`;
  if (/Description|Subject|Title$/.test(name))
    return ({ r, index }) => `${r.pick(WORDS)} ${prefix.toLowerCase()} ${index + 1}`;
  if (/Notes|Remarks|Comment/.test(name))
    return ({ r }) => (r.chance(0.7) ? null : `${r.pick(WORDS)}: zie dossier.`);
  if (/Code$|^Code/.test(name))
    return ({ index }) => padTo(`${prefix}${String(index + 1).padStart(3, '0')}`, pad);
  if (/Reference|Number|Nr$/.test(name)) return ({ r }) => r.digits(8);
  return ({ r }) => (r.chance(0.5) ? null : padTo(`${r.pick(WORDS)} ${r.digits(3)}`, pad));
}

function numberMaker(field: FieldDef, ctx: GenerationContext): ValueMaker {
  const name = field.name;
  const integer = field.type !== 'Edm.Double';
  if (name === 'Division') return () => ctx.division;
  if (field.type === 'Edm.Byte' || /^(Is|Has|Use)[A-Z]/.test(name)) return ({ r }) => (r.chance(0.3) ? 1 : 0);
  if (/Year$/.test(name)) return ({ r }) => 2024 + r.int(3);
  if (/Period$/.test(name)) return ({ r }) => r.between(1, 12);
  if (/Percentage|Rate$/.test(name))
    return ({ r }) => (integer ? r.between(0, 100) : r.pick([0, 0.09, 0.21]));
  if (/Status$|Type$|Kind$|Level$|Priority$/.test(name)) return ({ r }) => r.pick([10, 20, 20, 50]);
  if (/Amount|Price|Cost|Total|Balance|Value|Budget|Revenue|Salary|Wage/.test(name)) {
    return integer ? ({ r }) => r.between(0, 5000) : ({ r }) => roundCents(r.between(1, 500_000) / 100);
  }
  if (/Quantity|Stock|Hours|Days/.test(name))
    return ({ r }) => (integer ? r.between(0, 40) : r.between(0, 400) / 4);
  if (/Number$|Sequence|LineNumber|^ID$|Id$/.test(name)) return ({ index }) => index + 1;
  return integer ? ({ r }) => r.between(0, 100) : ({ r }) => roundCents(r.between(0, 10_000) / 100);
}

function dateMaker(field: FieldDef, ctx: GenerationContext): ValueMaker {
  const name = field.name;
  if (name === 'Created') return ({ r, daysAgo }) => ctx.day(daysAgo) + r.between(7 * 3600, 18 * 3600) * 1000;
  if (name === 'Modified')
    return ({ r, daysAgo }) => ctx.day(r.int(daysAgo + 1)) + r.between(7 * 3600, 18 * 3600) * 1000;
  if (/End|Archive|Deleted|Expir/.test(name))
    return ({ r, daysAgo }) => (r.chance(0.8) ? null : ctx.day(daysAgo) + r.between(30, 720) * DAY);
  if (/Due|Delivery|Planned|Next/.test(name))
    return ({ r, daysAgo }) => ctx.day(daysAgo) + r.between(7, 60) * DAY;
  return ({ r, daysAgo }) => ctx.day(daysAgo + r.int(3));
}

/**
 * The value function of one field. `references` maps a Guid column to the generated table
 * it points at (navigation parents); core tables are recognised by name.
 */
export function valueMakerFor(
  field: FieldDef,
  scope: GenericScope,
  prefix: string,
  references: ReadonlyMap<string, ReferenceTarget>,
): ValueMaker {
  const { ctx } = scope;
  const name = field.name;
  switch (field.type) {
    case 'Edm.Guid': {
      if (name === 'Creator' || name === 'Modifier' || name === 'User' || name === 'UserID')
        return () => ctx.ownerId;
      const target = coreReference(name, ctx) ?? references.get(name);
      if (target) return ({ r }) => target(r);
      return ({ r, index }) =>
        r.chance(0.6) ? null : ctx.key(tableSalt.Mutation + 1000, index * 97 + r.int(97));
    }
    case 'Edm.String':
      return stringMaker(field, scope, prefix);
    case 'Edm.Boolean':
      return ({ r }) => r.chance(0.3);
    case 'Edm.DateTime':
      return dateMaker(field, ctx);
    case 'Edm.Int64':
      return ({ r, index }) => index * 1000 + r.int(1000);
    case 'Edm.Binary':
      return () => null;
    case 'nav':
      return () => null;
    default:
      return numberMaker(field, ctx);
  }
}
