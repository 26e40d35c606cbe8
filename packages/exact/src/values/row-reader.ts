import type { EntityDef, ParsedField, RawRecord, Row } from '../catalogue/entity.ts';
import { fieldsOf, RAW } from '../catalogue/entity.ts';
import { parseExactDate } from './exact-date.ts';
import { parseInt64 } from './int64.ts';

// Sync rows carry `Timestamp` (Int64) on top of the entity's own fields.
const TIMESTAMP: ParsedField = {
  name: 'Timestamp',
  type: 'Int64',
  readOnly: true,
  padded: false,
  accountCode: false,
  nav: undefined,
};

function convert(field: ParsedField, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (field.type) {
    case 'String':
      return field.padded && typeof value === 'string' ? value.trim() : value;
    case 'DateTime':
      return typeof value === 'string' ? parseExactDate(value) : value;
    case 'Int64':
      return typeof value === 'string' || typeof value === 'number' ? parseInt64(value) : value;
    case 'Boolean':
      // Some Exact flags arrive as 0/1 numbers (facts §12).
      return typeof value === 'number' ? value !== 0 : value;
    case 'Int16':
    case 'Int32':
    case 'Byte':
    case 'Double':
      return typeof value === 'string' && value !== '' ? Number(value) : value;
    case 'Nav':
      return readNav(field.nav as EntityDef, value);
    default:
      return value;
  }
}

function readNav(entity: EntityDef, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((line) => readRow(entity, line as RawRecord));
  if (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as { results?: unknown }).results)
  ) {
    return (value as { results: RawRecord[] }).results.map((line) => readRow(entity, line));
  }
  // `{"__deferred":{…}}`: the lines were not expanded.
  return undefined;
}

/**
 * Typed copy of a raw record: only catalogue fields (plus `Timestamp`) that are present,
 * Dates for `/Date()/`, bigint for Int64, padded codes trimmed. `row[RAW]` keeps the original.
 */
export function readRow<E extends EntityDef>(entity: E, raw: RawRecord): Row<E> {
  const fields = fieldsOf(entity);
  const row: Record<string | symbol, unknown> = {};
  for (const name in raw) {
    const field = fields.get(name) ?? (name === 'Timestamp' ? TIMESTAMP : undefined);
    if (field !== undefined) row[name] = convert(field, raw[name]);
  }
  Object.defineProperty(row, RAW, { value: raw, enumerable: false });
  return row as Row<E>;
}
