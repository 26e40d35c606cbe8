import type { SqlSession } from '../destinations/sql-driver.ts';
import { START_CURSOR, StreamConflictError, type StreamCursor } from './stream-cursor.ts';

/**
 * Streams' cursors kept in a table of the flow's destination, so a package commits what it
 * wrote together with the cursor that covers it; a move checks the cursor is still the one the
 * run started from, so two runs of one stream can never both write.
 */
export class CursorTable {
  readonly #table: string;

  /** `table`: the quoted, schema-qualified name. */
  constructor(table: string) {
    this.#table = table;
  }

  /** Creates the table when missing and the stream's row at the start; returns its cursor. */
  async ensure(session: SqlSession, streamId: string): Promise<StreamCursor> {
    await session.query(
      `create table if not exists ${this.#table} (stream_id text primary key, rows_cursor text not null, deleted_cursor text not null)`,
    );
    await session.query(
      `insert into ${this.#table} (stream_id, rows_cursor, deleted_cursor) values ($1, $2, $3) on conflict (stream_id) do nothing`,
      [streamId, START_CURSOR.rows, START_CURSOR.deleted],
    );
    const result = await session.query<{ rows_cursor: string; deleted_cursor: string }>(
      `select rows_cursor, deleted_cursor from ${this.#table} where stream_id = $1`,
      [streamId],
    );
    const row = result.rows[0];
    if (row === undefined) throw new StreamConflictError(streamId);
    return { rows: row.rows_cursor, deleted: row.deleted_cursor };
  }

  /** Moves the cursor `from` → `to` inside the caller's transaction, or throws `stream_conflict`. */
  async advance(session: SqlSession, streamId: string, from: StreamCursor, to: StreamCursor): Promise<void> {
    const moved = await session.query(
      `update ${this.#table} set rows_cursor = $4, deleted_cursor = $5
       where stream_id = $1 and rows_cursor = $2 and deleted_cursor = $3`,
      [streamId, from.rows, from.deleted, to.rows, to.deleted],
    );
    if (moved.affected !== 1) throw new StreamConflictError(streamId);
  }
}
