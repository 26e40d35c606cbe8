import type { EdmType, EntityDef, FieldDef } from '../catalogue/types.ts';
import type { DivisionStore } from '../data/division-store.ts';
import type { Row } from '../data/table.ts';
import { ApiError } from '../odata/api-error.ts';
import { encoderFor, keyLiteral, type ValueEncoder } from '../odata/json-values.ts';

export type FieldGetter = (row: Row) => unknown;

/**
 * Reads a field of a row: the stored value, or for derived fields a lookup through the
 * division. Lookups are memoised per getter: a getter lives for one request, during which
 * the data cannot change, and a page of transaction lines refers to few accounts.
 */
export function fieldGetter(field: FieldDef, store: DivisionStore | null): FieldGetter {
  const lookup = field.lookup;
  if (lookup && store) {
    const via = lookup.via;
    const memo = new Map<unknown, unknown>();
    return (row) => {
      const reference = row[via];
      if (reference == null) return null;
      let value = memo.get(reference);
      if (value === undefined) {
        value = store.lookup(lookup, row);
        memo.set(reference, value);
      }
      return value;
    };
  }
  const name = field.name;
  return (row) => row[name];
}

/** Child rows of an expanded navigation collection. */
export type ChildRows = (parent: Row) => Iterable<Row>;

export interface ExpandedNav {
  serializer: EntitySerializer;
  children: ChildRows;
}

interface PlannedField {
  /** `,"Name":` ready to concatenate. */
  prefix: string;
  get: FieldGetter;
  encode: ValueEncoder;
  nav: { name: string; expanded: ExpandedNav | null } | null;
}

/**
 * Turns rows into Exact's verbose JSON by string concatenation of pre-escaped pieces: this is
 * the hot path of a million-row sync read.
 */
export class EntitySerializer {
  private readonly resourceUrl: string;
  private readonly uriPrefix: string;
  private readonly typeSuffix: string;
  private readonly keyGet: FieldGetter;
  private readonly keyType: EdmType;
  private readonly fields: PlannedField[];

  /**
   * @param resourceUrl absolute URL of the endpoint, e.g. `http://…/api/v1/1/crm/Accounts`
   * @param selected the fields to write, in the entity's own order
   */
  constructor(
    entity: EntityDef,
    resourceUrl: string,
    selected: FieldDef[],
    store: DivisionStore | null,
    expanded: ReadonlyMap<string, ExpandedNav>,
  ) {
    this.resourceUrl = resourceUrl;
    this.uriPrefix = `{"__metadata":{"uri":${JSON.stringify(resourceUrl).slice(0, -1)}(`;
    this.typeSuffix = `)","type":${JSON.stringify(entity.typeName)}}`;
    const keyField = entity.fields.find((f) => f.name === entity.key);
    if (!keyField) throw new Error(`Entity ${entity.name} has no key field ${entity.key}`);
    if (keyField.type === 'nav') throw new Error(`Entity ${entity.name} has a navigation key`);
    this.keyType = keyField.type;
    this.keyGet = fieldGetter(keyField, store);
    this.fields = selected.map((field) => ({
      prefix: `,${JSON.stringify(field.name)}:`,
      get: fieldGetter(field, store),
      encode: field.type === 'nav' ? encoderFor('Edm.String') : encoderFor(field.type),
      nav: field.type === 'nav' ? { name: field.name, expanded: expanded.get(field.name) ?? null } : null,
    }));
  }

  /** Absolute URL of the row, as in `__metadata.uri`. */
  uriOf(row: Row): string {
    return `${this.resourceUrl}(${keyLiteral(this.keyType, this.keyGet(row))})`;
  }

  write(row: Row): string {
    const key = keyLiteral(this.keyType, this.keyGet(row));
    let out = `${this.uriPrefix}${key}${this.typeSuffix}`;
    for (const field of this.fields) {
      if (field.nav) {
        out += field.prefix + this.writeNav(field.nav, row, key);
      } else {
        out += field.prefix + field.encode(field.get(row));
      }
    }
    return `${out}}`;
  }

  private writeNav(nav: { name: string; expanded: ExpandedNav | null }, row: Row, key: string): string {
    if (!nav.expanded) {
      return `{"__deferred":{"uri":${JSON.stringify(`${this.resourceUrl}(${key})/${nav.name}`)}}}`;
    }
    const parts: string[] = [];
    for (const child of nav.expanded.children(row)) parts.push(nav.expanded.serializer.write(child));
    return `{"results":[${parts.join(',')}]}`;
  }
}

function unknownProperty(name: string, entity: EntityDef, source: string): ApiError {
  const position = Math.max(0, source.indexOf(name));
  return new ApiError(
    400,
    'unknown_property',
    `No property '${name}' exists in type '${entity.typeName}' at position ${position}.`,
  );
}

export interface Selection {
  /** Selected fields in the entity's order. */
  fields: FieldDef[];
  /** Per expanded navigation: the child fields selected (`null` = all). */
  childSelect: Map<string, string[] | null>;
}

/**
 * Resolves `$select`/`$expand` against an entity. Fields always come out in the entity's own
 * order, whatever the order in `$select`.
 */
export function planSelection(entity: EntityDef, select: string[] | null, expand: string[]): Selection {
  const navs = new Map(entity.fields.filter((f) => f.type === 'nav').map((f) => [f.name, f]));
  const childSelect = new Map<string, string[] | null>();
  const expandSource = expand.join(',');
  for (const name of expand) {
    if (!navs.has(name)) throw unknownProperty(name, entity, expandSource);
    childSelect.set(name, null);
  }
  if (!select || select.includes('*')) return { fields: entity.fields, childSelect };
  const wanted = new Set<string>();
  const selectSource = select.join(',');
  const byName = new Map(entity.fields.map((f) => [f.name, f]));
  for (const item of select) {
    const slash = item.indexOf('/');
    if (slash >= 0) {
      const nav = item.slice(0, slash);
      const child = item.slice(slash + 1);
      if (!navs.has(nav)) throw unknownProperty(nav, entity, selectSource);
      if (!childSelect.has(nav)) {
        throw new ApiError(
          400,
          'invalid_query_option',
          `Only properties specified in $expand can be traversed in $select query options. Selected item: '${item}'.`,
        );
      }
      const list = childSelect.get(nav);
      if (list !== null || !wanted.has(nav)) {
        childSelect.set(nav, child === '*' ? null : [...(list ?? []), child]);
      }
      wanted.add(nav);
      continue;
    }
    if (!byName.has(item)) throw unknownProperty(item, entity, selectSource);
    wanted.add(item);
    if (navs.has(item) && childSelect.has(item)) childSelect.set(item, null);
  }
  return { fields: entity.fields.filter((f) => wanted.has(f.name)), childSelect };
}
