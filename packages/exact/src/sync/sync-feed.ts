import type { EntityDef, Row } from '../catalogue/entity.ts';
import { deletedRecords } from '../catalogue/generated/sync-deleted.ts';
import { entityForDeletedType } from '../catalogue/index.ts';
import { ExactInputError } from '../errors.ts';
import type { PageReader } from '../odata/query.ts';
import { defaultSelect, renderQuery } from '../odata/query-options.ts';
import { int64Text } from '../values/int64.ts';
import { readRows } from '../values/row-reader.ts';
import { DELETED_ENTITY_TYPES } from './deleted-entity-types.ts';

export type SyncRow<E extends EntityDef> = Row<E> & { Timestamp: bigint };

/** One page of a sync feed and the cursor to store once the page is processed. */
export interface SyncPage<R> {
  rows: R[];
  /** Highest `Timestamp` seen so far (decimal text); pass it as `since` to resume. */
  cursor: string;
}

export interface SyncOptions {
  /** Cursor from the previous run; default `0` (everything). */
  since?: string | bigint;
  /** Fields to read; default every scalar catalogue field. `Timestamp` is always added. */
  select?: readonly string[];
}

/** Start value when no cursor is stored (facts §4: 0 and 1 both work; 0 misses nothing). */
const START = '0';

/** The entity's `sync/…` path; `invalid_input` when Exact has none. */
export function syncPathOf(entity: EntityDef): string {
  if (entity.syncPath === undefined) {
    throw new ExactInputError(`${entity.path} has no sync endpoint; use readAll() or a Modified filter`, {
      entity: entity.path,
    });
  }
  return entity.syncPath;
}

/** Streams `sync/…` pages of rows with `Timestamp > since`, 1,000 rows a call. */
export async function* syncFeed<E extends EntityDef>(
  read: PageReader,
  entity: E,
  options: SyncOptions = {},
  extraFilter = '',
): AsyncGenerator<SyncPage<SyncRow<E>>> {
  const syncPath = syncPathOf(entity);
  let cursor = BigInt(int64Text(options.since ?? START));
  const select = [...new Set([...(options.select ?? defaultSelect(entity)), 'Timestamp'])];
  const filter = `Timestamp gt ${cursor}L${extraFilter}`;
  for await (const page of read(syncPath, renderQuery(entity, { select, filter }))) {
    const rows = readRows(entity, page.records) as SyncRow<E>[];
    for (const row of rows) {
      if (typeof row.Timestamp === 'bigint' && row.Timestamp > cursor) cursor = row.Timestamp;
    }
    yield { rows, cursor: cursor.toString() };
  }
}

/** A `sync/Deleted` row with its `EntityType` resolved. */
export interface DeletedRecord {
  entityType: number;
  /** Exact's name for the type (e.g. `Accounts`), when the code is known. */
  entityTypeName: string | undefined;
  /** The catalogue entity, when catalogued. */
  entity: EntityDef | undefined;
  /** Key of the deleted record. */
  key: string;
  deletedAt: Date | null;
  deletedBy: string | null;
  timestamp: bigint;
  row: Row<typeof deletedRecords>;
}

export interface DeletedOptions {
  since?: string | bigint;
  /** Only deletions of these entities (by their `EntityType` codes). */
  entities?: readonly EntityDef[];
}

/** Streams `sync/Deleted` pages, each row mapped to the entity it deleted. */
export async function* deletedFeed(
  read: PageReader,
  options: DeletedOptions = {},
): AsyncGenerator<SyncPage<DeletedRecord>> {
  const codes = (options.entities ?? []).flatMap((entity) => {
    if (!entity.deletedEntityTypes?.length) {
      throw new ExactInputError(`${entity.path} does not appear in sync/Deleted`, { entity: entity.path });
    }
    return entity.deletedEntityTypes;
  });
  const extra = codes.length ? ` and (${codes.map((code) => `EntityType eq ${code}`).join(' or ')})` : '';
  const feed = syncFeed(read, deletedRecords, { since: options.since ?? START }, extra);
  for await (const page of feed) {
    yield {
      cursor: page.cursor,
      rows: page.rows.map((row) => ({
        entityType: row.EntityType ?? 0,
        entityTypeName: DELETED_ENTITY_TYPES[row.EntityType ?? 0],
        entity: entityForDeletedType(row.EntityType ?? 0),
        key: row.EntityKey ?? '',
        deletedAt: row.DeletedDate,
        deletedBy: row.DeletedBy,
        timestamp: row.Timestamp,
        row,
      })),
    };
  }
}
