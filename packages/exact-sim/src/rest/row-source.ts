import type { EndpointDef } from '../catalogue/endpoints.ts';
import type { EdmType } from '../catalogue/types.ts';
import type { DivisionStore } from '../data/division-store.ts';
import type { Row, Table } from '../data/table.ts';
import { compareSqlGuids } from '../odata/guid-order.ts';

/**
 * The rows behind an endpoint in its natural order: SQL Server key order for standard and
 * bulk endpoints, ascending Timestamp for sync endpoints.
 */
export interface RowSource {
  keyField: string;
  keyType: EdmType;
  /**
   * Rows strictly after `afterKey` in natural order (`undefined` = from the start). Sync
   * sources also start after `lowerTimestamp`, the bound taken from the filter.
   */
  rows(afterKey: unknown, lowerTimestamp: number): Iterable<Row>;
  /** The live row with this key, when the source can find it without scanning. */
  byKey?(key: unknown): Row | undefined;
  /** Every row in no particular order (cheapest scan, for counting and sorting). */
  all(): Iterable<Row>;
  /** Number of rows when no filter applies. */
  size(): number;
  /** The table behind a source in key order (standard and bulk endpoints): reads may use its indexes. */
  table?: Table;
}

function* liveRows(table: Table): Generator<Row> {
  for (let index = 0; index < table.size; index++) if (table.isLive(index)) yield table.row(index);
}

/** Key of the sync sources: rows come in ascending Timestamp. */
const timestampKey = { keyField: 'Timestamp', keyType: 'Edm.Int64' } as const;

/** The Timestamp a sync read continues after: the page's last key or the filter's bound. */
function timestampAfter(afterKey: unknown, lowerTimestamp: number): number {
  return Math.max(typeof afterKey === 'number' ? afterKey : Number.NEGATIVE_INFINITY, lowerTimestamp);
}

/** Most tables have GUID keys; a few generic endpoints have integer or code keys. */
function keyTypeOf(table: Table): EdmType {
  const key = table.entity.fields.find((field) => field.name === table.entity.key);
  return key && key.type !== 'nav' ? key.type : 'Edm.Guid';
}

export function tableKeyOrderSource(table: Table): RowSource {
  return {
    keyField: table.entity.key,
    keyType: keyTypeOf(table),
    *rows(afterKey) {
      const order = table.keyOrder();
      const start = afterKey === undefined ? 0 : table.positionAfterKey(afterKey);
      for (let p = start; p < order.length; p++) {
        const index = order[p] as number;
        if (table.isLive(index)) yield table.row(index);
      }
    },
    byKey: (key) => {
      const index = table.indexOf(key);
      return index >= 0 ? table.row(index) : undefined;
    },
    all: () => liveRows(table),
    size: () => table.liveCount,
    table,
  };
}

export function tableTimestampSource(table: Table): RowSource {
  return {
    ...timestampKey,
    *rows(afterKey, lowerTimestamp) {
      const after = timestampAfter(afterKey, lowerTimestamp);
      for (const index of table.byTimestamp(after)) yield table.row(index);
    },
    all: () => liveRows(table),
    size: () => table.liveCount,
  };
}

/** Line-level sync rows: each line with its header's columns (those in `headerOnly`). */
export function joinedLineSource(
  lines: Table,
  headers: Table,
  foreignKey: string,
  headerOnly: readonly string[],
): RowSource {
  const source: RowSource = {
    ...timestampKey,
    *rows(afterKey, lowerTimestamp) {
      const after = timestampAfter(afterKey, lowerTimestamp);
      for (const index of lines.byTimestamp(after)) {
        const line = lines.row(index);
        const headerIndex = headers.indexOf(line[foreignKey]);
        const joined: Row = { ...line };
        if (headerIndex >= 0) {
          const header = headers.row(headerIndex);
          for (const name of headerOnly) joined[name] = header[name] ?? null;
        }
        joined.Timestamp = line.Timestamp;
        yield joined;
      }
    },
    all: () => source.rows(undefined, Number.NEGATIVE_INFINITY),
    size: () => lines.liveCount,
  };
  return source;
}

export function deletedSource(store: DivisionStore): RowSource {
  return {
    ...timestampKey,
    *rows(afterKey, lowerTimestamp) {
      const after = timestampAfter(afterKey, lowerTimestamp);
      yield* store.deletedAfter(after);
    },
    all: () => store.deletedLog,
    size: () => store.deletedLog.length,
  };
}

/** A small in-memory list (Me, divisions, webhook subscriptions) in key order. */
export function arraySource(rows: Row[], keyField: string, keyType: EdmType): RowSource {
  const compare =
    keyType === 'Edm.Guid'
      ? (a: unknown, b: unknown) => compareSqlGuids(a as string, b as string)
      : (a: unknown, b: unknown) => (a as number) - (b as number);
  const sorted = [...rows].sort((a, b) => compare(a[keyField], b[keyField]));
  return {
    keyField,
    keyType,
    *rows(afterKey) {
      for (const row of sorted) {
        if (afterKey === undefined || compare(row[keyField], afterKey) > 0) yield row;
      }
    },
    all: () => sorted,
    size: () => sorted.length,
  };
}

/** The row source of a table-backed endpoint (standard, bulk or sync). */
export function tableSourceFor(endpoint: EndpointDef, store: DivisionStore): RowSource | null {
  const source = endpoint.source;
  if (source.type === 'table') {
    const table = store.tables[source.table];
    return endpoint.kind === 'sync' ? tableTimestampSource(table) : tableKeyOrderSource(table);
  }
  if (source.type === 'lines') {
    return joinedLineSource(
      store.tables[source.lines],
      store.tables[source.header],
      source.foreignKey,
      source.headerOnly,
    );
  }
  if (source.type === 'deleted') return deletedSource(store);
  return null;
}
