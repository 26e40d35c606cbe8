import { createHash } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import { type DeletedRecord, type EntityDef, RAW, type SyncRow } from '@koppel/exact';
import { copyJson, copyValue } from '../../../destinations/copy-text.ts';
import { jsonbText } from '../../../destinations/jsonb-text.ts';
import type { SqlDriver, SqlSession } from '../../../destinations/sql-driver.ts';
import { quoteIdent } from '../../../destinations/sql-identifier.ts';
import { START_CURSOR, StreamConflictError, type StreamCursor } from '../../stream-cursor.ts';
import { qualifiedName, SYSTEM_COLUMNS, type TableLayout } from './table-layout.ts';

export type DeleteMode = 'soft' | 'hard';

/**
 * A page of rows ready to write: its COPY text in pieces of a few lines, and its rows (written
 * one by one, each line made again, only when the destination refuses the page).
 */
export interface PreparedPage {
  copy: readonly string[];
  rows: readonly SyncRow<EntityDef>[];
}

/**
 * Lines per piece of a page's COPY text: a piece stays well under V8's large-object size
 * (128 KiB), where one string for the whole page (1.7 MB) took fresh memory from the kernel
 * for every page (bench:replicate).
 */
const LINES_PER_PIECE = 25;

/** What a write waits for (`ReplicaStore.#inTurn`). */
interface WriteTurns {
  /** Settles when the write before has ended. */
  turn: Promise<void>;
  /** Settles when the write before has copied its page into the table, or has ended. */
  copyTurn: Promise<void>;
  /** Tells the write after that this one has copied its page into the table. */
  copied: () => void;
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

/**
 * Where a page's transaction returns to, after its setup, when a row is refused or a COPY
 * straight into the table meets a record the table already holds.
 */
const PAGE_SAVEPOINT = 'koppel_page';

const UNIQUE_VIOLATION = '23505';

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
  readonly #divisionText: string;
  readonly #deleteMode: DeleteMode;
  readonly #table: string;
  readonly #cursors: string;
  readonly #stage: PageStage;
  readonly #fields: readonly { field: string; typedBySdk: boolean }[];
  /** Settles when the last write started here has ended (`#inTurn`). */
  #lastWrite: Promise<void> = Promise.resolve();
  /** Settles when the last write started here has copied its page into the table, or ended. */
  #lastCopy: Promise<void> = Promise.resolve();
  /** Whether the table's records are compressed with lz4 (known after `prepare`). */
  #lz4 = false;
  /**
   * Whether pages go straight into the table by COPY, skipping the stage and its upsert: on
   * a first load, whose records the table does not hold yet; off for good at the first
   * record it already holds (see `writePage`).
   */
  #direct = false;

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
    this.#divisionText = String(options.division);
    this.#deleteMode = options.deleteMode;
    this.#table = qualifiedName(options.layout);
    this.#cursors = `${quoteIdent(options.layout.schema)}.${quoteIdent(CURSOR_TABLE)}`;
    this.#stage = pageStage(options.layout, this.#cursors);
    this.#fields = options.layout.columns.map(({ field, typedBySdk }) => ({ field, typedBySdk }));
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
      const compression = await session.query<{ lz4: boolean }>(
        `select attcompression = 'l' as lz4 from pg_attribute where attrelid = $1::regclass and attname = '_raw'`,
        [this.#table],
      );
      this.#lz4 = compression.rows[0]?.lz4 === true;
      const existing = await session.query<{ column_name: string; column_default: string | null }>(
        'select column_name, column_default from information_schema.columns where table_schema = $1 and table_name = $2',
        [schema, table],
      );
      const present = new Set(existing.rows.map((row) => row.column_name));
      // Tables made before `_synced_at` had its default.
      if (existing.rows.some((row) => row.column_name === '_synced_at' && row.column_default === null)) {
        await session.query(`alter table ${this.#table} alter column _synced_at set default now()`);
      }
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
    this.#direct = cursor.rows_cursor === START_CURSOR.rows && !cursor.resyncing;
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
    this.#direct = false;
    await this.#afterTurn(() =>
      this.#driver.transaction((session) => this.#advance(session, from, next, 'resync_started_at = now(),')),
    );
    return next;
  }

  /**
   * The page in COPY's text format, one line a record: its key, each catalogue field (Exact's
   * value, or the SDK's where it types it: DateTimes, trimmed codes), the record as Exact
   * sent it, and its Timestamp. A later duplicate of an id wins. Separate from `writePage` so
   * the next page is prepared while the database writes this one; it gives way to the event
   * loop every 100 rows, so the writes' round trips and the next page's arrival (which asks
   * for the one after) are not held up by a whole page of work (bench:replicate: +10 %).
   */
  async preparePage(rows: readonly SyncRow<EntityDef>[]): Promise<PreparedPage> {
    const byId = new Map<unknown, SyncRow<EntityDef>>();
    for (const row of rows) byId.set((row as unknown as Record<string, unknown>)[this.#layout.idField], row);
    const unique = byId.size === rows.length ? rows : [...byId.values()];
    const copy: string[] = [];
    const lines: string[] = [];
    for (let i = 0; i < unique.length; i++) {
      if (i % 100 === 99) await setImmediate();
      lines.push(this.#line(unique[i] as SyncRow<EntityDef>));
      if (lines.length === LINES_PER_PIECE || i === unique.length - 1) {
        // The empty last item ends the piece's last line: one flat string, no `+ '\n'` rope.
        lines.push('');
        copy.push(lines.join('\n'));
        lines.length = 0;
      }
    }
    return { copy, rows: unique };
  }

  /** One row's COPY line without its newline (see `preparePage`). */
  #line(row: SyncRow<EntityDef>): string {
    const typed = row as unknown as Record<string, unknown>;
    const raw = row[RAW];
    const fields = this.#fields;
    const width = fields.length + 4;
    // Joined from an array: a flat string at once, where `+=` per value leaves garbage.
    const values = new Array<string>(width);
    values[0] = this.#divisionText;
    values[1] = copyValue(raw[this.#layout.idField]);
    for (let i = 0; i < fields.length; i++) {
      const { field, typedBySdk } = fields[i] as (typeof fields)[number];
      values[i + 2] = copyValue(typedBySdk ? typed[field] : raw[field]);
    }
    values[width - 2] = copyJson(jsonbText(raw));
    values[width - 1] = copyValue(raw.Timestamp);
    return values.join('\t');
  }

  /**
   * Upserts one prepared page and moves the cursor, in one transaction of five round trips
   * (four on a first load; the database idles during each). When the destination refuses
   * the page for a row's values, the page is written again row by row, each under its own
   * savepoint, so the refused rows are returned and the rest still commit with the cursor.
   * Pages may be written concurrently, each on its own connection: a page's COPY runs at
   * once, its merge and cursor move only after the write before it has ended.
   *
   * On a first load (`#direct`) the page is copied straight into the table: no stage, no
   * upsert, which is about a fifth of Postgres's work per page (bench:replicate). A record
   * the table already holds (one changed during the load, read again) fails that COPY; the
   * page then takes the stage, and so do all pages after it. The COPY starts once the write
   * before has copied its own page (it then only moves the cursor and commits) or has
   * ended: the database works on the next page while the one before commits, and a page
   * never holds a key that an earlier page's COPY or upsert would wait for.
   */
  async writePage(
    page: PreparedPage,
    from: StreamCursor,
    to: StreamCursor,
  ): Promise<{ written: number; rejected: RejectedRow[] }> {
    return this.#inTurn(({ turn, copyTurn, copied }) =>
      this.#driver.transaction(async (session) => {
        try {
          if (this.#direct) {
            await copyTurn;
            const rows = this.#direct ? await this.#copyIntoTable(session, page) : undefined;
            if (rows !== undefined) {
              copied();
              await turn;
              await this.#advance(session, from, to);
              return { written: rows, rejected: [] };
            }
          }
          await session.copyIn(this.#stage.target, page.copy);
          await turn;
          const result = await session.query<{ moved: number; merged: number }>(this.#stage.mergeAndAdvance, [
            ...advanceParams(this.#streamId, from, to),
            this.#division,
          ]);
          const counts = result.rows[0];
          if (counts?.moved !== 1) throw new StreamConflictError(this.#streamId);
          return { written: counts.merged, rejected: [] };
        } catch (error) {
          if (rowErrorOf(error) === null) throw error;
          await session.query(`rollback to savepoint ${PAGE_SAVEPOINT}`);
        }
        await turn;
        await this.#advance(session, from, to);
        return this.#upsertRowByRow(session, page.rows);
      }, this.#pageSetup()),
    );
  }

  /**
   * COPYs the page straight into the table; answers the rows copied, or undefined (and ends
   * `#direct`) when the table already holds one of its records.
   */
  async #copyIntoTable(session: SqlSession, page: PreparedPage): Promise<number | undefined> {
    try {
      return await session.copyIn(this.#stage.tableTarget, page.copy);
    } catch (error) {
      if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
      this.#direct = false;
      await session.query(`rollback to savepoint ${PAGE_SAVEPOINT}`);
      return undefined;
    }
  }

  /**
   * Runs one write of the cursor in its turn: `work` gets a promise of the end of the write
   * before (committed or not) and awaits it before it moves the cursor, so writes started
   * in order commit in order, and one after a write that failed finds the cursor unmoved.
   * `copyTurn` settles earlier, once the write before has copied its page straight into the
   * table (it calls `copied`) or has ended (see `writePage`).
   */
  async #inTurn<T>(work: (turns: WriteTurns) => Promise<T>): Promise<T> {
    const turns = { turn: this.#lastWrite, copyTurn: this.#lastCopy };
    const ended = Promise.withResolvers<void>();
    const copied = Promise.withResolvers<void>();
    this.#lastWrite = ended.promise;
    this.#lastCopy = copied.promise;
    try {
      return await work({ ...turns, copied: copied.resolve });
    } finally {
      copied.resolve();
      ended.resolve();
    }
  }

  /** A write of the cursor that has nothing to do before its turn. */
  #afterTurn<T>(work: () => Promise<T>): Promise<T> {
    return this.#inTurn(async ({ turn }) => {
      await turn;
      return work();
    });
  }

  /**
   * Upserts rows one by one (a retry of refused rows); the cursor stays where it is.
   */
  async writeRows(rows: PreparedPage['rows']): Promise<{ written: number; rejected: RejectedRow[] }> {
    return this.#driver.transaction((session) => this.#upsertRowByRow(session, rows), this.#pageSetup());
  }

  /**
   * What a page's transaction starts with. Rows and cursor commit together, so a commit lost
   * to a database crash loses both and the stream re-reads those pages: exactly once holds
   * without waiting for each page's flush.
   */
  #pageSetup(): string {
    return `set local synchronous_commit = off; ${this.#stage.create(this.#lz4)}; savepoint ${PAGE_SAVEPOINT}`;
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
        await session.copyIn(this.#stage.target, [`${this.#line(row)}\n`]);
        written += (await session.query(this.#stage.merge, [this.#division])).affected;
        // The stage empties at commit; rows merged already must not merge again with the next.
        await session.query(`delete from ${this.#stage.table}`);
        await session.query('release savepoint koppel_row');
      } catch (error) {
        const refusal = rowErrorOf(error);
        if (refusal === null) throw error;
        await session.query('rollback to savepoint koppel_row');
        rejected.push({ raw: row[RAW], ...refusal });
      }
    }
    return { written, rejected };
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
    return this.#afterTurn(() =>
      this.#driver.transaction(async (session) => {
        await this.#advance(session, from, to);
        if (records.length === 0) return 0;
        const deleted =
          this.#deleteMode === 'hard'
            ? `delete from ${this.#table} t using jsonb_to_recordset($2::jsonb) as d(id uuid, at timestamptz) where t.division = $1 and t.id = d.id`
            : `update ${this.#table} t set _deleted_at = coalesce(d.at, now()) from jsonb_to_recordset($2::jsonb) as d(id uuid, at timestamptz) where t.division = $1 and t.id = d.id and t._deleted_at is null`;
        return (await session.query(deleted, [this.#division, keys])).affected;
      }),
    );
  }

  /**
   * Ends a full re-read: rows of this division not written since it started are gone from
   * Exact, so they are removed (or soft-deleted); returns how many.
   */
  async finishResync(at: StreamCursor): Promise<number> {
    return this.#afterTurn(() =>
      this.#driver.transaction(async (session) => {
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
      }),
    );
  }

  /** Compare-and-set of the cursor: fails when another run moved it since `from`. */
  async #advance(session: SqlSession, from: StreamCursor, to: StreamCursor, extra = ''): Promise<void> {
    const result = await session.query(
      advanceStatement(this.#cursors, extra),
      advanceParams(this.#streamId, from, to),
    );
    if (result.affected !== 1) throw new StreamConflictError(this.#streamId);
  }
}

/** The cursor's compare-and-set; its parameters are `advanceParams`, $1 to $5. */
function advanceStatement(cursors: string, extra = ''): string {
  return `update ${cursors} set ${extra} rows_cursor = $2, deleted_cursor = $3, updated_at = now() where stream_id = $1 and rows_cursor = $4 and deleted_cursor = $5`;
}

function advanceParams(streamId: string, from: StreamCursor, to: StreamCursor): string[] {
  return [streamId, to.rows, to.deleted, from.rows, from.deleted];
}

/** The session's staging table for one table layout and the statements around it. */
interface PageStage {
  /** Qualified name of the temporary table. */
  table: string;
  /**
   * Creates it on first use in a session; its rows last until the transaction commits. With
   * lz4 the record is compressed once, here, and the merge keeps it compressed as it is.
   */
  create: (lz4: boolean) => string;
  /** The stage and its columns, as COPY names them. */
  target: string;
  /** The replica table and the same columns (the others take their defaults), as COPY names them. */
  tableTarget: string;
  /** Upserts the staged rows into the replica table ($1 the division); a newer row is kept. */
  merge: string;
  /**
   * Moves the cursor (compare-and-set, `advanceParams`) and, only when it moved, upserts the
   * staged rows ($6 the division), in one statement; answers `moved` and `merged` counts.
   */
  mergeAndAdvance: string;
}

/**
 * A page travels by COPY into a temporary table shaped like the page (key, catalogue fields,
 * the record, its Timestamp), then one INSERT … ON CONFLICT merges it: COPY cannot upsert,
 * and a COPY parses each value with its column's input function alone, where unpacking a
 * JSON parameter cost Postgres about 40 % more per page (bench:replicate). The stage is
 * named by a hash of the layout, so a table that gains columns gets a new stage.
 */
function pageStage(layout: TableLayout, cursors: string): PageStage {
  const table = qualifiedName(layout);
  // A page's COPY lines carry the division, so they can go straight into the table too.
  const staged = [
    { name: 'division', type: 'integer' },
    { name: 'id', type: 'uuid' },
    ...layout.columns.map((c) => ({ name: c.name, type: c.type })),
    { name: '_raw', type: 'jsonb' },
    { name: '_timestamp', type: 'bigint' },
  ];
  const hash = createHash('sha256')
    .update(JSON.stringify([layout.schema, layout.table, staged]))
    .digest('hex')
    .slice(0, 16);
  const stage = `pg_temp.${quoteIdent(`koppel_page_${hash}`)}`;
  const copied = staged.map((c) => quoteIdent(c.name)).join(', ');
  const carried = staged.filter((c) => c.name !== 'division');
  const columns = ['division', ...carried.map((c) => c.name), '_synced_at', '_deleted_at'];
  const values = [...carried.map((c) => quoteIdent(c.name)), 'now()', 'null'];
  const updates = columns
    .filter((name) => name !== 'division' && name !== 'id')
    .map((name) => `${quoteIdent(name)} = excluded.${quoteIdent(name)}`);
  const upsert = (division: string, condition: string) =>
    `insert into ${table} (${columns.map(quoteIdent).join(', ')})
select ${[division, ...values].join(', ')} from ${stage} ${condition}
on conflict (division, id) do update set ${updates.join(', ')}
where ${table}._timestamp is null or excluded._timestamp is null or ${table}._timestamp <= excluded._timestamp`;
  return {
    table: stage,
    create: (lz4) =>
      `create temporary table if not exists ${stage} (${staged
        .map((c) => `${quoteIdent(c.name)} ${c.type}${lz4 && c.name === '_raw' ? ' compression lz4' : ''}`)
        .join(', ')}) on commit delete rows`,
    target: `${stage} (${copied})`,
    tableTarget: `${table} (${copied})`,
    merge: upsert('$1', ''),
    mergeAndAdvance: `with moved as (${advanceStatement(cursors)} returning 1),
merged as (${upsert('$6', 'where exists (select from moved)')} returning 1)
select (select count(*) from moved)::int as moved, (select count(*) from merged)::int as merged`,
  };
}
