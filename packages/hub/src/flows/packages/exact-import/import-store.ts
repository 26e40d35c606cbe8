import type { SqlDriver } from '../../../destinations/sql-driver.ts';
import { quoteIdent } from '../../../destinations/sql-identifier.ts';
import type { ColumnMapping } from './column-mapping.ts';

export type RowStatus = 'pending' | 'created' | 'updated' | 'unchanged' | 'failed';

export interface ImportSummary {
  id: string;
  flowId: string;
  division: number;
  entity: string;
  rows: number;
  counts: Record<RowStatus, number>;
  /** The file's columns → fields the upload was read with (null: sent with the fields' names). */
  mapping: ColumnMapping | null;
  fileName: string | null;
  createdAt: Date;
}

/** What is stored about an upload besides its rows. */
export interface NewImport {
  id: string;
  flowId: string;
  division: number;
  entity: string;
  mapping?: ColumnMapping | null | undefined;
  fileName?: string | null | undefined;
}

export interface ImportRowResult {
  rowNumber: number;
  rowKey: string | null;
  status: RowStatus;
  exactId: string | null;
  message: string | null;
  input: Record<string, unknown>;
}

export interface NewImportRow {
  rowNumber: number;
  rowKey: string | null;
  input: Record<string, unknown>;
  /** Valid rows wait for the run; invalid ones fail at once with the message. */
  failure: string | null;
}

/**
 * Imports in the flow's database: each upload with its rows and per-row result, and the
 * Exact id each row key was written to, so the same row sent again updates (or leaves) the
 * record it created instead of creating it twice.
 */
export class ImportStore {
  readonly #driver: SqlDriver;
  readonly #schema: string;

  constructor(driver: SqlDriver, schema: string) {
    this.#driver = driver;
    this.#schema = quoteIdent(schema);
  }

  async prepare(): Promise<void> {
    const s = this.#schema;
    await this.#driver.transaction(async (session) => {
      await session.query('select pg_advisory_xact_lock(hashtext($1))', [`koppel-import:${s}`]);
      await session.query(`create schema if not exists ${s}`);
      await session.query(
        `create table if not exists ${s}.imports (id uuid primary key, flow_id uuid not null, division integer not null,
           entity text not null, rows integer not null, created_at timestamptz not null default now())`,
      );
      // Added after the first release of the package: tables made before it gain the columns.
      await session.query(
        `alter table ${s}.imports add column if not exists mapping jsonb, add column if not exists file_name text`,
      );
      await session.query(
        `create table if not exists ${s}.import_rows (import_id uuid not null references ${s}.imports (id) on delete cascade,
           row_number integer not null, row_key text, input jsonb not null, status text not null, exact_id text, message text,
           updated_at timestamptz not null default now(), primary key (import_id, row_number))`,
      );
      await session.query(
        `create index if not exists import_rows_pending_idx on ${s}.import_rows (status, import_id)`,
      );
      await session.query(
        `create table if not exists ${s}.written_keys (flow_id uuid not null, division integer not null, entity text not null,
           row_key text not null, exact_id text not null, primary key (flow_id, division, entity, row_key))`,
      );
    });
  }

  async create(upload: NewImport, rows: readonly NewImportRow[]): Promise<void> {
    const s = this.#schema;
    await this.#driver.transaction(async (session) => {
      await session.query(
        `insert into ${s}.imports (id, flow_id, division, entity, rows, mapping, file_name) values ($1, $2, $3, $4, $5, $6::jsonb, $7)`,
        [
          upload.id,
          upload.flowId,
          upload.division,
          upload.entity,
          rows.length,
          upload.mapping ? JSON.stringify(upload.mapping) : null,
          upload.fileName ?? null,
        ],
      );
      await session.query(
        `insert into ${s}.import_rows (import_id, row_number, row_key, input, status, message)
         select $1, (r->>'rowNumber')::integer, r->>'rowKey', r->'input', case when r->>'failure' is null then 'pending' else 'failed' end, r->>'failure'
         from jsonb_array_elements($2::jsonb) as r`,
        [upload.id, JSON.stringify(rows)],
      );
    });
  }

  /** Rows waiting for the stream (flow, division, entity), oldest upload and row first. */
  async pending(
    flowId: string,
    division: number,
    entity: string,
  ): Promise<(ImportRowResult & { importId: string })[]> {
    const s = this.#schema;
    const result = await this.#driver.query<{
      import_id: string;
      row_number: number;
      row_key: string | null;
      input: Record<string, unknown>;
    }>(
      `select r.import_id, r.row_number, r.row_key, r.input from ${s}.import_rows r join ${s}.imports i on i.id = r.import_id
       where r.status = 'pending' and i.flow_id = $1 and i.division = $2 and i.entity = $3
       order by i.created_at, i.id, r.row_number`,
      [flowId, division, entity],
    );
    return result.rows.map((row) => ({
      importId: row.import_id,
      rowNumber: row.row_number,
      rowKey: row.row_key,
      input: row.input,
      status: 'pending',
      exactId: null,
      message: null,
    }));
  }

  /** Exact ids earlier imports of this stream wrote, by row key. */
  async writtenKeys(flowId: string, division: number, entity: string): Promise<Map<string, string>> {
    const result = await this.#driver.query<{ row_key: string; exact_id: string }>(
      `select row_key, exact_id from ${this.#schema}.written_keys where flow_id = $1 and division = $2 and entity = $3`,
      [flowId, division, entity],
    );
    return new Map(result.rows.map((row) => [row.row_key, row.exact_id]));
  }

  /** A row's outcome, and for a written row its key → Exact id, in one transaction. */
  async finishRow(
    stream: { flowId: string; division: number; entity: string },
    row: { importId: string; rowNumber: number; rowKey: string | null },
    outcome: { status: Exclude<RowStatus, 'pending'>; exactId: string | null; message: string | null },
  ): Promise<void> {
    const s = this.#schema;
    await this.#driver.transaction(async (session) => {
      await session.query(
        `update ${s}.import_rows set status = $3, exact_id = $4, message = $5, updated_at = now() where import_id = $1 and row_number = $2`,
        [row.importId, row.rowNumber, outcome.status, outcome.exactId, outcome.message],
      );
      if (outcome.exactId !== null && row.rowKey !== null) {
        await session.query(
          `insert into ${s}.written_keys (flow_id, division, entity, row_key, exact_id) values ($1, $2, $3, $4, $5)
           on conflict (flow_id, division, entity, row_key) do update set exact_id = excluded.exact_id`,
          [stream.flowId, stream.division, stream.entity, row.rowKey, outcome.exactId],
        );
      }
    });
  }

  async summary(flowId: string, importId: string): Promise<ImportSummary | undefined> {
    return (await this.#summaries(flowId, importId, 1))[0];
  }

  /** The flow's imports, newest first. */
  async list(flowId: string, limit: number): Promise<ImportSummary[]> {
    return this.#summaries(flowId, null, limit);
  }

  async #summaries(flowId: string, importId: string | null, limit: number): Promise<ImportSummary[]> {
    const s = this.#schema;
    const result = await this.#driver.query<{
      id: string;
      flow_id: string;
      division: number;
      entity: string;
      rows: number;
      mapping: ColumnMapping | null;
      file_name: string | null;
      created_at: Date | string;
      counts: Record<string, number> | null;
    }>(
      `select i.id, i.flow_id, i.division, i.entity, i.rows, i.mapping, i.file_name, i.created_at,
              (select jsonb_object_agg(status, n) from (select status, count(*)::integer as n from ${s}.import_rows
                 where import_id = i.id group by status) c) as counts
       from ${s}.imports i where i.flow_id = $1 and ($2::uuid is null or i.id = $2)
       order by i.created_at desc, i.id limit $3`,
      [flowId, importId, limit],
    );
    return result.rows.map((row) => ({
      id: row.id,
      flowId: row.flow_id,
      division: row.division,
      entity: row.entity,
      rows: row.rows,
      counts: { pending: 0, created: 0, updated: 0, unchanged: 0, failed: 0, ...(row.counts ?? {}) },
      mapping: row.mapping,
      fileName: row.file_name,
      createdAt: new Date(row.created_at),
    }));
  }

  async rows(
    importId: string,
    options: { status?: RowStatus; limit: number; offset: number },
  ): Promise<ImportRowResult[]> {
    const result = await this.#driver.query<{
      row_number: number;
      row_key: string | null;
      status: RowStatus;
      exact_id: string | null;
      message: string | null;
      input: Record<string, unknown>;
    }>(
      `select row_number, row_key, status, exact_id, message, input from ${this.#schema}.import_rows
       where import_id = $1 and ($2::text is null or status = $2) order by row_number limit $3 offset $4`,
      [importId, options.status ?? null, options.limit, options.offset],
    );
    return result.rows.map((row) => ({
      rowNumber: row.row_number,
      rowKey: row.row_key,
      status: row.status,
      exactId: row.exact_id,
      message: row.message,
      input: row.input,
    }));
  }
}
