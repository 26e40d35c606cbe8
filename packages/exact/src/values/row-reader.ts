import type { EntityDef, ParsedField, RawRecord, Row } from '../catalogue/entity.ts';
import { fieldsOf, RAW } from '../catalogue/entity.ts';
import { parseExactDate } from './exact-date.ts';
import { parseInt64 } from './int64.ts';

type Converter = (value: unknown) => unknown;

const keep: Converter = (value) => value;
const trimmed: Converter = (value) => (typeof value === 'string' ? value.trim() : value);
const date: Converter = (value) => (typeof value === 'string' ? parseExactDate(value) : value);
const int64: Converter = (value) =>
  typeof value === 'string' || typeof value === 'number' ? parseInt64(value) : value;
// Some Exact flags arrive as 0/1 numbers (facts §12).
const boolean: Converter = (value) => (typeof value === 'number' ? value !== 0 : value);
const numeric: Converter = (value) => (typeof value === 'string' && value !== '' ? Number(value) : value);

function converterFor(field: ParsedField): Converter {
  switch (field.type) {
    case 'String':
      return field.padded ? trimmed : keep;
    case 'DateTime':
      return date;
    case 'Int64':
      return int64;
    case 'Boolean':
      return boolean;
    case 'Int16':
    case 'Int32':
    case 'Byte':
    case 'Double':
      return numeric;
    case 'Nav': {
      const nav = field.nav as EntityDef;
      return (value) => readNav(nav, value);
    }
    default:
      return keep;
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

const converters = new WeakMap<EntityDef, Record<string, Converter>>();

/** Field name → converter, built once per entity; sync rows add `Timestamp` (Int64). */
function convertersOf(entity: EntityDef): Record<string, Converter> {
  let table = converters.get(entity);
  if (table === undefined) {
    table = Object.create(null) as Record<string, Converter>;
    for (const field of fieldsOf(entity).values()) table[field.name] = converterFor(field);
    table.Timestamp ??= int64;
    converters.set(entity, table);
  }
  return table;
}

/**
 * Typed copy of a raw record: only catalogue fields (plus `Timestamp`) that are present,
 * Dates for `/Date()/`, bigint for Int64, padded codes trimmed. `row[RAW]` keeps the original.
 */
export function readRow<E extends EntityDef>(entity: E, raw: RawRecord): Row<E> {
  const table = convertersOf(entity);
  const row: Record<string | symbol, unknown> = {};
  for (const name in raw) {
    const convert = table[name];
    if (convert !== undefined) {
      const value = raw[name];
      row[name] = value === null || value === undefined ? null : convert(value);
    }
  }
  // A symbol key: invisible to JSON.stringify and Object.keys, and cheap to set.
  row[RAW] = raw;
  return row as Row<E>;
}
