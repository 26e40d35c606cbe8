// Ordered pages of a big table without sorting it: the first rows in (value, key) order are
// picked from the field's column by a bounded heap, so a page costs two passes over one typed
// column plus sorting the page, not a sort of every row. A table this big would otherwise pay
// for building its order index (generating and sorting every row, seconds at a million rows)
// on the first ordered read.
import type { Row, Table } from '../data/table.ts';
import type { FieldBounds } from './indexed-rows.ts';
import {
  compareSortValues,
  type IndexTerm,
  keySortOf,
  type SortValue,
  sortValue,
  valuesOf,
} from './order-index.ts';

/** Tables from this many rows are read by selection when ordered on one field and not yet indexed. */
export const SELECTION_MIN_ROWS = 100_000;

/** A max-heap (in the read's order) of the `capacity` first values seen. */
class BoundedHeap {
  readonly #values: SortValue[] = [];
  readonly #capacity: number;
  readonly #compare: (a: SortValue, b: SortValue) => number;

  constructor(capacity: number, compare: (a: SortValue, b: SortValue) => number) {
    this.#capacity = capacity;
    this.#compare = compare;
  }

  get full(): boolean {
    return this.#values.length >= this.#capacity;
  }

  /** The last value kept (the largest in the read's order). */
  get top(): SortValue {
    return this.#values[0] as SortValue;
  }

  offer(value: SortValue): void {
    const heap = this.#values;
    if (heap.length < this.#capacity) {
      heap.push(value);
      let child = heap.length - 1;
      while (child > 0) {
        const parent = (child - 1) >> 1;
        if (this.#compare(heap[parent] as SortValue, value) >= 0) break;
        heap[child] = heap[parent] as SortValue;
        child = parent;
      }
      heap[child] = value;
      return;
    }
    if (this.#compare(value, heap[0] as SortValue) >= 0) return;
    let parent = 0;
    for (;;) {
      let child = 2 * parent + 1;
      if (child >= heap.length) break;
      const right = child + 1;
      if (right < heap.length && this.#compare(heap[right] as SortValue, heap[child] as SortValue) > 0)
        child = right;
      if (this.#compare(heap[child] as SortValue, value) <= 0) break;
      heap[parent] = heap[child] as SortValue;
      parent = child;
    }
    heap[parent] = value;
  }
}

/** Rows a selection picks at least: the page's reader gets ten or more pages from one selection. */
const READ_AHEAD = 600;

interface Picked {
  index: number;
  value: SortValue;
  key: string | number;
}

type Position = { value: SortValue; key: string | number } | null;

/**
 * The rows the last selection on one order picked, kept while the table is unchanged, so the
 * pages after the first come from it (a binary search) instead of a new pass over the column.
 */
interface ReadAhead {
  changes: number;
  /** The position the selection started after (null: the start). */
  from: Position;
  picked: Picked[];
  /** Whether the selection reached the end of the order. */
  complete: boolean;
}

const readAheads = new WeakMap<Table, Map<string, ReadAhead>>();

/** Read-aheads kept per table (orders and filter bounds differ per client); the oldest go first. */
const KEPT_READ_AHEADS = 16;

/**
 * Live rows of `table` ordered on one term (then key), strictly after `after` (the term's
 * raw value and the key) and within the filter's bounds on that term. A selection picks at
 * least `batch` rows (and the read-ahead); when the reader wants more, the next selection
 * picks four times as many, so a page the caller's filter thins out still fills.
 */
export function* selectedInOrder(
  table: Table,
  term: IndexTerm,
  bounds: FieldBounds | null,
  after: { value: unknown; key: unknown } | null,
  batch: number,
): Generator<Row> {
  const direction = term.descending ? -1 : 1;
  const compare = (a: SortValue, b: SortValue) => direction * compareSortValues(a, b);
  const comparePositions = (a: Picked | NonNullable<Position>, b: Picked | NonNullable<Position>) =>
    compare(a.value, b.value) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  const keySort = keySortOf(table);
  const inBounds = (value: SortValue): boolean => {
    if (bounds?.lower) {
      const c = compareSortValues(value, bounds.lower.value);
      if (c < 0 || (c === 0 && !bounds.lower.inclusive)) return false;
    }
    if (bounds?.upper) {
      const c = compareSortValues(value, bounds.upper.value);
      if (c > 0 || (c === 0 && !bounds.upper.inclusive)) return false;
    }
    return true;
  };
  const signature = `${term.field} ${term.descending ? 'desc' : 'asc'} ${JSON.stringify(bounds)}`;
  let byOrder = readAheads.get(table);
  if (!byOrder) {
    byOrder = new Map();
    readAheads.set(table, byOrder);
  }

  let from: Position = after ? { value: sortValue(term.type, after.value), key: keySort(after.key) } : null;
  const kept = byOrder.get(signature);
  if (kept && kept.changes === table.changeCount) {
    const last = kept.picked.at(-1);
    const covers =
      from === null
        ? kept.from === null
        : (kept.from === null || comparePositions(kept.from, from) <= 0) &&
          last !== undefined &&
          comparePositions(from, last) < 0;
    if (covers) {
      let position = 0;
      if (from !== null) {
        const start = from;
        let hi = kept.picked.length;
        while (position < hi) {
          const mid = (position + hi) >>> 1;
          if (comparePositions(kept.picked[mid] as Picked, start) <= 0) position = mid + 1;
          else hi = mid;
        }
      }
      for (let p = position; p < kept.picked.length; p++) {
        yield table.row((kept.picked[p] as Picked).index);
      }
      if (kept.complete || last === undefined) return;
      from = { value: last.value, key: last.key };
    }
  }

  for (let size = Math.max(batch, READ_AHEAD); ; size *= 4) {
    const column = valuesOf(table, term.field, term.type, true);
    const start = from;
    // Past the last row read: a larger value, or its value with a larger key (keys are read
    // only for those ties).
    const ahead = (value: SortValue, index: number): boolean => {
      if (start === null) return true;
      const c = compare(value, start.value);
      return c > 0 || (c === 0 && keySort(table.keyOf(index)) > start.key);
    };
    const heap = new BoundedHeap(size, compare);
    for (let index = 0; index < table.size; index++) {
      if (!table.isLive(index)) continue;
      const value = column[index] as SortValue;
      if (inBounds(value) && ahead(value, index)) heap.offer(value);
    }
    const last = heap.full ? heap.top : undefined;
    const picked: Picked[] = [];
    for (let index = 0; index < table.size; index++) {
      if (!table.isLive(index)) continue;
      const value = column[index] as SortValue;
      if (last !== undefined && compare(value, last) > 0) continue;
      if (!inBounds(value) || !ahead(value, index)) continue;
      picked.push({ index, value, key: keySort(table.keyOf(index)) });
    }
    picked.sort(comparePositions);
    // Not full: every row past `start` was picked, so the order is read to its end.
    const complete = last === undefined || picked.length === 0;
    byOrder.delete(signature);
    byOrder.set(signature, { changes: table.changeCount, from: start, picked, complete });
    if (byOrder.size > KEPT_READ_AHEADS) byOrder.delete(byOrder.keys().next().value as string);
    for (const entry of picked) yield table.row(entry.index);
    if (complete) return;
    const end = picked[picked.length - 1] as Picked;
    from = { value: end.value, key: end.key };
  }
}
