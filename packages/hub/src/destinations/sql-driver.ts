import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';

/** Runs one SQL statement with positional parameters (`$1`…) and returns its rows. */
export interface SqlSession {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<QueryResult<Row>>;
}

export interface QueryResult<Row> {
  rows: Row[];
  /** Rows inserted, updated or deleted by the statement. */
  affected: number;
}

/**
 * The same statements over node-postgres and PGlite, so a destination has one code path
 * whether it is an external Postgres or the hub's own (embedded or not) database.
 */
export interface SqlDriver extends SqlSession {
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

function sessionOf(client: pg.ClientBase | pg.Pool): SqlSession {
  return {
    async query<Row>(text: string, params: readonly unknown[] = []) {
      const result = await client.query(text, params as unknown[]);
      return { rows: result.rows as Row[], affected: result.rowCount ?? 0 };
    },
  };
}

/** A driver over a node-postgres pool; `ownsPool` closes the pool with the driver. */
export function poolDriver(pool: pg.Pool, options: { ownsPool: boolean }): SqlDriver {
  return {
    ...sessionOf(pool),
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await work(sessionOf(client));
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close: async () => {
      if (options.ownsPool) await pool.end();
    },
  };
}

/** A driver over the embedded PGlite database (owned by the hub, never closed here). */
export function pgliteDriver(pglite: PGlite): SqlDriver {
  const session = (db: Pick<PGlite, 'query'>): SqlSession => ({
    async query<Row>(text: string, params: readonly unknown[] = []) {
      const result = await db.query<Row>(text, params as unknown[]);
      return { rows: result.rows, affected: result.affectedRows ?? 0 };
    },
  });
  return {
    ...session(pglite),
    transaction: (work) => pglite.transaction((tx) => work(session(tx))),
    close: async () => {},
  };
}
