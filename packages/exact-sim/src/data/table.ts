import type { EntityDef } from '../catalogue/types.ts';
import { sqlGuidSortKey } from '../odata/guid-order.ts';

/** One record in its internal form: DateTime as wall-clock ms, Int64 as number, GUIDs lower-case. */
export type Row = Record<string, unknown>;

/** Produces generated row `index` (0-based) on demand; must be a pure function of the index. */
export interface RowGenerator {
  count: number;
  key(index: number): string;
  row(index: number): Row;
  /** Index of the generated row with this key (any value when there is none; the table verifies). */
  indexOf?(key: string): number;
  /**
   * One field of generated row `index` without building the row, for fields the generator can
   * compute cheaply (`undefined` for the others): sort columns of big tables read this.
   */
  field?(name: string): ((index: number) => unknown) | undefined;
}

/**
 * Everything a table changed since generation, in a JSON-safe form (for `--state` files):
 * the change log after the generated entries, the written rows and the deleted indices.
 */
export interface TableChanges {
  /** Timestamp of generated row 0: where the table's generated Timestamps started. */
  firstTimestamp: number;
  size: number;
  log: [timestamp: number, index: number][];
  written: [index: number, row: Row][];
  deleted: number[];
}

/** Tables at or below this size keep generated rows in memory after first use. */
const MEMO_LIMIT = 200_000;

function grow<T extends Float64Array | Int32Array | Uint8Array>(array: T, needed: number): T {
  if (needed <= array.length) return array;
  const next = new (array.constructor as new (n: number) => T)(Math.max(needed, array.length * 2, 16));
  next.set(array);
  return next;
}

/**
 * The rows of one entity in one division. Generated rows are produced lazily from the
 * generator; only compact per-row state is kept (timestamps, a deleted flag) plus the rows
 * that were written. Every change appends (timestamp, row index) to a log that is ordered
 * by timestamp, so a sync read seeks with a binary search.
 */
export class Table {
  readonly entity: EntityDef;
  private readonly generator: RowGenerator;
  /** Written rows (updates of generated rows and created rows), by row index. */
  private readonly written = new Map<number, Row>();
  private memo: (Row | undefined)[] | null;
  private ts: Float64Array;
  private deletedFlags: Uint8Array;
  private logTs: Float64Array;
  private logIndex: Int32Array;
  private logLength = 0;
  /** Row indices ever allocated (live or deleted). */
  size: number;
  liveCount: number;
  /** Key → index for small tables (built on first use); big tables invert the generator instead. */
  private keyIndex: Map<unknown, number> | null = null;
  /** Keys of rows created after generation, for big tables. */
  private readonly createdKeys = new Map<unknown, number>();
  /** GUID keys sort in SQL Server order; integer and code keys (a few endpoints) by value. */
  private readonly guidKeys: boolean;
  private sqlOrder: number[] | null = null;
  private readonly childIndexes = new Map<string, Map<string, number[]>>();
  private changes = 0;
  /** Timestamp of generated row 0 (generated rows are stamped from here on). */
  readonly firstTimestamp: number;

  constructor(entity: EntityDef, generator: RowGenerator, firstTimestamp: number) {
    this.entity = entity;
    this.generator = generator;
    this.guidKeys = entity.fields.find((f) => f.name === entity.key)?.type === 'Edm.Guid';
    const n = generator.count;
    this.size = n;
    this.liveCount = n;
    this.memo = n <= MEMO_LIMIT ? new Array(n) : null;
    this.ts = new Float64Array(Math.max(n, 16));
    this.deletedFlags = new Uint8Array(Math.max(n, 16));
    this.logTs = new Float64Array(Math.max(n, 16));
    this.logIndex = new Int32Array(Math.max(n, 16));
    for (let i = 0; i < n; i++) {
      const t = firstTimestamp + i;
      this.ts[i] = t;
      this.logTs[i] = t;
      this.logIndex[i] = i;
    }
    this.logLength = n;
    this.firstTimestamp = firstTimestamp;
  }

  /** Grows by one with every insert, replace and remove: lets derived indexes see they are stale. */
  get changeCount(): number {
    return this.changes;
  }

  /** Row indices changed by log entries `from`…end (inserts and replaces; removals are not logged). */
  loggedSince(from: number): { indices: number[]; next: number } {
    const indices: number[] = [];
    for (let k = Math.max(from, this.generator.count); k < this.logLength; k++) {
      indices.push(this.logIndex[k] as number);
    }
    return { indices, next: this.logLength };
  }

  exportChanges(): TableChanges {
    const log: [number, number][] = [];
    for (let k = this.generator.count; k < this.logLength; k++) {
      log.push([this.logTs[k] as number, this.logIndex[k] as number]);
    }
    const deleted: number[] = [];
    for (let i = 0; i < this.size; i++) if (this.deletedFlags[i] !== 0) deleted.push(i);
    return {
      firstTimestamp: this.firstTimestamp,
      size: this.size,
      log,
      written: [...this.written.entries()],
      deleted,
    };
  }

  /** Replays `exportChanges()` of a table generated from the same generator. */
  importChanges(changes: TableChanges): void {
    this.size = Math.max(this.generator.count, changes.size);
    this.ts = grow(this.ts, this.size);
    this.deletedFlags = grow(this.deletedFlags, this.size);
    for (const [timestamp, index] of changes.log) {
      this.ts[index] = timestamp;
      this.appendLog(timestamp, index);
    }
    for (const [index, row] of changes.written) {
      this.written.set(index, row);
      if (index >= this.generator.count) this.createdKeys.set(row[this.entity.key] as string, index);
    }
    for (const index of changes.deleted) this.deletedFlags[index] = 1;
    this.liveCount = this.size - changes.deleted.length;
    if (this.memo) this.memo = new Array(this.generator.count);
    this.keyIndex = null;
    this.sqlOrder = null;
    this.childIndexes.clear();
    this.changes++;
  }

  isLive(index: number): boolean {
    return index >= 0 && index < this.size && this.deletedFlags[index] === 0;
  }

  timestampOf(index: number): number {
    return this.ts[index] as number;
  }

  keyOf(index: number): string {
    const written = this.written.get(index);
    if (written) return written[this.entity.key] as string;
    return this.generator.key(index);
  }

  /** The current row at `index` (a generated row is built on demand). Callers must not mutate it. */
  row(index: number): Row {
    const written = this.written.get(index);
    if (written) return written;
    if (this.memo) {
      let row = this.memo[index];
      if (!row) {
        row = this.generated(index);
        this.memo[index] = row;
      }
      return row;
    }
    return this.generated(index);
  }

  /** Reads one field of the current row at `index`, without building generated rows when the generator can. */
  fieldReader(field: string): (index: number) => unknown {
    const cheap = this.generator.field?.(field);
    if (!cheap) return (index) => this.row(index)[field];
    return (index) => {
      const written = this.written.get(index);
      return written ? written[field] : cheap(index);
    };
  }

  private generated(index: number): Row {
    const row = this.generator.row(index);
    row.Timestamp = this.ts[index];
    return row;
  }

  /** Index of the live row with this key, or -1. */
  indexOf(key: unknown): number {
    if (typeof key !== 'string' && typeof key !== 'number') return -1;
    if (this.memo || !this.generator.indexOf || typeof key !== 'string') {
      if (!this.keyIndex) {
        const map = new Map<unknown, number>();
        for (let i = 0; i < this.size; i++) {
          if (this.deletedFlags[i] === 0) map.set(this.keyOf(i), i);
        }
        this.keyIndex = map;
      }
      return this.keyIndex.get(key) ?? -1;
    }
    const created = this.createdKeys.get(key);
    if (created !== undefined) return this.isLive(created) ? created : -1;
    const index = this.generator.indexOf(key);
    return index >= 0 && index < this.generator.count && this.isLive(index) && this.keyOf(index) === key
      ? index
      : -1;
  }

  /** Stores `row` as a new record stamped with `timestamp`; returns its index. */
  insert(row: Row, timestamp: number): number {
    const index = this.size;
    this.size++;
    this.liveCount++;
    this.ts = grow(this.ts, this.size);
    this.deletedFlags = grow(this.deletedFlags, this.size);
    row.Timestamp = timestamp;
    this.written.set(index, row);
    this.ts[index] = timestamp;
    this.appendLog(timestamp, index);
    const key = row[this.entity.key] as string;
    this.keyIndex?.set(key, index);
    if (!this.keyIndex) this.createdKeys.set(key, index);
    if (this.sqlOrder) {
      const order = this.sqlOrder;
      const sortKey = this.sortKeyOf(key);
      let lo = 0;
      let hi = order.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.sortKeyOf(this.keyOf(order[mid] as number)) < sortKey) lo = mid + 1;
        else hi = mid;
      }
      order.splice(lo, 0, index);
    }
    this.childIndexes.clear();
    this.changes++;
    return index;
  }

  /** Replaces the row at `index` with `row`, stamped with `timestamp`. */
  replace(index: number, row: Row, timestamp: number): void {
    row.Timestamp = timestamp;
    this.written.set(index, row);
    this.ts[index] = timestamp;
    this.appendLog(timestamp, index);
    this.childIndexes.clear();
    this.changes++;
  }

  remove(index: number): void {
    if (!this.isLive(index)) return;
    this.deletedFlags[index] = 1;
    this.liveCount--;
    this.keyIndex?.delete(this.keyOf(index));
    // A written row stays in `written`: its key keeps its place in the key order.
    if (this.memo) this.memo[index] = undefined;
    this.childIndexes.clear();
    this.changes++;
  }

  private appendLog(timestamp: number, index: number): void {
    this.logTs = grow(this.logTs, this.logLength + 1);
    this.logIndex = grow(this.logIndex, this.logLength + 1);
    this.logTs[this.logLength] = timestamp;
    this.logIndex[this.logLength] = index;
    this.logLength++;
  }

  /**
   * Live row indices in ascending Timestamp order, starting strictly after `afterTimestamp`.
   * Log entries superseded by a later change of the same row are skipped.
   */
  *byTimestamp(afterTimestamp: number): Generator<number> {
    let lo = 0;
    let hi = this.logLength;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.logTs[mid] as number) <= afterTimestamp) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < this.logLength; k++) {
      const index = this.logIndex[k] as number;
      if (this.deletedFlags[index] === 0 && this.ts[index] === this.logTs[k]) yield index;
    }
  }

  /** All allocated indices in SQL Server uniqueidentifier order of the key (deleted ones included; check `isLive`). */
  keyOrder(): readonly number[] {
    if (!this.sqlOrder) {
      this.sqlOrder = this.guidKeys ? this.sortByKey() : this.sortByValue();
    }
    return this.sqlOrder;
  }

  /** What keys compare on: the SQL Server byte order of a GUID, else the value itself. */
  private sortKeyOf(key: unknown): string | number {
    return this.guidKeys ? sqlGuidSortKey(key as string) : (key as string | number);
  }

  private sortByValue(): number[] {
    return Array.from({ length: this.size }, (_, i) => i).sort((a, b) => {
      const ka = this.keyOf(a) as string | number;
      const kb = this.keyOf(b) as string | number;
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
  }

  /**
   * Sorts row indices by key in SQL Server order: an LSD radix sort on the 48 bits of the
   * last GUID group (which SQL Server compares first), then ties broken on the full key.
   */
  private sortByKey(): number[] {
    const n = this.size;
    const high = new Uint16Array(n);
    const low = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const key = this.keyOf(i);
      high[i] = Number.parseInt(key.slice(24, 28), 16);
      low[i] = Number.parseInt(key.slice(28, 36), 16);
    }
    let order = new Uint32Array(n);
    let spare = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const digits = [new Uint16Array(n), new Uint16Array(n), high];
    for (let i = 0; i < n; i++) {
      (digits[0] as Uint16Array)[i] = (low[i] as number) & 0xffff;
      (digits[1] as Uint16Array)[i] = (low[i] as number) >>> 16;
    }
    const counts = new Uint32Array(65_537);
    for (const digit of digits) {
      counts.fill(0);
      for (let k = 0; k < n; k++) {
        const slot = (digit[k] as number) + 1;
        counts[slot] = (counts[slot] as number) + 1;
      }
      for (let d = 0; d < 65_536; d++) counts[d + 1] = (counts[d + 1] as number) + (counts[d] as number);
      for (let k = 0; k < n; k++) {
        const index = order[k] as number;
        const slot = digit[index] as number;
        const position = counts[slot] as number;
        spare[position] = index;
        counts[slot] = position + 1;
      }
      [order, spare] = [spare, order];
    }
    const result = Array.from(order);
    // Equal 48-bit prefixes are rare; order those runs on the whole key.
    let start = 0;
    for (let k = 1; k <= n; k++) {
      const a = result[start] as number;
      const b = result[k] as number;
      if (k < n && high[a] === high[b] && low[a] === low[b]) continue;
      if (k - start > 1) {
        const run = result.slice(start, k).sort((x, y) => {
          const kx = sqlGuidSortKey(this.keyOf(x));
          const ky = sqlGuidSortKey(this.keyOf(y));
          return kx < ky ? -1 : kx > ky ? 1 : 0;
        });
        result.splice(start, run.length, ...run);
      }
      start = k;
    }
    return result;
  }

  /** Position in `keyOrder()` of the first row whose key sorts after `key`. */
  positionAfterKey(key: unknown): number {
    const order = this.keyOrder();
    const sortKey = this.sortKeyOf(key);
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sortKeyOf(this.keyOf(order[mid] as number)) <= sortKey) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Live child row indices grouped by the value of `foreignKey`, in row-index order. */
  childrenOf(foreignKey: string, parentKey: string): readonly number[] {
    let index = this.childIndexes.get(foreignKey);
    if (!index) {
      index = new Map();
      for (let i = 0; i < this.size; i++) {
        if (this.deletedFlags[i] !== 0) continue;
        const parent = this.row(i)[foreignKey];
        if (typeof parent !== 'string') continue;
        let list = index.get(parent);
        if (!list) {
          list = [];
          index.set(parent, list);
        }
        list.push(i);
      }
      this.childIndexes.set(foreignKey, index);
    }
    return index.get(parentKey) ?? [];
  }
}
