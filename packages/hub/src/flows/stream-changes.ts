import type { DeletedRecord, DivisionClient, EntityDef, SyncRow } from '@koppel/exact';
import type { StreamCursor } from './stream-cursor.ts';

/** What a stream reads: the entity and the entities whose `sync/Deleted` codes remove its rows. */
export interface StreamSource {
  readonly entity: EntityDef;
  /** Default: the entity itself. Line-level sync rows are deleted under their header's code. */
  readonly deletedAs?: EntityDef;
}

/** One page of changes and the cursor that covers it (to commit with the page). */
export type StreamChange =
  | { kind: 'rows'; rows: SyncRow<EntityDef>[]; cursor: StreamCursor }
  | { kind: 'deleted'; records: DeletedRecord[]; cursor: StreamCursor }
  /** Every row Exact has was read (a full read): rows not written since its start are gone. */
  | { kind: 'complete'; cursor: StreamCursor };

/** Whether the stream reads incrementally; otherwise every run is a full read. */
export function isIncremental(source: StreamSource): boolean {
  return source.entity.syncPath !== undefined;
}

/**
 * The changes after `cursor`, in the order they must be applied: the entity's `sync/` pages
 * (1,000 rows a call, `Timestamp` cursor, facts §4), then `sync/Deleted` for its entity
 * types (§4.1). An entity without a sync endpoint is read in full through `bulk/` (or its
 * standard endpoint) and ends with `complete` so the caller removes what was not seen.
 */
export async function* streamChanges(
  exact: DivisionClient,
  source: StreamSource,
  cursor: StreamCursor,
): AsyncGenerator<StreamChange> {
  let at = cursor;
  if (isIncremental(source)) {
    for await (const page of exact.sync(source.entity, { since: at.rows })) {
      at = { ...at, rows: page.cursor };
      yield { kind: 'rows', rows: page.rows, cursor: at };
    }
  } else {
    for await (const page of exact.readAll(source.entity).pages()) {
      yield { kind: 'rows', rows: page.rows as SyncRow<EntityDef>[], cursor: at };
    }
  }
  const deletedAs = source.deletedAs ?? source.entity;
  if (deletedAs.deletedEntityTypes?.length) {
    for await (const page of exact.deleted({ since: at.deleted, entities: [deletedAs] })) {
      at = { ...at, deleted: page.cursor };
      yield { kind: 'deleted', records: page.rows, cursor: at };
    }
  }
  yield { kind: 'complete', cursor: at };
}
