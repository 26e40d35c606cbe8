import type { EdmType, EntityDef } from '../catalogue/types.ts';
import type { Row } from '../data/table.ts';
import { jsonValueFor, jsonValueName, jsonValues } from '../odata/json-values.ts';

/** One property of a row after `__metadata`, in output order. */
export interface Column {
  name: string;
  /** Edm type of a scalar, or `nav` for a navigation property (written by `RowInputs.nav`). */
  type: EdmType | 'nav';
  /** Stored on the row, so read as `row[name]`; otherwise derived, read by `RowInputs.get`. */
  stored: boolean;
}

type FieldRead = (row: Row) => unknown;
type NavWrite = (row: Row, key: string) => unknown;

/** What a builder needs besides the row: one set per serializer, that is per request. */
export interface RowInputs {
  /** The row's key as in its URL, e.g. `guid'…'`. */
  key(row: Row): string;
  /** `{resourceUrl}(`: `__metadata.uri` is this, the key and `)`. */
  uriPrefix: string;
  typeName: string;
  /** Per column, its getter (derived columns are read through it). */
  get: readonly FieldRead[];
  /** Per navigation column, its `{"__deferred":…}` or `{"results":[…]}` object; `null` for the others. */
  nav: readonly (NavWrite | null)[];
}

/** Builds the object that `JSON.stringify` writes as the row's verbose JSON. */
export type RowBuilder = (row: Row, inputs: RowInputs) => Record<string, unknown>;

/** Distinct column lists compiled per entity; a client that varies `$select` forever gets the generic builder. */
const MAX_COMPILED = 64;
/** `null`: code generation is disabled (`--disallow-code-generation-from-strings`). */
const compiled = new WeakMap<EntityDef, Map<string, RowBuilder | null>>();

/**
 * The builder for one entity and column list. Objects keep string keys in insertion order,
 * which is the output order, except for array-index keys, which come first; a repeated key or
 * one named `__metadata` would be written once. The catalogue has none of these, so they are
 * refused rather than written out of order.
 */
export function rowBuilder(entity: EntityDef, columns: readonly Column[]): RowBuilder {
  const names = new Set<string>(['__metadata']);
  for (const { name } of columns) {
    if (names.has(name) || /^(0|[1-9]\d*)$/.test(name)) {
      throw new Error(`Entity ${entity.name}: property '${name}' cannot be written in its place in JSON.`);
    }
    names.add(name);
  }
  // In an object literal `"__proto__": v` sets the prototype instead of adding a property.
  if (names.has('__proto__')) return genericBuilder(columns);
  let byColumns = compiled.get(entity);
  if (byColumns === undefined) {
    byColumns = new Map();
    compiled.set(entity, byColumns);
  }
  const id = JSON.stringify(columns.map(({ name, type, stored }) => [name, type, stored]));
  let builder = byColumns.get(id);
  if (builder === undefined && byColumns.size < MAX_COMPILED) {
    try {
      builder = compile(columns);
    } catch (error) {
      if (!(error instanceof EvalError)) throw error;
      builder = null;
    }
    byColumns.set(id, builder);
  }
  return builder ?? genericBuilder(columns);
}

/**
 * Compiles a builder that makes the row with one object literal: every row of a page then
 * shares one hidden class, which `JSON.stringify` walks fastest, and stored fields are read
 * without a getter call. Column names enter the code only as JSON string literals; the
 * value converters are bound by their own (fixed) names.
 */
function compile(columns: readonly Column[]): RowBuilder {
  const props = columns.map((column, i) => {
    const name = JSON.stringify(column.name);
    if (column.type === 'nav') return `${name}: nav[${i}](row, key)`;
    const read = column.stored ? `row[${name}]` : `get[${i}](row)`;
    return `${name}: ${jsonValueName(column.type)}(${read})`;
  });
  const body = `
    return function buildRow(row, inputs) {
      const key = inputs.key(row);
      const get = inputs.get;
      const nav = inputs.nav;
      return {
        "__metadata": { "uri": inputs.uriPrefix + key + ")", "type": inputs.typeName },
        ${props.join(',\n')}
      };
    };`;
  return new Function(...Object.keys(jsonValues), body)(...Object.values(jsonValues)) as RowBuilder;
}

/** The same object built property by property, for when compiling is refused or not worth it. */
function genericBuilder(columns: readonly Column[]): RowBuilder {
  const converters = columns.map((column) => (column.type === 'nav' ? null : jsonValueFor(column.type)));
  return (row, inputs) => {
    const key = inputs.key(row);
    const entries: [string, unknown][] = [
      ['__metadata', { uri: `${inputs.uriPrefix}${key})`, type: inputs.typeName }],
    ];
    columns.forEach((column, i) => {
      const convert = converters[i];
      const value = convert
        ? convert((inputs.get[i] as FieldRead)(row))
        : (inputs.nav[i] as NavWrite)(row, key);
      entries.push([column.name, value]);
    });
    // Defines each property, so a column named `__proto__` is a property, not the prototype.
    return Object.fromEntries(entries);
  };
}
