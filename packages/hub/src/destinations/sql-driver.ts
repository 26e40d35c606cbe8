import { finished } from 'node:stream/promises';
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** Runs one SQL statement with positional parameters (`$1`…) and returns its rows. */
export interface SqlSession {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<QueryResult<Row>>;
  /**
   * Loads rows given in COPY's text format (tab-separated, `\N` for null, one row a line) into
   * `target`, a table with its column list (`"t" ("a", "b")`); returns the rows loaded. Postgres
   * parses COPY text with each column's input function alone, far cheaper per row than
   * unpacking a JSON parameter. The text comes in pieces, each ending with a whole line.
   */
  copyIn(target: string, pieces: readonly string[]): Promise<number>;
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
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws.
   * `setup`, statements without parameters, runs first and travels with the BEGIN: one round
   * trip for what every transaction of a kind starts with.
   */
  transaction<T>(work: (session: SqlSession) => Promise<T>, setup?: string): Promise<T>;
  close(): Promise<void>;
}

async function copyInto(client: pg.ClientBase, target: string, pieces: readonly string[]): Promise<number> {
  const copy = client.query(copyFrom(`copy ${target} from stdin`));
  for (const piece of pieces) copy.write(piece);
  copy.end();
  await finished(copy);
  return copy.rowCount;
}

function sessionOf(client: pg.ClientBase | pg.Pool, copyIn: SqlSession['copyIn']): SqlSession {
  return {
    async query<Row>(text: string, params: readonly unknown[] = []) {
      const result = await client.query(text, params as unknown[]);
      return { rows: result.rows as Row[], affected: result.rowCount ?? 0 };
    },
    copyIn,
  };
}

/** A driver over a node-postgres pool; `ownsPool` closes the pool with the driver. */
export function poolDriver(pool: pg.Pool, options: { ownsPool: boolean }): SqlDriver {
  return {
    // A COPY holds its connection from start to end: outside a transaction it takes one.
    ...sessionOf(pool, async (target, pieces) => {
      const client = await pool.connect();
      try {
        return await copyInto(client, target, pieces);
      } finally {
        client.release();
      }
    }),
    async transaction(work, setup) {
      const client = await pool.connect();
      try {
        // Without parameters node-postgres sends the simple query, which may hold several statements.
        await client.query(setup === undefined ? 'begin' : `begin; ${setup}`);
        const result = await work(sessionOf(client, (target, pieces) => copyInto(client, target, pieces)));
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
    async copyIn(target, pieces) {
      const result = await db.query(`copy ${target} from '/dev/blob'`, [], {
        blob: new Blob(pieces as string[]),
      });
      return result.affectedRows ?? 0;
    },
  });
  return {
    ...session(pglite),
    transaction: (work, setup) =>
      pglite.transaction(async (tx) => {
        if (setup !== undefined) await tx.exec(setup);
        return work(session(tx));
      }),
    close: async () => {},
  };
}
