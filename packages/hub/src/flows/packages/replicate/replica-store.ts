import { type DeletedRecord, type EntityDef, RAW, type SyncRow } from '@koppel/exact';
import type { SqlDriver, SqlSession } from '../../../destinations/sql-driver.ts';
import { quoteIdent } from '../../../destinations/sql-identifier.ts';
import { START_CURSOR, StreamConflictError, type StreamCursor } from '../../stream-cursor.ts';
import { qualifiedName, SYSTEM_COLUMNS, type TableLayout } from './table-layout.ts';

export type DeleteMode = 'soft' | 'hard';

/** A page of rows ready to write: JSON text for the statement's parameters, and each row apart. */
export interface PreparedPage {
  raw: string;
  typed: string;
  rows: { raw: Record<string, unknown>; typed: Record<string, unknown> }[];
}

/** A row the destination refused, with the database's reason. */
export interface RejectedRow {
  raw: Record<string, unknown>;
  code: string;
  message: string;
  detail: string | null;
}

/**
 * SQLSTATE classes that blame a row's values (data exceptions, integrity constraints, a
 * trigger's RAISE), not the destination: only these are isolated row by row.
 */
const ROW_ERROR_CLASSES = ['22', '23', 'P0'];

function rowErrorOf(error: unknown): { code: string; message: string; detail: string | null } | null {
  const e = error as { code?: unknown; message?: unknown; detail?: unknown; constraint?: unknown };
  if (typeof e?.code !== 'string' || !ROW_ERROR_CLASSES.includes(e.code.slice(0, 2))) return null;
  const detail = [e.constraint, e.detail].filter((part) => typeof part === 'string' && part !== '');
  return {
    code: `destination_rejected_row`,
    message: `The destination refused the row (SQLSTATE ${e.code}): ${String(e.message)}`,
    detail: detail.length > 0 ? detail.join(': ') : null,
  };
}

/** The cursor table in the destination schema: cursors commit with the rows they cover. */
const CURSOR_TABLE = '_koppel_cursors';

interface CursorRow {
  rows_cursor: string;
  deleted_cursor: string;
  resyncing: boolean;
}

/**
 * One stream's replica in a Postgres destination: the entity's table (created and widened
 * here, never narrowed), its rows for one division, and the stream's cursor. Every change
 * commits together with the cursor that covers it, after checking the cursor is still the
 * one this run started from, so a killed process resumes from its last committed page and
 * two runs of one stream can never both write.
 */
export class ReplicaStore {
  readonly #driver: SqlDriver;
  readonly #layout: TableLayout;
  readonly #streamId: string;
  readonly #division: number;
  readonly #deleteMode: DeleteMode;
  readonly #table: string;
  readonly #cursors: string;
  readonly #upsert: string;
  readonly #dated: readonly { column: string; field: string }[];

  constructor(options: {
    driver: SqlDriver;
    layout: TableLayout;
    streamId: string;
    division: number;
    deleteMode: DeleteMode;
  }) {
    this.#driver = options.driver;
    this.#layout = options.layout;
    this.#streamId = options.streamId;
    this.#division = options.division;
    this.#deleteMode = options.deleteMode;
    this.#table = qualifiedName(options.layout);
    this.#cursors = `${quoteIdent(options.layout.schema)}.${quoteIdent(CURSOR_TABLE)}`;
    this.#upsert = upsertStatement(options.layout);
    this.#dated = options.layout.columns
      .filter((column) => column.typedBySdk)
      .map((column) => ({ column: column.name, field: column.field }));
  }

  /** Creates the schema, table, missing columns and the cursor row; returns the cursor. */
  async prepare(): Promise<{ cursor: StreamCursor; resyncing: boolean }> {
    const { schema, table } = this.#layout;
    await this.#driver.transaction(async (session) => {
      // Other streams (other tables, other divisions, other processes) create the same schema,
      // cursor table and tables at the same moment; one schema's DDL runs one at a time.
      await session.query('select pg_advisory_xact_lock(hashtext($1))', [`koppel-replica:${schema}`]);
      await session.query(`create schema if not exists ${quoteIdent(schema)}`);
      await session.query(
        `create table if not exists ${this.#cursors} (stream_id text primary key, rows_cursor text not null, deleted_cursor text not null, resync_started_at timestamptz, updated_at timestamptz not null default now())`,
      );
      const created = await session.query<{ missing: boolean }>('select to_regclass($1) is null as missing', [
        this.#table,
      ]);
      await session.query(
        `create table if not exists ${this.#table} (${SYSTEM_COLUMNS.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ')}, primary key (division, id))`,
      );
      if (created.rows[0]?.missing) await this.#compressRawWithLz4(session);
      const existing = await session.query<{ column_name: string }>(
        'select column_name from information_schema.columns where table_schema = $1 and table_name = $2',
        [schema, table],
      );
      const present = new Set(existing.rows.map((row) => row.column_name));
      const missing = this.#layout.columns.filter((column) => !present.has(column.name));
      if (missing.length > 0) {
        await session.query(
          `alter table ${this.#table} ${missing.map((c) => `add column if not exists ${quoteIdent(c.name)} ${c.type}`).join(', ')}`,
        );
      }
      await session.query(
        `insert into ${this.#cursors} (stream_id, rows_cursor, deleted_cursor) values ($1, $2, $3) on conflict (stream_id) do nothing`,
        [this.#streamId, START_CURSOR.rows, START_CURSOR.deleted],
      );
    });
    const cursor = await this.#readCursor(this.#driver);
    return {
      cursor: { rows: cursor.rows_cursor, deleted: cursor.deleted_cursor },
      resyncing: cursor.resyncing,
    };
  }

  /**
   * A record of ~45 fields is about 2 KB of jsonb, past the size where Postgres compresses
   * a row: lz4, where the server was built with it, does that for a fraction of pglz's CPU
   * (about a sixth of a page's write in bench:replicate). Set once, on a table just created.
   */
  async #compressRawWithLz4(session: SqlSession): Promise<void> {
    const lz4 = await session.query<{ available: boolean }>(
      `select 'lz4' = any(enumvals) as available from pg_settings where name = 'default_toast_compression'`,
    );
    if (lz4.rows[0]?.available) {
      await session.query(`alter table ${this.#table} alter column _raw set compression lz4`);
    }
  }

  async #readCursor(session: SqlSession): Promise<CursorRow> {
    const result = await session.query<CursorRow>(
      `select rows_cursor, deleted_cursor, resync_started_at is not null as resyncing from ${this.#cursors} where stream_id = $1`,
      [this.#streamId],
    );
    const row = result.rows[0];
    if (row === undefined) throw new StreamConflictError(this.#streamId);
    return row;
  }

  /**
   * Starts a full re-read: the rows cursor goes back to the start and the moment is kept, so
   * the sweep at the end can tell rows Exact still has (written since) from rows it no longer has.
   */
  async startResync(from: StreamCursor): Promise<StreamCursor> {
    const next = { rows: START_CURSOR.rows, deleted: from.deleted };
    await this.#driver.transaction(async (session) => {
      await this.#advance(session, from, next, 'resync_started_at = now(),');
    });
    return next;
  }

  /**
   * The page as two aligned JSON arrays: each record as Exact sent it, and the values the
   * SDK typed (DateTimes, trimmed codes). A later duplicate of an id wins. Separate from
   * `writePage` so the next page is prepared while the database writes this one.
   */
  preparePage(rows: readonly SyncRow<EntityDef>[]): PreparedPage {
    const byId = new Map<unknown, SyncRow<EntityDef>>();
    for (const row of rows) byId.set((row as unknown as Record<string, unknown>)[this.#layout.idField], row);
    const unique = byId.size === rows.length ? rows : [...byId.values()];
    const typedFields = this.#dated;
    const raw: Record<string, unknown>[] = [];
    const typed: Record<string, unknown>[] = [];
    for (const row of unique) {
      const values = row as unknown as Record<string, unknown>;
      const d: Record<string, unknown> = {};
      for (const { field } of typedFields) {
        const value = values[field];
        if (value !== null && value !== undefined)
          d[field] = value instanceof Date ? value.toISOString() : value;
      }
      raw.push(row[RAW]);
      typed.push(d);
    }
    return {
      raw: JSON.stringify(raw),
      typed: JSON.stringify(typed),
      rows: raw.map((row, index) => ({ raw: row, typed: typed[index] as Record<string, unknown> })),
    };
  }

  /**
   * Upserts one prepared page and moves the cursor, in one transaction. When the destination
   * refuses the page for a row's values, the page is written again row by row, each under its
   * own savepoint, so the refused rows are returned and the rest still commit with the cursor.
   */
  async writePage(
    page: PreparedPage,
    from: StreamCursor,
    to: StreamCursor,
  ): Promise<{ written: number; rejected: RejectedRow[] }> {
    return this.#driver.transaction(async (session) => {
      await relaxedCommit(session);
      await this.#advance(session, from, to);
      await session.query('savepoint koppel_page');
      try {
        return { written: await this.#upsertPage(session, page.raw, page.typed), rejected: [] };
      } catch (error) {
        if (rowErrorOf(error) === null) throw error;
        await session.query('rollback to savepoint koppel_page');
      }
      return this.#upsertRowByRow(session, page.rows);
    });
  }

  /**
   * Upserts rows one by one (a retry of refused rows); the cursor stays where it is.
   */
  async writeRows(rows: PreparedPage['rows']): Promise<{ written: number; rejected: RejectedRow[] }> {
    return this.#driver.transaction((session) => this.#upsertRowByRow(session, rows));
  }

  async #upsertRowByRow(
    session: SqlSession,
    rows: PreparedPage['rows'],
  ): Promise<{ written: number; rejected: RejectedRow[] }> {
    let written = 0;
    const rejected: RejectedRow[] = [];
    for (const row of rows) {
      await session.query('savepoint koppel_row');
      try {
        written += await this.#upsertPage(session, JSON.stringify([row.raw]), JSON.stringify([row.typed]));
        await session.query('release savepoint koppel_row');
      } catch (error) {
        const refusal = rowErrorOf(error);
        if (refusal === null) throw error;
        await session.query('rollback to savepoint koppel_row');
        rejected.push({ raw: row.raw, ...refusal });
      }
    }
    return { written, rejected };
  }

  async #upsertPage(session: SqlSession, raw: string, typed: string): Promise<number> {
    // Without typed values the statement has no third parameter (Postgres would not know its type).
    const params = this.#dated.length > 0 ? [this.#division, raw, typed] : [this.#division, raw];
    return (await session.query(this.#upsert, params)).affected;
  }

  /** Applies one page of `sync/Deleted` (hard or soft) and moves the cursor; returns rows deleted. */
  async applyDeletes(
    records: readonly DeletedRecord[],
    from: StreamCursor,
    to: StreamCursor,
  ): Promise<number> {
    const keys = JSON.stringify(
      records.map((record) => ({ id: record.key, at: record.deletedAt?.toISOString() ?? null })),
    );
    return this.#driver.transaction(async (session) => {
      await this.#advance(session, from, to);
      if (records.length === 0) return 0;
      const deleted =
        this.#deleteMode === 'hard'
          ? `delete from ${this.#table} t using jsonb_to_recordset($2::jsonb) as d(id uuid, at timestamptz) where t.division = $1 and t.id = d.id`
          : `update ${this.#table} t set _deleted_at = coalesce(d.at, now()) from jsonb_to_recordset($2::jsonb) as d(id uuid, at timestamptz) where t.division = $1 and t.id = d.id and t._deleted_at is null`;
      return (await session.query(deleted, [this.#division, keys])).affected;
    });
  }

  /**
   * Ends a full re-read: rows of this division not written since it started are gone from
   * Exact, so they are removed (or soft-deleted); returns how many.
   */
  async finishResync(at: StreamCursor): Promise<number> {
    return this.#driver.transaction(async (session) => {
      const state = await session.query<{ resyncing: boolean }>(
        `select resync_started_at is not null as resyncing from ${this.#cursors} where stream_id = $1 for update`,
        [this.#streamId],
      );
      if (state.rows[0] === undefined) throw new StreamConflictError(this.#streamId);
      if (!state.rows[0].resyncing) return 0;
      // Compared in SQL: the start time keeps its microseconds, which a JavaScript Date would drop.
      const started = `(select resync_started_at from ${this.#cursors} where stream_id = $2)`;
      const swept =
        this.#deleteMode === 'hard'
          ? `delete from ${this.#table} where division = $1 and _synced_at < ${started}`
          : `update ${this.#table} set _deleted_at = now() where division = $1 and _synced_at < ${started} and _deleted_at is null`;
      const removed = (await session.query(swept, [this.#division, this.#streamId])).affected;
      await this.#advance(session, at, at, 'resync_started_at = null,');
      return removed;
    });
  }

  /** Compare-and-set of the cursor: fails when another run moved it since `from`. */
  async #advance(session: SqlSession, from: StreamCursor, to: StreamCursor, extra = ''): Promise<void> {
    const result = await session.query(
      `update ${this.#cursors} set ${extra} rows_cursor = $2, deleted_cursor = $3, updated_at = now() where stream_id = $1 and rows_cursor = $4 and deleted_cursor = $5`,
      [this.#streamId, to.rows, to.deleted, from.rows, from.deleted],
    );
    if (result.affected !== 1) throw new StreamConflictError(this.#streamId);
  }
}

/**
 * Rows and cursor commit together, so a commit lost to a database crash loses both and the
 * stream re-reads those pages: exactly once holds without waiting for each page's flush.
 */
async function relaxedCommit(session: SqlSession): Promise<void> {
  await session.query('set local synchronous_commit = off');
}

/**
 * One statement per page: the page travels as one jsonb parameter (no 65,535-parameter
 * limit however wide the entity), parsed once, each record unpacked by `jsonb_to_record`
 * into typed columns and stored whole as `_raw`; the SDK's typed values come aligned by
 * position in a second parameter.
 */
function upsertStatement(layout: TableLayout): string {
  const table = qualifiedName(layout);
  const rawDefs = [
    `${quoteIdent(layout.idField)} uuid`,
    '"Timestamp" bigint',
    ...layout.columns.filter((c) => !c.typedBySdk).map((c) => `${quoteIdent(c.field)} ${c.type}`),
  ];
  const typedDefs = layout.columns.filter((c) => c.typedBySdk).map((c) => `${quoteIdent(c.field)} ${c.type}`);
  const columns = [
    'division',
    'id',
    ...layout.columns.map((c) => c.name),
    '_raw',
    '_timestamp',
    '_synced_at',
    '_deleted_at',
  ];
  const values = [
    '$1',
    `x.${quoteIdent(layout.idField)}`,
    ...layout.columns.map((c) => `${c.typedBySdk ? 'y' : 'x'}.${quoteIdent(c.field)}`),
    'e.v',
    'x."Timestamp"',
    'now()',
    'null',
  ];
  const updates = columns
    .filter((name) => name !== 'division' && name !== 'id')
    .map((name) => `${quoteIdent(name)} = excluded.${quoteIdent(name)}`);
  const typedJoin =
    typedDefs.length > 0
      ? ` join jsonb_array_elements($3::jsonb) with ordinality as t(v, n) on t.n = e.n
cross join lateral jsonb_to_record(t.v) as y(${typedDefs.join(', ')})`
      : '';
  return `insert into ${table} (${columns.map(quoteIdent).join(', ')})
select ${values.join(', ')}
from jsonb_array_elements($2::jsonb) with ordinality as e(v, n)
cross join lateral jsonb_to_record(e.v) as x(${rawDefs.join(', ')})${typedJoin}
on conflict (division, id) do update set ${updates.join(', ')}
where ${table}._timestamp is null or excluded._timestamp is null or ${table}._timestamp <= excluded._timestamp`;
}
