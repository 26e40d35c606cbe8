// Shared by the replication tests: exact-sim in this process, a destination on each
// backend, a whole division replicated stream by stream, and the source and replica
// compared by row count and a checksum of (id, Timestamp) per table.
import { createHash } from 'node:crypto';
import type { DivisionClient } from '@koppel/exact';
import { IN_MEMORY_DATA_DIR } from '../../src/config/config.ts';
import { PostgresDestination } from '../../src/destinations/postgres-destination.ts';
import { REPLICA_TABLES } from '../../src/flows/packages/replicate/replica-tables.ts';
import {
  type ReplicateSettings,
  replicatePackage,
} from '../../src/flows/packages/replicate/replicate-package.ts';
import type { StreamLocks } from '../../src/flows/stream-lock.ts';
import { runStream } from '../../src/flows/stream-runner.ts';
import type { StreamStats } from '../../src/flows/stream-stats.ts';
import { openDatabase } from '../../src/storage/database.ts';
import type { Backend } from '../support/test-hub.ts';

export { startTestSim, type TestSim } from '../../../exact/test/support/sim.ts';

/** A destination on the backend: a fresh Postgres database, or PGlite in memory. */
export async function openTestDestination(
  backend: Backend,
): Promise<{ destination: PostgresDestination; url: string | undefined; dispose(): Promise<void> }> {
  const prepared = await backend.prepare();
  const url = prepared.env.DATABASE_URL;
  const database = await openDatabase({ databaseUrl: url, dataDir: IN_MEMORY_DATA_DIR });
  return {
    destination: PostgresDestination.hubDatabase(database),
    url,
    async dispose() {
      await database.close();
      await prepared.dispose();
    },
  };
}

export const SETTINGS: ReplicateSettings = replicatePackage.settings.parse({});

/** Runs every table's stream of one division in turn, as a flow run does. */
export async function replicateDivision(
  exact: DivisionClient,
  destination: PostgresDestination,
  locks: StreamLocks,
  options: { settings?: ReplicateSettings; resync?: boolean; flowId?: string; calls?: () => number } = {},
): Promise<Record<string, StreamStats>> {
  const stats: Record<string, StreamStats> = {};
  for (const table of REPLICA_TABLES) {
    stats[table.name] = await runStream(
      replicatePackage,
      {
        streamId: `${options.flowId ?? 'flow-test'}/${exact.division}/${table.name}`,
        division: exact.division,
        entity: table.name,
        settings: options.settings ?? SETTINGS,
        exact,
        destination,
        resync: options.resync ?? false,
        apiCalls: options.calls ?? (() => 0),
      },
      locks,
    );
  }
  return stats;
}

export interface TableDigest {
  rows: number;
  checksum: string;
}

function digest(lines: string[]): TableDigest {
  lines.sort();
  return { rows: lines.length, checksum: createHash('sha256').update(lines.join('\n')).digest('hex') };
}

/** What Exact has now: a full sync read of each table's (id, Timestamp). */
export async function sourceDigests(
  exact: DivisionClient,
  tables = REPLICA_TABLES,
): Promise<Record<string, TableDigest>> {
  const result: Record<string, TableDigest> = {};
  for (const table of tables) {
    const lines: string[] = [];
    for await (const page of exact.sync(table.entity, { select: [table.idField] })) {
      for (const row of page.rows) {
        lines.push(`${(row as Record<string, unknown>)[table.idField]}:${row.Timestamp}`);
      }
    }
    result[table.name] = digest(lines);
  }
  return result;
}

/** What the replica holds for the division (rows not soft-deleted). */
export async function replicaDigests(
  destination: PostgresDestination,
  division: number,
  schema = SETTINGS.schema,
  tables = REPLICA_TABLES,
): Promise<Record<string, TableDigest>> {
  const result: Record<string, TableDigest> = {};
  for (const table of tables) {
    const rows = await destination.driver.query<{ id: string; ts: string }>(
      `select id::text as id, _timestamp::text as ts from "${schema}"."${table.name}" where division = $1 and _deleted_at is null`,
      [division],
    );
    result[table.name] = digest(rows.rows.map((row) => `${row.id}:${row.ts}`));
  }
  return result;
}

/** Totals over all tables of a run's stream statistics. */
export function totals(stats: Record<string, StreamStats>) {
  const all = Object.values(stats);
  return {
    failed: all.filter((s) => s.status !== 'succeeded').map((s) => s.error),
    read: all.reduce((n, s) => n + s.rowsRead, 0),
    written: all.reduce((n, s) => n + s.rowsWritten, 0),
    deleted: all.reduce((n, s) => n + s.rowsDeleted, 0),
  };
}
