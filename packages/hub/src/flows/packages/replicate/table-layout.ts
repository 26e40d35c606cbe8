import { type EdmType, type EntityDef, fieldsOf } from '@koppel/exact';
import { quoteIdent } from '../../../destinations/sql-identifier.ts';

/** Postgres type of each Edm type in a replica table (issue 8: uuid, text, numeric, …). */
const COLUMN_TYPES: Record<EdmType, string> = {
  Guid: 'uuid',
  String: 'text',
  Int16: 'integer',
  Int32: 'integer',
  Byte: 'integer',
  Int64: 'bigint',
  Double: 'numeric',
  Boolean: 'boolean',
  DateTime: 'timestamptz',
  // Exact sends Edm.Binary base64-encoded; kept as sent so the column reads like `_raw`.
  Binary: 'text',
};

/** One typed column of a replica table and the Exact field it comes from. */
export interface ReplicaColumn {
  /** snake_case, e.g. `vat_number`. */
  readonly name: string;
  readonly field: string;
  readonly type: string;
  /**
   * Taken from the SDK's typed row rather than Exact's raw value: DateTimes (Dutch
   * wall-clock `/Date()/`, facts §3.4) and padded codes (trimmed), so the SDK stays the one
   * place that knows how to read Exact's values.
   */
  readonly typedBySdk: boolean;
}

/** Columns every replica table has besides the catalogue's, in this order. */
export const SYSTEM_COLUMNS = [
  { name: 'division', type: 'integer not null' },
  { name: 'id', type: 'uuid not null' },
  { name: '_raw', type: 'jsonb not null' },
  { name: '_timestamp', type: 'bigint' },
  // The default serves a page copied straight into the table (`ReplicaStore.writePage`).
  { name: '_synced_at', type: 'timestamptz not null default now()' },
  { name: '_deleted_at', type: 'timestamptz' },
] as const;

export interface TableLayout {
  readonly schema: string;
  readonly table: string;
  /** The Exact field that becomes `id`. */
  readonly idField: string;
  readonly columns: readonly ReplicaColumn[];
}

/** `VATNumber` → `vat_number`, `AmountDC` → `amount_dc`, `AddressLine1` → `address_line1`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/_+/g, '_')
    .toLowerCase();
}

/** Postgres truncates identifiers past 63 bytes; two long names could then collide. */
const MAX_IDENTIFIER = 63;

/**
 * The replica table of an entity, derived from its catalogue entry: one typed column per
 * scalar field, so fields the catalogue gains become new columns without code changes.
 * The key field becomes `id`, `Division` is the `division` column and `Timestamp` is
 * `_timestamp`; a snake_case name that collides gets a numeric suffix.
 */
export function tableLayout(entity: EntityDef, schema: string, table: string, idField: string): TableLayout {
  const taken = new Set<string>(SYSTEM_COLUMNS.map((column) => column.name));
  const columns: ReplicaColumn[] = [];
  for (const field of fieldsOf(entity).values()) {
    if (field.type === 'Nav' || field.name === idField) continue;
    if (field.name === 'Division' || field.name === 'Timestamp') continue;
    const base = snakeCase(field.name).slice(0, MAX_IDENTIFIER - 3);
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
    taken.add(name);
    columns.push({
      name,
      field: field.name,
      type: COLUMN_TYPES[field.type],
      typedBySdk: field.type === 'DateTime' || field.padded,
    });
  }
  return { schema, table, idField, columns };
}

export function qualifiedName(layout: TableLayout): string {
  return `${quoteIdent(layout.schema)}.${quoteIdent(layout.table)}`;
}
