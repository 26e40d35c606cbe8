import pg from 'pg';
import type { Database } from '../storage/database.ts';
import { pgliteDriver, poolDriver, type SqlDriver } from './sql-driver.ts';

/** What the Test action reports: reachable, which server, and whether the flow may create its schema. */
export interface DestinationTestResult {
  ok: boolean;
  serverVersion: string | null;
  database: string | null;
  user: string | null;
  /** The flow creates its schema and tables; without CREATE on the database it cannot start. */
  canCreateSchema: boolean;
  error: { code: string; message: string } | null;
}

/** Longest wait for an external database to accept a connection. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * A Postgres database flows write into: an external one (connection string) or the hub's
 * own (PGlite embedded, or the Postgres of DATABASE_URL), behind one SQL driver.
 */
export class PostgresDestination {
  readonly driver: SqlDriver;
  /** Safe to show: no password. */
  readonly label: string;

  constructor(driver: SqlDriver, label: string) {
    this.driver = driver;
    this.label = label;
  }

  /** An external database; the caller closes it when done. */
  static connect(connectionString: string, options: { poolSize?: number } = {}): PostgresDestination {
    const pool = new pg.Pool({
      connectionString,
      max: options.poolSize ?? 4,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    });
    // An idle client's network error must not crash the process; the next query reports it.
    pool.on('error', () => {});
    return new PostgresDestination(
      poolDriver(pool, { ownsPool: true }),
      describeConnectionString(connectionString),
    );
  }

  /** The hub's own database; closing the destination leaves it open. */
  static hubDatabase(database: Database): PostgresDestination {
    if (database.pglite) return new PostgresDestination(pgliteDriver(database.pglite), database.location);
    if (!database.pool) throw new Error('The hub database has neither PGlite nor a pool');
    return new PostgresDestination(poolDriver(database.pool, { ownsPool: false }), database.location);
  }

  async test(): Promise<DestinationTestResult> {
    try {
      const result = await this.driver.query<{
        version: string;
        database: string;
        user: string;
        can_create: boolean;
      }>(
        `select current_setting('server_version') as version, current_database() as database, current_user as user,
                has_database_privilege(current_user, current_database(), 'CREATE') as can_create`,
      );
      const row = result.rows[0];
      if (row === undefined) throw new Error('The database answered no row to a trivial query');
      return {
        ok: row.can_create,
        serverVersion: row.version,
        database: row.database,
        user: row.user,
        canCreateSchema: row.can_create,
        error: row.can_create
          ? null
          : {
              code: 'destination_no_create',
              message: `User "${row.user}" may not create schemas in database "${row.database}"; grant CREATE on the database or use another user.`,
            },
      };
    } catch (error) {
      return {
        ok: false,
        serverVersion: null,
        database: null,
        user: null,
        canCreateSchema: false,
        error: { code: 'destination_unreachable', message: connectionFailure(error) },
      };
    }
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}

/** `postgres://user@host:port/db` without the password. */
export function describeConnectionString(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    url.password = '';
    return url.toString();
  } catch {
    return 'a Postgres connection string that is not a URL';
  }
}

/** A message that says what to fix, never echoing the connection string (it holds the password). */
function connectionFailure(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'ECONNREFUSED':
      return 'Nothing accepts connections at that host and port; check the host, the port and that Postgres is running.';
    case 'ENOTFOUND':
      return 'The host name does not resolve; check the host in the connection string.';
    case '28P01':
    case '28000':
      return 'Postgres refused the user name or password.';
    case '3D000':
      return 'The database named in the connection string does not exist.';
    default:
      return `Cannot reach the database: ${message}`;
  }
}
