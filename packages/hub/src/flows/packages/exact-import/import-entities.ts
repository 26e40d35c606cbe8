import { accounts, contacts, type EntityDef, items, salesInvoices, salesOrders } from '@koppel/exact';
import { z } from 'zod';
import type { NewImportRow } from './import-store.ts';

export type AccountMatch = 'code' | 'email';

/** A record Exact already has, as the matcher sees it. */
export interface ExistingRecord {
  id: string;
  values: Record<string, unknown>;
}

/** What the import of one entity needs: its row schema, its match key and its Exact fields. */
export interface ImportEntity {
  name: 'accounts' | 'contacts' | 'items' | 'sales_orders' | 'sales_invoices';
  title: string;
  exact: EntityDef;
  /** Validates one input row (JSON or a CSV line); messages name the field. */
  row: z.ZodType<Record<string, unknown>>;
  /** The fields a flat row (a CSV line) may hold, which file columns are mapped to. */
  columns: readonly ImportColumn[];
  /** Exact fields read to match rows and to tell `unchanged` from `updated`. */
  readFields: readonly string[];
  /** The key a row is matched on (null: the row cannot be matched, e.g. no e-mail). */
  rowKey(row: Record<string, unknown>, match: AccountMatch): string | null;
  /** The same key for a record Exact has. */
  recordKey(record: Record<string, unknown>, match: AccountMatch): string | null;
  /** The row as Exact field values; `refs` resolves codes of other records (a contact's account). */
  toExact(row: Record<string, unknown>, refs: ReferenceIndex): Record<string, unknown>;
  /** Entities whose index `toExact` needs. */
  references?: readonly ('accounts' | 'items')[];
  /**
   * Fields written on create but left out when telling `unchanged` from `updated`: lines
   * (Exact takes them only on create, facts §3.6) and dates Exact stores as its own day.
   */
  createOnly?: readonly string[];
  /** A document's lines (uploads with one row per line are grouped into documents). */
  linesField?: string;
}

/** A field of a flat import row; `required`: a row without it fails validation. */
export interface ImportColumn {
  name: string;
  required: boolean;
  /** A document line's field in a flat row; a row that holds its `lines` needs none of them. */
  line?: boolean;
}

/** The fields of a row schema, each required unless the schema accepts it missing. */
function columnsOf(schema: z.ZodObject, rename: Record<string, string> = {}, line = false): ImportColumn[] {
  return Object.entries(schema.shape).map(([name, field]) => ({
    name: rename[name] ?? name,
    required: !(field as z.ZodType).safeParse(undefined).success,
    ...(line ? { line } : {}),
  }));
}

/** Keys of other records by code, for rows that refer to them. */
export interface ReferenceIndex {
  accountIdByCode(code: string): string | undefined;
  itemIdByCode(code: string): string | undefined;
}

/** Thrown by `toExact` when a referred record does not exist: the row fails with this message. */
export class MissingReferenceError extends Error {
  readonly code = 'import_reference_missing';
}

const optionalText = (max: number) => z.string().trim().max(max).optional();
const flag = z.preprocess(
  (value) =>
    typeof value === 'string' ? ['1', 'true', 'yes', 'ja', 'y'].includes(value.trim().toLowerCase()) : value,
  z.boolean(),
);
const lower = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value.trim().toLowerCase() : null;
const trimmed = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : null;

const accountRow = z.object({
  code: z.string().trim().min(1).max(18).optional(),
  name: z.string('is required').trim().min(1, 'is required').max(100),
  email: z.email('is not an e-mail address').optional(),
  phone: optionalText(30),
  website: optionalText(100),
  vatNumber: optionalText(20),
  addressLine1: optionalText(100),
  postcode: optionalText(20),
  city: optionalText(50),
  country: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, 'must be a two-letter country code (NL, BE …)')
    .optional(),
  status: z.enum(['C', 'P', 'S'], 'must be C (customer), P (prospect) or S (suspect)').default('C'),
  isSupplier: flag.default(false),
});

const contactRow = z.object({
  account: z
    .string("is required (the account's code)")
    .trim()
    .min(1, "is required (the account's code)")
    .max(18),
  firstName: optionalText(50),
  lastName: z.string('is required').trim().min(1, 'is required').max(50),
  email: z.email('is not an e-mail address').optional(),
  phone: optionalText(30),
  mobile: optionalText(30),
  jobTitle: optionalText(80),
});

const itemRow = z.object({
  code: z.string('is required').trim().min(1, 'is required').max(30),
  description: z.string('is required').trim().min(1, 'is required').max(60),
  costPrice: z.coerce.number('must be a number').min(0).optional(),
  isSalesItem: flag.default(true),
});

const salesLine = z.object({
  item: z.string("is required (the item's code)").trim().min(1, "is required (the item's code)").max(30),
  quantity: z.coerce.number('must be a number').positive('must be more than 0'),
  unitPrice: z.coerce.number('must be a number').min(0).optional(),
  description: optionalText(60),
});

/** A sales order or invoice: header fields and at least one line; `yourRef` is its key. */
const salesDocument = z.object({
  yourRef: z
    .string('is required (your reference, the key of the document)')
    .trim()
    .min(1, 'is required')
    .max(30),
  customer: z
    .string("is required (the account's code)")
    .trim()
    .min(1, "is required (the account's code)")
    .max(18),
  orderDate: z.iso.date('must be a date (YYYY-MM-DD)').optional(),
  description: optionalText(60),
  lines: z.array(salesLine, 'needs its lines').min(1, 'needs at least one line'),
});

/** A sales order or invoice: matched by `yourRef`, its lines written only on create (facts §3.6). */
function salesDocumentEntity(
  name: 'sales_orders' | 'sales_invoices',
  title: string,
  exact: EntityDef,
  linesField: string,
): ImportEntity {
  return {
    name,
    title,
    exact,
    row: salesDocument as z.ZodType<Record<string, unknown>>,
    // One CSV line per document line: the header fields repeated, then the line's (see groupDocumentLines).
    columns: [
      ...columnsOf(salesDocument.omit({ lines: true })),
      ...columnsOf(salesLine, { description: 'lineDescription' }, true),
    ],
    readFields: [exact.key, 'YourRef', 'OrderedBy', 'Description'],
    references: ['accounts', 'items'],
    createOnly: [linesField, 'OrderDate'],
    linesField,
    rowKey: (row) => trimmed(row.yourRef),
    recordKey: (record) => trimmed(record.YourRef),
    toExact: (row, refs) => {
      const customer = refs.accountIdByCode(String(row.customer));
      if (customer === undefined) {
        throw new MissingReferenceError(`customer: no account with code "${row.customer}" in Exact`);
      }
      const lines = (row.lines as Record<string, unknown>[]).map((line, index) => {
        const item = refs.itemIdByCode(String(line.item));
        if (item === undefined) {
          throw new MissingReferenceError(`lines.${index}.item: no item with code "${line.item}" in Exact`);
        }
        return defined({
          Item: item,
          Quantity: line.quantity,
          UnitPrice: line.unitPrice,
          Description: line.description,
        });
      });
      return defined({
        OrderedBy: customer,
        YourRef: row.yourRef,
        OrderDate: typeof row.orderDate === 'string' ? new Date(`${row.orderDate}T00:00:00Z`) : undefined,
        Description: row.description,
        [linesField]: lines,
      });
    },
  };
}

const defined = (values: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));

/** The entities "Import into Exact" creates and updates. */
export const IMPORT_ENTITIES: readonly ImportEntity[] = [
  {
    name: 'accounts',
    title: 'Accounts (customers, suppliers, prospects)',
    exact: accounts,
    row: accountRow as z.ZodType<Record<string, unknown>>,
    columns: columnsOf(accountRow),
    readFields: [
      'ID',
      'Code',
      'Name',
      'Email',
      'Phone',
      'Website',
      'VATNumber',
      'AddressLine1',
      'Postcode',
      'City',
      'Country',
      'Status',
      'IsSupplier',
    ],
    rowKey: (row, match) => (match === 'code' ? trimmed(row.code) : lower(row.email)),
    recordKey: (record, match) => (match === 'code' ? trimmed(record.Code) : lower(record.Email)),
    toExact: (row) =>
      defined({
        Code: row.code,
        Name: row.name,
        Email: row.email,
        Phone: row.phone,
        Website: row.website,
        VATNumber: row.vatNumber,
        AddressLine1: row.addressLine1,
        Postcode: row.postcode,
        City: row.city,
        Country: row.country,
        Status: row.status,
        IsSupplier: row.isSupplier,
      }),
  },
  {
    name: 'contacts',
    title: 'Contacts',
    exact: contacts,
    row: contactRow as z.ZodType<Record<string, unknown>>,
    columns: columnsOf(contactRow),
    readFields: ['ID', 'Account', 'FirstName', 'LastName', 'Email', 'Phone', 'Mobile', 'JobTitleDescription'],
    references: ['accounts'],
    // A contact is the same person when the e-mail matches, else the same name at the same account.
    rowKey: (row) =>
      lower(row.email) ?? `${lower(row.account)}|${lower(row.firstName) ?? ''}|${lower(row.lastName)}`,
    recordKey: (record) => lower(record.Email) ?? null,
    toExact: (row, refs) => {
      const account = refs.accountIdByCode(String(row.account));
      if (account === undefined)
        throw new MissingReferenceError(`account: no account with code "${row.account}" in Exact`);
      return defined({
        Account: account,
        FirstName: row.firstName,
        LastName: row.lastName,
        Email: row.email,
        Phone: row.phone,
        Mobile: row.mobile,
        JobTitleDescription: row.jobTitle,
      });
    },
  },
  {
    name: 'items',
    title: 'Items',
    exact: items,
    row: itemRow as z.ZodType<Record<string, unknown>>,
    columns: columnsOf(itemRow),
    readFields: ['ID', 'Code', 'Description', 'CostPriceStandard', 'IsSalesItem'],
    rowKey: (row) => trimmed(row.code),
    recordKey: (record) => trimmed(record.Code),
    toExact: (row) =>
      defined({
        Code: row.code,
        Description: row.description,
        CostPriceStandard: row.costPrice,
        IsSalesItem: row.isSalesItem,
      }),
  },
  salesDocumentEntity('sales_orders', 'Sales orders (with their lines)', salesOrders, 'SalesOrderLines'),
  salesDocumentEntity(
    'sales_invoices',
    'Sales invoices (with their lines)',
    salesInvoices,
    'SalesInvoiceLines',
  ),
];

/**
 * Rows of a CSV (or flat JSON) for a document with lines: one row per line, the header
 * columns repeated, grouped by `yourRef` into one document each (the first row's number).
 */
export function groupDocumentLines(rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  if (rows.every((row) => Array.isArray(row.lines))) return [...rows];
  const documents = new Map<string, Record<string, unknown>>();
  const result: Record<string, unknown>[] = [];
  for (const [index, row] of rows.entries()) {
    const { item, quantity, unitPrice, lineDescription, ...header } = row;
    const line = Object.fromEntries(
      Object.entries({ item, quantity, unitPrice, description: lineDescription }).filter(
        ([, v]) => v !== undefined,
      ),
    );
    const key = typeof header.yourRef === 'string' ? header.yourRef.trim() : `#${index}`;
    const document = documents.get(key);
    if (document) (document.lines as unknown[]).push(line);
    else {
      const created = { ...header, lines: [line] };
      documents.set(key, created);
      result.push(created);
    }
  }
  return result;
}

/** The fields of `wanted` whose value differs from what Exact has (strings compared trimmed). */
export function changedFields(
  wanted: Record<string, unknown>,
  existing: Record<string, unknown>,
): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(wanted)) {
    const current = existing[field];
    const same =
      typeof value === 'string'
        ? typeof current === 'string' && current.trim() === value.trim()
        : typeof value === 'number'
          ? Number(current) === value
          : current === value;
    if (!same) changes[field] = value;
  }
  return changes;
}

/** One message per bad field: `email: is not an e-mail address; name: is required`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'row'}: ${issue.message}`)
    .join('; ');
}

/** Each input row validated and keyed; a bad row carries its messages and fails without reaching Exact. */
export function validateRows(
  entity: ImportEntity,
  input: readonly Record<string, unknown>[],
  match: AccountMatch,
): NewImportRow[] {
  return input.map((raw, index) => {
    const parsed = entity.row.safeParse(raw);
    if (!parsed.success) {
      return { rowNumber: index + 1, rowKey: null, input: raw, failure: describeIssues(parsed.error) };
    }
    const rowKey = entity.rowKey(parsed.data, match);
    if (rowKey === null) {
      return {
        rowNumber: index + 1,
        rowKey: null,
        input: raw,
        failure: `${match}: is required to match ${entity.name} by ${match}`,
      };
    }
    return { rowNumber: index + 1, rowKey, input: parsed.data, failure: null };
  });
}
