import type { Region } from '@koppel/exact';
import type { CountryCode } from 'libphonenumber-js';
import { REPLICA_TABLES, type ReplicaTable } from '../replicate/replica-tables.ts';
import { deepLink } from './deep-links.ts';
import { type RecordProblem, toE164 } from './phone-numbers.ts';

export type AccountType = 'customers' | 'suppliers' | 'prospects';

/** What a column's value is computed from besides the record. */
export interface RowContext {
  division: number;
  region: Region;
  defaultCountry: CountryCode;
  accountLink: string;
  contactLink: string;
  problems: RecordProblem[];
}

type Values = Record<string, unknown>;

export interface RelationColumn {
  name: string;
  type: 'uuid' | 'text' | 'boolean' | 'integer' | 'text[]';
  value(row: Values, context: RowContext): unknown;
}

export interface RelationTable {
  name: 'accounts' | 'contacts' | 'addresses';
  source: ReplicaTable;
  columns: readonly RelationColumn[];
}

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
const field = (name: string, from: string, type: RelationColumn['type'] = 'text'): RelationColumn => ({
  name,
  type,
  value: (row) => (type === 'text' ? text(row[from]) : (row[from] ?? null)),
});
const phone = (name: string, from: string): RelationColumn => ({
  name,
  type: 'text',
  value: (row, context) =>
    toE164(from, row[from], text(row.Country), context.defaultCountry, context.problems),
});

/**
 * Exact's account kinds (facts §9): `Status` C customer, P prospect, S suspect (a prospect not
 * yet contacted), and `IsSupplier` independently of the status.
 */
export function accountTypes(row: Values): AccountType[] {
  const status = text(row.Status);
  const types: AccountType[] = [];
  if (status === 'C') types.push('customers');
  if (status === 'P' || status === 'S') types.push('prospects');
  if (row.IsSupplier === true) types.push('suppliers');
  return types;
}

function source(name: string): ReplicaTable {
  return REPLICA_TABLES.find((table) => table.name === name) as ReplicaTable;
}

/** The relations replicator's tables: one row per record, phone numbers in E.164, links into Exact. */
export const RELATION_TABLES: readonly RelationTable[] = [
  {
    name: 'accounts',
    source: source('accounts'),
    columns: [
      field('code', 'Code'),
      field('name', 'Name'),
      { name: 'types', type: 'text[]', value: (row) => accountTypes(row) },
      field('status', 'Status'),
      field('email', 'Email'),
      phone('phone', 'Phone'),
      field('phone_extension', 'PhoneExtension'),
      field('website', 'Website'),
      field('vat_number', 'VATNumber'),
      field('chamber_of_commerce', 'ChamberOfCommerce'),
      field('address_line1', 'AddressLine1'),
      field('postcode', 'Postcode'),
      field('city', 'City'),
      field('country', 'Country'),
      field('main_contact_id', 'MainContact', 'uuid'),
      {
        name: 'exact_url',
        type: 'text',
        value: (row, c) =>
          deepLink(c.accountLink, {
            region: c.region,
            id: String(row.ID),
            division: c.division,
            code: text(row.Code),
          }),
      },
    ],
  },
  {
    name: 'contacts',
    source: source('contacts'),
    columns: [
      field('account_id', 'Account', 'uuid'),
      field('first_name', 'FirstName'),
      field('last_name', 'LastName'),
      field('full_name', 'FullName'),
      field('job_title', 'JobTitleDescription'),
      field('email', 'Email'),
      phone('phone', 'Phone'),
      phone('business_phone', 'BusinessPhone'),
      phone('mobile', 'Mobile'),
      phone('business_mobile', 'BusinessMobile'),
      field('is_main_contact', 'IsMainContact', 'boolean'),
      {
        name: 'exact_url',
        type: 'text',
        value: (row, c) =>
          deepLink(c.contactLink, { region: c.region, id: String(row.ID), division: c.division }),
      },
    ],
  },
  {
    name: 'addresses',
    source: source('addresses'),
    columns: [
      field('account_id', 'Account', 'uuid'),
      field('type', 'Type', 'integer'),
      field('address_line1', 'AddressLine1'),
      field('address_line2', 'AddressLine2'),
      field('postcode', 'Postcode'),
      field('city', 'City'),
      field('country', 'Country'),
      phone('phone', 'Phone'),
    ],
  },
];
