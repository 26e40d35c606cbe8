import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { type SQL, sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { IN_MEMORY_DATA_DIR } from '../config/config.ts';
import { HubError } from '../errors/hub-error.ts';
import { describeDatabaseUrl } from '../logging/logger.ts';
import { processIsAlive, processStartTime } from './process-liveness.ts';
import * as schema from './schema.ts';

export type Schema = typeof schema;
/** The Drizzle handle repositories use; the same API over PGlite and node-postgres. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));
const MIGRATIONS_SCHEMA = 'drizzle';
const MIGRATIONS_TABLE = '__drizzle_migrations';
/** Advisory lock key so concurrent processes do not apply migrations twice (Postgres only). */
const MIGRATION_LOCK_KEY = 4_206_202_601;

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
  kind: DatabaseKind;
  db: Db;
  /** Where the data lives, safe to print (password removed). */
  location: string;
  /** Set for the embedded database; pg-boss reaches it through `fromPglite`. */
  pglite: PGlite | undefined;
  /** Set for real Postgres. */
  pool: pg.Pool | undefined;
  /** Set for real Postgres; contains the password, so never log it (use `location`). */
  connectionString: string | undefined;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  poolSize?: number;
  /**
   * Start a new embedded database from this dump (`PGlite.dumpDataDir`) instead of an empty
   * one; ignored when the data dir already holds a database. Tests use a migrated dump to
   * skip initdb and the migrations.
   */
  pgliteTemplate?: Blob;
}

/** Opens PGlite in `<dataDir>/db` (or in memory), or a node-postgres pool when `databaseUrl` is set. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    // An idle client's network error must not crash the process; the next query reports it.
    pool.on('error', () => {});
    const db = drizzleNodePg(pool, { schema }) as unknown as Db;
    return {
      kind: 'postgres',
      db,
      location: describeDatabaseUrl(options.databaseUrl),
      pglite: undefined,
      pool,
      connectionString: options.databaseUrl,
      close: () => pool.end(),
    };
  }
  let pglite: PGlite;
  let location: string;
  if (options.dataDir === IN_MEMORY_DATA_DIR) {
    pglite = await PGlite.create(options.pgliteTemplate ? { loadDataDir: options.pgliteTemplate } : {});
    location = 'PGlite in memory';
  } else {
    const dir = `${options.dataDir}/db`;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const releaseLock = acquireDataDirLock(options.dataDir);
    try {
      const fresh = !existsSync(path.join(dir, 'PG_VERSION'));
      pglite = await PGlite.create(
        fresh && options.pgliteTemplate
          ? { dataDir: dir, loadDataDir: options.pgliteTemplate }
          : { dataDir: dir },
      );
    } catch (error) {
      releaseLock();
      throw new HubError(
        'database_open_failed',
        `Cannot open the embedded database in ${dir}: ${(error as Error).message}. Only one Koppel process may use a data dir; for several processes set DATABASE_URL to a Postgres database.`,
      );
    }
    location = `PGlite in ${dir}`;
    const db = drizzlePglite(pglite, { schema }) as unknown as Db;
    const close = async () => {
      await pglite.close();
      releaseLock();
    };
    return { kind: 'pglite', db, location, pglite, pool: undefined, connectionString: undefined, close };
  }
  const db = drizzlePglite(pglite, { schema }) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    location,
    pglite,
    pool: undefined,
    connectionString: undefined,
    close: () => pglite.close(),
  };
}

export const DATA_DIR_LOCK_FILE = 'koppel.lock';

/** Data dirs this process holds, so a second open from the same process is refused too. */
const heldByThisProcess = new Set<string>();

interface LockOwner {
  pid: number;
  /** See processStartTime; absent in lock files from older versions or without /proc. */
  startedAt?: string | undefined;
}

function readLockOwner(file: string): LockOwner | undefined {
  const text = readFileSync(file, 'utf8').trim();
  try {
    const parsed = JSON.parse(text) as LockOwner;
    if (Number.isInteger(parsed.pid) && parsed.pid > 0) return parsed;
  } catch {
    const pid = Number.parseInt(text, 10);
    if (Number.isInteger(pid) && pid > 0) return { pid };
  }
  return undefined;
}

/**
 * Whether the process that wrote the lock still runs. A lock naming this process's own pid is
 * left over from an earlier process (a container's PID 1 restarts with the same pid), unless this
 * process holds the dir itself; another pid counts only while it runs with the same start time.
 */
function lockOwnerIsRunning(owner: LockOwner): boolean {
  if (owner.pid === process.pid) return false;
  if (!processIsAlive(owner.pid)) return false;
  const startedAt = processStartTime(owner.pid);
  return owner.startedAt === undefined || startedAt === undefined || startedAt === owner.startedAt;
}

/**
 * PGlite is single-process: two processes on one data dir would corrupt it. A lock file names
 * the owner by pid and start time and refuses a second opener; a lock left by a process that is
 * gone (even if its pid now belongs to another process, or to this one) is taken over.
 */
export function acquireDataDirLock(dataDir: string): () => void {
  const file = path.join(dataDir, DATA_DIR_LOCK_FILE);
  const inUse = (pid: number) =>
    new HubError(
      'data_dir_in_use',
      `The data dir ${dataDir} is in use by process ${pid}${pid === process.pid ? ' (this process)' : ''}. The embedded database allows one process; stop it first, or set DATABASE_URL to run several processes on Postgres.`,
    );
  if (heldByThisProcess.has(file)) throw inUse(process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const owner: LockOwner = { pid: process.pid, startedAt: processStartTime(process.pid) };
      writeFileSync(file, JSON.stringify(owner), { flag: 'wx', mode: 0o600 });
      heldByThisProcess.add(file);
      return () => {
        heldByThisProcess.delete(file);
        rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readLockOwner(file);
      if (owner && lockOwnerIsRunning(owner)) throw inUse(owner.pid);
      rmSync(file, { force: true });
    }
  }
  throw new HubError('data_dir_in_use', `Cannot lock the data dir ${dataDir}.`);
}

/** Applies every committed migration not yet applied. Safe to run from several processes at once. */
export async function migrateDatabase(database: Database): Promise<void> {
  const config = {
    migrationsFolder: MIGRATIONS_FOLDER,
    migrationsSchema: MIGRATIONS_SCHEMA,
    migrationsTable: MIGRATIONS_TABLE,
  };
  if (database.pglite) {
    await migratePglite(drizzlePglite(database.pglite), config);
    return;
  }
  if (!database.pool) throw new Error('database has neither PGlite nor a pool');
  const client = await database.pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await migrateNodePg(drizzleNodePg(client), config);
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}

export interface MigrationStatus {
  expected: number;
  applied: number;
  pending: number;
}

/** Compares the committed migrations with those recorded in the database. */
export async function migrationStatus(database: Database): Promise<MigrationStatus> {
  const journal = JSON.parse(readFileSync(`${MIGRATIONS_FOLDER}/meta/_journal.json`, 'utf8')) as {
    entries: { tag: string }[];
  };
  const expected = journal.entries.length;
  const [exists] = await queryRows(
    database.db,
    sql`select to_regclass(${`${MIGRATIONS_SCHEMA}.${MIGRATIONS_TABLE}`}) is not null as "exists"`,
  );
  if (!exists?.exists) return { expected, applied: 0, pending: expected };
  const [result] = await queryRows(
    database.db,
    sql`select count(*)::int as "count" from ${sql.identifier(MIGRATIONS_SCHEMA)}.${sql.identifier(MIGRATIONS_TABLE)}`,
  );
  const applied = Number(result?.count ?? 0);
  return { expected, applied, pending: Math.max(0, expected - applied) };
}

/** Runs raw SQL and returns its rows; both drivers answer with `{ rows }`. */
export async function queryRows(db: Db, query: SQL): Promise<Record<string, unknown>[]> {
  const result = (await db.execute(query)) as unknown as { rows: Record<string, unknown>[] };
  return result.rows;
}

/** Round-trips a trivial query; throws when the database cannot be reached. */
export async function pingDatabase(database: Database): Promise<void> {
  await database.db.execute(sql`select 1`);
}
