// Candidate rows of a table read, found through an order index instead of a sort or a full
// scan: ordered reads walk the index of their $orderby terms from the $skiptoken's position;
// filtered reads in key order use the index of one filtered field to visit only rows that can
// match. Callers still apply the whole filter to every candidate, so an index only ever skips
// rows that cannot match.
import type { EdmType } from '../catalogue/types.ts';
import type { Row, Table } from '../data/table.ts';
import type { FilterExpr } from '../odata/filter-parser.ts';
import {
  hasOrderIndex,
  type IndexTerm,
  type OrderIndex,
  orderIndexFor,
  type SortValue,
  sortValue,
} from './order-index.ts';
import { SELECTION_MIN_ROWS, selectedInOrder } from './selected-rows.ts';

interface Bound {
  value: SortValue;
  inclusive: boolean;
}

/** The tightest bounds the top-level AND chain puts on `field`; `eq` sets both. */
export interface FieldBounds {
  lower: Bound | null;
  upper: Bound | null;
  equal: boolean;
}

const LITERAL_FITS: Record<string, (type: EdmType) => boolean> = {
  string: (type) => type === 'Edm.String',
  guid: (type) => type === 'Edm.Guid',
  datetime: (type) => type === 'Edm.DateTime',
  boolean: (type) => type === 'Edm.Boolean',
  int32: (type) => isNumeric(type),
  int64: (type) => isNumeric(type),
  double: (type) => isNumeric(type),
};

function isNumeric(type: EdmType): boolean {
  return ['Edm.Byte', 'Edm.Int16', 'Edm.Int32', 'Edm.Int64', 'Edm.Double'].includes(type);
}

const FLIPPED = { eq: 'eq', ne: 'ne', gt: 'lt', ge: 'le', lt: 'gt', le: 'ge' } as const;

/** `field op literal` conjuncts of the AND chain, with the literal on the right. */
function conjuncts(expr: FilterExpr | null, out: { field: string; op: string; literal: FilterExpr }[] = []) {
  if (!expr) return out;
  if (expr.kind === 'and') {
    conjuncts(expr.left, out);
    conjuncts(expr.right, out);
  } else if (expr.kind === 'compare') {
    const { left, right, op } = expr;
    if (left.kind === 'field' && right.kind === 'literal') out.push({ field: left.name, op, literal: right });
    else if (right.kind === 'field' && left.kind === 'literal')
      out.push({ field: right.name, op: FLIPPED[op], literal: left });
  }
  return out;
}

export function fieldBounds(expr: FilterExpr | null, field: string, type: EdmType): FieldBounds | null {
  let bounds: FieldBounds | null = null;
  for (const term of conjuncts(expr)) {
    const literal = term.literal;
    if (term.field !== field || literal.kind !== 'literal' || literal.value === null) continue;
    if (!LITERAL_FITS[literal.type]?.(type)) continue;
    const value = sortValue(type, literal.value);
    bounds ??= { lower: null, upper: null, equal: false };
    if (term.op === 'eq') {
      bounds.lower = { value, inclusive: true };
      bounds.upper = { value, inclusive: true };
      bounds.equal = true;
    } else if (term.op === 'gt' || term.op === 'ge') {
      bounds.lower ??= { value, inclusive: term.op === 'ge' };
    } else if (term.op === 'lt' || term.op === 'le') {
      bounds.upper ??= { value, inclusive: term.op === 'le' };
    }
  }
  return bounds;
}

/** Positions [start, end) of the index whose first term lies within the bounds. */
function rangeOf(index: OrderIndex, bounds: FieldBounds | null): [number, number] {
  if (!bounds) return [0, index.length];
  const descending = index.terms[0]?.descending === true;
  // In a descending index the upper bound comes first.
  const first = descending ? bounds.upper : bounds.lower;
  const last = descending ? bounds.lower : bounds.upper;
  const start = first ? index.positionOfFirstValue(first.value, !first.inclusive) : 0;
  const end = last ? index.positionOfFirstValue(last.value, last.inclusive) : index.length;
  return [start, Math.max(start, end)];
}

function* liveRowsAt(index: OrderIndex, start: number, end: number): Generator<Row> {
  const table = index.table;
  for (let p = start; p < end; p++) {
    const row = index.at(p);
    if (table.isLive(row)) yield table.row(row);
  }
}

/**
 * Rows of `table` in the order of `terms` (then key), strictly after the `$skiptoken` tuple
 * (`after`: the terms' values then the key), narrowed by the filter's bounds on the first term.
 */
export function orderedByIndex(
  table: Table,
  terms: IndexTerm[],
  expr: FilterExpr | null,
  after: { values: unknown[]; key: unknown } | null,
  pageSize: number,
): Iterable<Row> {
  const first = terms[0] as IndexTerm;
  const bounds = fieldBounds(expr, first.field, first.type);
  if (terms.length === 1 && table.size >= SELECTION_MIN_ROWS && !hasOrderIndex(table, terms)) {
    // One more row than the page tells the reader whether a next page exists.
    const from = after ? { value: after.values[0], key: after.key } : null;
    return selectedInOrder(table, first, bounds, from, pageSize + 1);
  }
  const index = orderIndexFor(table, terms);
  let [start, end] = rangeOf(index, bounds);
  if (after) {
    const values = after.values.map((value, t) => sortValue((terms[t] as IndexTerm).type, value));
    start = Math.max(start, index.positionAfter(values, after.key));
  }
  return liveRowsAt(index, start, end);
}

interface IndexedRange {
  index: OrderIndex;
  bounds: FieldBounds;
  start: number;
  end: number;
}

/** The index of the filtered field that narrows the read most plainly (an `eq` one first). */
function narrowestRange(
  table: Table,
  candidates: { field: string; type: EdmType }[],
  expr: FilterExpr | null,
): IndexedRange | null {
  let chosen: { field: string; type: EdmType; bounds: FieldBounds } | null = null;
  for (const { field, type } of candidates) {
    const bounds = fieldBounds(expr, field, type);
    if (!bounds) continue;
    if (bounds.equal) {
      chosen = { field, type, bounds };
      break;
    }
    chosen ??= { field, type, bounds };
  }
  if (!chosen) return null;
  const index = orderIndexFor(table, [{ field: chosen.field, type: chosen.type, descending: false }]);
  const [start, end] = rangeOf(index, chosen.bounds);
  return { index, bounds: chosen.bounds, start, end };
}

/** Rows that can match the filter, in no particular order (for counting); `null` when no index helps. */
export function candidateRows(
  table: Table,
  candidates: { field: string; type: EdmType }[],
  expr: FilterExpr | null,
): Iterable<Row> | null {
  const range = narrowestRange(table, candidates, expr);
  return range ? liveRowsAt(range.index, range.start, range.end) : null;
}

/**
 * Rows in key order that can match the filter, found through the index of one filtered field,
 * strictly after `afterKey`; `null` when no field helps, or when so many rows match that
 * walking the key order with the filter is as cheap.
 */
export function filteredByIndex(
  table: Table,
  candidates: { field: string; type: EdmType }[],
  expr: FilterExpr | null,
  afterKey: unknown,
  pageSize: number,
): Iterable<Row> | null {
  const range = narrowestRange(table, candidates, expr);
  if (!range) return null;
  const { index, bounds, end } = range;
  let start = range.start;
  if (bounds.equal) {
    // Equal values are ordered by key inside the index: the range is already in key order.
    if (afterKey !== undefined)
      start = Math.max(start, index.positionAfter([bounds.lower?.value ?? null], afterKey));
    return liveRowsAt(index, start, end);
  }
  // A range comes in value order: re-sort its rows by key when few enough to beat a filtered
  // walk of the key order (which reads about pageSize × rows / matches rows per page).
  const limit = Math.max(2_000, 2 * Math.ceil(Math.sqrt(pageSize * table.liveCount)));
  if (end - start > limit) return null;
  const after = afterKey === undefined ? undefined : index.keySort(afterKey);
  const matches: { row: number; key: string | number }[] = [];
  for (let p = start; p < end; p++) {
    const row = index.at(p);
    if (!table.isLive(row)) continue;
    const key = index.keySort(table.keyOf(row));
    if (after === undefined || key > after) matches.push({ row, key });
  }
  matches.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return matches.map((match) => table.row(match.row));
}
