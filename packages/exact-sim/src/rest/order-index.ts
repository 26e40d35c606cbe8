// A sorted index of one table on a tuple of fields ($orderby terms, or one filtered field), so
// an ordered or filtered page costs a binary search plus the page instead of a sort or a scan of
// every row. Built on first use per (table, terms) and then kept up to date from the table's
// change log: a few changed rows are moved one by one, many changes re-sort the stored values
// (no row is generated again). Removed rows keep their place and are skipped by readers.
import type { EdmType } from '../catalogue/types.ts';
import type { Row, Table } from '../data/table.ts';
import { sqlGuidSortKey } from '../odata/guid-order.ts';

/** A value in its sortable form: a number (nulls as -Infinity) or a normalised string (or null). */
export type SortValue = number | string | null;

/**
 * The sortable form of a field value. Strings compare as SQL Server's case-insensitive
 * collation does, ignoring trailing spaces (so `'NL '` sorts and matches as `'nl'`); GUIDs in
 * `uniqueidentifier` order; nulls first.
 */
export function sortValue(type: EdmType, value: unknown): SortValue {
  if (value === null || value === undefined) return isTextType(type) ? null : Number.NEGATIVE_INFINITY;
  switch (type) {
    case 'Edm.String':
      return String(value).trimEnd().toLowerCase();
    case 'Edm.Guid':
      return sqlGuidSortKey(value as string);
    case 'Edm.Boolean':
      return value ? 1 : 0;
    default:
      return Number(value);
  }
}

export function compareSortValues(a: SortValue, b: SortValue): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function isTextType(type: EdmType): boolean {
  return type === 'Edm.String' || type === 'Edm.Guid';
}

/** What a table's keys compare on: a GUID's SQL Server byte order, else the key itself. */
export type KeySort = (key: unknown) => string | number;

export function keySortOf(table: Table): KeySort {
  const key = table.entity.fields.find((field) => field.name === table.entity.key);
  return key?.type === 'Edm.Guid' || key === undefined
    ? (value) => sqlGuidSortKey(value as string)
    : (value) => value as string | number;
}

export interface IndexTerm {
  field: string;
  type: EdmType;
  descending: boolean;
}

type Column = Float64Array | SortValue[];

function growColumn(column: Column, size: number): Column {
  if (Array.isArray(column) || column.length >= size) return column;
  const next = new Float64Array(Math.max(size, column.length * 2, 16));
  next.set(column);
  return next;
}

/**
 * The sort values of one field for every row of a table, generated once and kept current from
 * the change log, so indexes on the same field (ascending, descending, with other terms) do not
 * each generate every row again.
 */
class FieldValues {
  readonly #table: Table;
  readonly #field: string;
  readonly #type: EdmType;
  #column: Column;
  #logSeen = 0;
  #sizeSeen = 0;
  #changesSeen = -1;

  constructor(table: Table, field: string, type: EdmType) {
    this.#table = table;
    this.#field = field;
    this.#type = type;
    this.#column = isTextType(type) ? [] : new Float64Array(0);
  }

  /**
   * The current values, indexed by row index (dead rows hold stale values): a copy, or with
   * `shared` the column itself, valid until the table next changes (read it, never write it).
   */
  current(shared: boolean): Column {
    const table = this.#table;
    if (this.#changesSeen !== table.changeCount) {
      const { indices, next } = table.loggedSince(this.#logSeen);
      const column = growColumn(this.#column, table.size);
      const read = table.fieldReader(this.#field);
      const put = (index: number) => {
        if (table.isLive(index)) column[index] = sortValue(this.#type, read(index));
      };
      for (let index = this.#sizeSeen; index < table.size; index++) put(index);
      for (const index of indices) if (index < this.#sizeSeen) put(index);
      this.#column = column;
      this.#sizeSeen = table.size;
      this.#logSeen = next;
      this.#changesSeen = table.changeCount;
    }
    return shared ? this.#column : this.#column.slice();
  }
}

const fieldValues = new WeakMap<Table, Map<string, FieldValues>>();

/** The sort values of one field for every row index (see `FieldValues.current`). */
export function valuesOf(table: Table, field: string, type: EdmType, shared = false): Column {
  let byField = fieldValues.get(table);
  if (!byField) {
    byField = new Map();
    fieldValues.set(table, byField);
  }
  let values = byField.get(field);
  if (!values) {
    values = new FieldValues(table, field, type);
    byField.set(field, values);
  }
  return values.current(shared);
}

/** Changes at or below this count are applied one by one; more re-sort the whole index. */
const INCREMENTAL_LIMIT = 2_000;

export class OrderIndex {
  readonly table: Table;
  readonly terms: readonly IndexTerm[];
  readonly keySort: KeySort;
  #columns: Column[];
  /** Row indices in (terms, key) order. */
  #order: number[] = [];
  #logSeen = 0;
  #sizeSeen = 0;
  #changesSeen = -1;

  constructor(table: Table, terms: readonly IndexTerm[]) {
    this.table = table;
    this.terms = terms;
    this.keySort = keySortOf(table);
    this.#columns = terms.map((term) => (isTextType(term.type) ? [] : new Float64Array(0)));
  }

  get length(): number {
    return this.#order.length;
  }

  /** Row index at position `p`. */
  at(p: number): number {
    return this.#order[p] as number;
  }

  /** Applies the table's changes since the last call (or builds the index on first use). */
  refresh(): this {
    const table = this.table;
    if (this.#changesSeen === table.changeCount) return this;
    const { indices, next } = table.loggedSince(this.#logSeen);
    if (this.#changesSeen < 0 || indices.length > INCREMENTAL_LIMIT) {
      this.#rebuild();
    } else {
      this.#grow(table.size);
      for (const index of new Set(indices)) {
        // A logged row that existed at the last refresh was live then, so it is in the order.
        if (index < this.#sizeSeen) this.#order.splice(this.#find(index), 1);
        if (!table.isLive(index)) continue;
        this.#store(index, table.row(index));
        this.#order.splice(this.positionAfter(this.#tupleOf(index), table.keyOf(index)), 0, index);
      }
    }
    this.#sizeSeen = table.size;
    this.#logSeen = next;
    this.#changesSeen = table.changeCount;
    return this;
  }

  /** First position whose entry sorts strictly after the tuple (sort values of the terms, then key). */
  positionAfter(values: readonly SortValue[], key: unknown): number {
    const keySort = this.keySort(key);
    return this.#search((index) => this.#compareToTuple(index, values, keySort) <= 0);
  }

  /**
   * First position whose first-term value is past `value` in index order: with `inclusive`, the
   * first entry sorting after every entry equal to `value`; without it, the first entry equal or after.
   */
  positionOfFirstValue(value: SortValue, inclusive: boolean): number {
    const descending = this.terms[0]?.descending === true;
    const column = this.#columns[0] as Column;
    return this.#search((index) => {
      const c = compareSortValues(column[index] as SortValue, value);
      const ordered = descending ? -c : c;
      return inclusive ? ordered <= 0 : ordered < 0;
    });
  }

  /** Binary search: the first position where `before` turns false (`before` is monotone). */
  #search(before: (index: number) => boolean): number {
    let lo = 0;
    let hi = this.#order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(this.#order[mid] as number)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #compareToTuple(index: number, values: readonly SortValue[], keySort: string | number): number {
    for (let t = 0; t < this.terms.length; t++) {
      const c = compareSortValues((this.#columns[t] as Column)[index] as SortValue, values[t] as SortValue);
      if (c !== 0) return (this.terms[t] as IndexTerm).descending ? -c : c;
    }
    const own = this.keySort(this.table.keyOf(index));
    return own < keySort ? -1 : own > keySort ? 1 : 0;
  }

  #tupleOf(index: number): SortValue[] {
    return this.#columns.map((column) => column[index] as SortValue);
  }

  /** Position of row `index` in the order (it must be there, with its stored values). */
  #find(index: number): number {
    const keySort = this.keySort(this.table.keyOf(index));
    const tuple = this.#tupleOf(index);
    const position = this.#search((other) => this.#compareToTuple(other, tuple, keySort) < 0);
    if (this.#order[position] !== index) throw new Error(`order index lost row ${index}`);
    return position;
  }

  #grow(size: number): void {
    this.#columns = this.#columns.map((column) => growColumn(column, size));
  }

  #store(index: number, row: Row): void {
    this.terms.forEach((term, t) => {
      (this.#columns[t] as Column)[index] = sortValue(term.type, row[term.field]);
    });
  }

  /** Sorts every live row on the current values of its terms. */
  #rebuild(): void {
    const table = this.table;
    const size = table.size;
    this.#columns = this.terms.map((term) => valuesOf(table, term.field, term.type));
    const order: number[] = [];
    for (let index = 0; index < size; index++) if (table.isLive(index)) order.push(index);
    const columns = this.#columns;
    const terms = this.terms;
    const compareTerms = (a: number, b: number): number => {
      for (let t = 0; t < terms.length; t++) {
        const column = columns[t] as Column;
        const c = compareSortValues(column[a] as SortValue, column[b] as SortValue);
        if (c !== 0) return (terms[t] as IndexTerm).descending ? -c : c;
      }
      return 0;
    };
    order.sort(compareTerms);
    this.#order = order;
    this.#orderTies(compareTerms);
  }

  /**
   * Orders each run of rows with equal terms by key (SQL Server order). Few ties: sort each run
   * on its keys; many (a field with few values): use the table's key order, which it keeps anyway.
   */
  #orderTies(compareTerms: (a: number, b: number) => number): void {
    const order = this.#order;
    const runs: [number, number][] = [];
    let tied = 0;
    for (let start = 0, k = 1; k <= order.length; k++) {
      if (k < order.length && compareTerms(order[start] as number, order[k] as number) === 0) continue;
      if (k - start > 1) {
        runs.push([start, k]);
        tied += k - start;
      }
      start = k;
    }
    if (runs.length === 0) return;
    let keyOf: (index: number) => number | string;
    if (tied > order.length / 8) {
      const rank = new Uint32Array(this.table.size);
      const keyOrder = this.table.keyOrder();
      for (let p = 0; p < keyOrder.length; p++) rank[keyOrder[p] as number] = p;
      keyOf = (index) => rank[index] as number;
    } else {
      keyOf = (index) => this.keySort(this.table.keyOf(index));
    }
    for (const [start, end] of runs) {
      const run = order
        .slice(start, end)
        .map((index) => ({ index, key: keyOf(index) }))
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      for (let k = 0; k < run.length; k++) order[start + k] = (run[k] as { index: number }).index;
    }
  }
}

const indexes = new WeakMap<Table, Map<string, OrderIndex>>();

function signatureOf(terms: readonly IndexTerm[]): string {
  return terms.map((term) => `${term.field} ${term.descending ? 'desc' : 'asc'}`).join(',');
}

/** Whether the index of `table` on `terms` was built (it is then cheaper than any other read). */
export function hasOrderIndex(table: Table, terms: readonly IndexTerm[]): boolean {
  return indexes.get(table)?.has(signatureOf(terms)) === true;
}

/** The up-to-date index of `table` on `terms`, built on first use. */
export function orderIndexFor(table: Table, terms: readonly IndexTerm[]): OrderIndex {
  let byTerms = indexes.get(table);
  if (!byTerms) {
    byTerms = new Map();
    indexes.set(table, byTerms);
  }
  const signature = signatureOf(terms);
  let index = byTerms.get(signature);
  if (!index) {
    index = new OrderIndex(table, terms);
    byTerms.set(signature, index);
  }
  return index.refresh();
}
