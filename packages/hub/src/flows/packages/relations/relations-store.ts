import type { SqlDriver } from '../../../destinations/sql-driver.ts';
import { quoteIdent } from '../../../destinations/sql-identifier.ts';
import { CursorTable } from '../../destination-cursors.ts';
import type { StreamCursor } from '../../stream-cursor.ts';
import { RELATION_TABLES, type RelationTable } from './relation-tables.ts';
import type { RelationRow, RelationsSink, RemovedRecord } from './relations-sink.ts';

/**
 * The relations replicator's tables in the destination: one per entity, keyed by
 * (division, id), written page by page together with the stream's cursor (exactly once), and
 * the `account_overview` view that puts each account's main contact and addresses beside it.
 */
export class RelationsStore implements RelationsSink {
  readonly #driver: SqlDriver;
  readonly #schema: string;
  readonly #table: RelationTable;
  readonly #qualified: string;
  readonly #cursors: CursorTable;
  readonly #streamId: string;
  readonly #division: number;

  constructor(options: {
    driver: SqlDriver;
    schema: string;
    table: RelationTable;
    streamId: string;
    division: number;
  }) {
    this.#driver = options.driver;
    this.#schema = quoteIdent(options.schema);
    this.#table = options.table;
    this.#qualified = `${this.#schema}.${quoteIdent(options.table.name)}`;
    this.#cursors = new CursorTable(`${this.#schema}._koppel_cursors`);
    this.#streamId = options.streamId;
    this.#division = options.division;
  }

  /** Creates the schema, every relation table (widened, never narrowed), the overview and the cursor row. */
  async prepare(): Promise<StreamCursor> {
    return this.#driver.transaction(async (session) => {
      await session.query('select pg_advisory_xact_lock(hashtext($1))', [`koppel-relations:${this.#schema}`]);
      await session.query(`create schema if not exists ${this.#schema}`);
      for (const table of RELATION_TABLES) {
        const name = `${this.#schema}.${quoteIdent(table.name)}`;
        await session.query(
          `create table if not exists ${name} (division integer not null, id uuid not null, problems jsonb not null default '[]',
             _timestamp bigint not null, _synced_at timestamptz not null default now(),
             -- always null: a record deleted in Exact is removed; kept so every flow table reads alike
             _deleted_at timestamptz, primary key (division, id))`,
        );
        await session.query(
          `alter table ${name} ${table.columns.map((c) => `add column if not exists ${quoteIdent(c.name)} ${c.type}`).join(', ')}`,
        );
      }
      const s = this.#schema;
      await session.query(`drop view if exists ${s}.account_overview`);
      await session.query(
        `create view ${s}.account_overview as
         select a.*, c.full_name as main_contact_name, c.email as main_contact_email, c.phone as main_contact_phone,
                c.mobile as main_contact_mobile, c.exact_url as main_contact_url,
                coalesce((select jsonb_agg(jsonb_build_object('type', d.type, 'addressLine1', d.address_line1,
                            'postcode', d.postcode, 'city', d.city, 'country', d.country, 'phone', d.phone) order by d.type)
                          from ${s}.addresses d where d.division = a.division and d.account_id = a.id), '[]'::jsonb) as addresses
         from ${s}.accounts a left join ${s}.contacts c on c.division = a.division and c.id = a.main_contact_id`,
      );
      return this.#cursors.ensure(session, this.#streamId);
    });
  }

  /**
   * Upserts `rows`, removes `removed` ids (deleted in Exact, or no longer of an included
   * account type) and moves the cursor, in one transaction. Returns rows written and removed.
   */
  async write(
    rows: readonly RelationRow[],
    removed: readonly RemovedRecord[],
    from: StreamCursor,
    to: StreamCursor,
  ): Promise<{ written: number; deleted: number }> {
    return this.#driver.transaction(async (session) => {
      await this.#cursors.advance(session, this.#streamId, from, to);
      let written = 0;
      if (rows.length > 0) {
        const names = this.#table.columns.map((column) => quoteIdent(column.name));
        const shape = this.#table.columns.map((column) => `${quoteIdent(column.name)} ${column.type}`);
        const records = rows.map((row) => ({
          ...row.values,
          id: row.id,
          problems: row.problems,
          _timestamp: row.timestamp,
        }));
        const result = await session.query(
          `insert into ${this.#qualified} (division, id, ${names.join(', ')}, problems, _timestamp, _synced_at)
           select $1, r.id, ${names.map((n) => `r.${n}`).join(', ')}, r.problems, r._timestamp, now()
           from jsonb_to_recordset($2::jsonb) as r(id uuid, ${shape.join(', ')}, problems jsonb, _timestamp bigint)
           on conflict (division, id) do update set ${[...names, 'problems', '_timestamp', '_synced_at'].map((n) => `${n} = excluded.${n}`).join(', ')}
           where ${this.#qualified}._timestamp <= excluded._timestamp`,
          [this.#division, JSON.stringify(records)],
        );
        written = result.affected;
      }
      let deleted = 0;
      if (removed.length > 0) {
        const result = await session.query(
          `delete from ${this.#qualified} where division = $1 and id = any($2::uuid[])`,
          [this.#division, removed.map((record) => record.id)],
        );
        deleted = result.affected;
      }
      return { written, deleted };
    });
  }

  /** Every page committed with its cursor already. */
  async finish(): Promise<void> {}
}
