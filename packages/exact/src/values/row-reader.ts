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

/** Returns the typed row, or undefined when the record's keys differ from the compiled ones. */
type ShapeReader = (raw: RawRecord) => Record<string | symbol, unknown> | undefined;

/** Distinct key lists compiled per entity; a server that varies them forever falls back to readRow. */
const MAX_SHAPES = 32;
/** `null`: code generation is disabled (`--disallow-code-generation-from-strings`); use readRow. */
const shapeReaders = new WeakMap<EntityDef, Map<string, ShapeReader | null>>();

/**
 * Compiles `readRow` for one ordered key list (the records of a page share one: the
 * `$select`). The generated function first checks that the record has exactly these keys
 * in this order, then builds the row as one object literal, so the row gets its final
 * shape at once instead of growing a property store field by field, and values that need
 * no conversion are copied without a call. Only catalogue field names enter the code, and
 * only as JSON string literals.
 */
function compileShape(table: Record<string, Converter>, keys: readonly string[]): ShapeReader {
  const converters: Converter[] = [];
  const reads: string[] = [];
  const props: string[] = [];
  keys.forEach((name, index) => {
    const convert = table[name];
    if (convert === undefined) return;
    const key = JSON.stringify(name);
    reads.push(`const v${index} = raw[${key}];`);
    if (convert === keep) {
      props.push(`${key}: v${index} ?? null`);
    } else {
      props.push(
        `${key}: v${index} === null || v${index} === undefined ? null : c[${converters.length}](v${index})`,
      );
      converters.push(convert);
    }
  });
  const body = `
    return function readShape(raw) {
      let i = 0;
      for (const name in raw) if (name !== keys[i++]) return undefined;
      if (i !== ${keys.length}) return undefined;
      ${reads.join('\n')}
      return { ${[...props, '[RAW]: raw'].join(', ')} };
    };`;
  return new Function('c', 'keys', 'RAW', body)(converters, keys, RAW) as ShapeReader;
}

function shapeReaderFor(entity: EntityDef, sample: RawRecord): ShapeReader | undefined {
  let byKeys = shapeReaders.get(entity);
  if (byKeys === undefined) {
    byKeys = new Map();
    shapeReaders.set(entity, byKeys);
  }
  const keys: string[] = [];
  for (const name in sample) keys.push(name);
  const id = keys.join(',');
  let reader = byKeys.get(id);
  if (reader === undefined && byKeys.size < MAX_SHAPES) {
    try {
      reader = compileShape(convertersOf(entity), keys);
    } catch (error) {
      if (!(error instanceof EvalError)) throw error;
      reader = null;
    }
    byKeys.set(id, reader);
  }
  return reader ?? undefined;
}

/** `readRow` over a page of records, through a reader compiled for the page's key list. */
export function readRows<E extends EntityDef>(entity: E, records: readonly RawRecord[]): Row<E>[] {
  const rows = new Array<Row<E>>(records.length);
  const first = records[0];
  const reader = first === undefined ? undefined : shapeReaderFor(entity, first);
  for (let i = 0; i < records.length; i++) {
    const raw = records[i] as RawRecord;
    rows[i] = (reader?.(raw) as Row<E> | undefined) ?? readRow(entity, raw);
  }
  return rows;
}
