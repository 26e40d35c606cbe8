import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { accounts, type DivisionClient } from '@koppel/exact';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IN_MEMORY_DATA_DIR } from '../../src/config/config.ts';
import { PostgresDestination } from '../../src/destinations/postgres-destination.ts';
import {
  type AnalyticsFilesSettings,
  analyticsFilesPackage,
} from '../../src/flows/packages/analytics-files/analytics-files-package.ts';
import { type FileManifest, readManifest } from '../../src/flows/packages/analytics-files/file-manifest.ts';
import { REPLICA_TABLES } from '../../src/flows/packages/replicate/replica-tables.ts';
import { InProcessStreamLocks } from '../../src/flows/stream-lock.ts';
import { openDatabase } from '../../src/storage/database.ts';
import {
  runPackageStreams,
  sourceDigests,
  startTestSim,
  type TableDigest,
  type TestSim,
} from './replica-kit.ts';

const DIVISION = 100001;
const ENTITIES = ['accounts', 'addresses', 'transaction_lines'] as const;
const FORMATS = ['parquet', 'jsonl', 'csv'] as const;

/** The snapshot file as DuckDB reads it, in the manifest's format and columns. */
function snapshotSource(directory: string, manifest: FileManifest): string {
  const file = path.join(directory, manifest.snapshot?.file as string);
  const columns = `{${manifest.columns.map((c) => `'${c.name}': '${c.type}'`).join(', ')}}`;
  const source =
    manifest.format === 'parquet'
      ? `read_parquet('${file}')`
      : manifest.format === 'jsonl'
        ? `read_json('${file}', format = 'newline_delimited', columns = ${columns})`
        : `read_csv('${file}', header = true, columns = ${columns})`;
  return source;
}

async function readBack(sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const duck = await instance.connect();
  try {
    return (await duck.runAndReadAll(sql)).getRowObjects() as Record<string, unknown>[];
  } finally {
    duck.closeSync();
    instance.closeSync();
  }
}

/** What the snapshot file holds, read back with DuckDB: the same digest as sourceDigests. */
async function snapshotDigest(directory: string, manifest: FileManifest): Promise<TableDigest> {
  const rows = await readBack(
    `SELECT id::VARCHAR AS id, _timestamp::VARCHAR AS ts FROM ${snapshotSource(directory, manifest)}`,
  );
  const lines = rows.map((row) => `${row.id}:${row.ts}`).sort();
  return { rows: lines.length, checksum: createHash('sha256').update(lines.join('\n')).digest('hex') };
}

describe('files for analytics', () => {
  let sim: TestSim;
  let exact: DivisionClient;
  let root: string;
  let destination: PostgresDestination;
  let close: () => Promise<void>;
  const locks = new InProcessStreamLocks();
  const tables = REPLICA_TABLES.filter((table) => (ENTITIES as readonly string[]).includes(table.name));

  async function run(settings: AnalyticsFilesSettings) {
    const stats = await runPackageStreams(analyticsFilesPackage, {
      flowId: 'files',
      entities: ENTITIES,
      settings,
      exact,
      destination,
      locks,
    });
    for (const stream of Object.values(stats)) expect(stream.error).toBeNull();
  }

  beforeAll(async () => {
    const database = await openDatabase({ databaseUrl: undefined, dataDir: IN_MEMORY_DATA_DIR });
    destination = PostgresDestination.hubDatabase(database);
    close = () => database.close();
    root = await mkdtemp(path.join(tmpdir(), 'koppel-files-'));
    sim = await startTestSim({
      defaultDivisions: [
        {
          code: DIVISION,
          description: 'Analyse BV',
          volumes: { accounts: 120, addresses: 60, transactionLines: 1_500 },
        },
      ],
    });
    exact = (await sim.connectedClient()).division(DIVISION, { background: true });
  });
  afterAll(async () => {
    await sim?.close();
    await close?.();
    await rm(root, { recursive: true, force: true });
  });

  it.each(FORMATS)('%s: first run and an incremental run read back equal to the source', async (format) => {
    const settings = analyticsFilesPackage.settings.parse({ directory: path.join(root, format), format });
    await run(settings);
    const dir = (entity: string) => path.join(settings.directory, entity, `division=${DIVISION}`);
    const first = await sourceDigests(exact, tables);
    for (const table of tables) {
      const manifest = (await readManifest(dir(table.name))) as FileManifest;
      expect(manifest.fileSets).toHaveLength(1);
      expect(manifest.fileSets[0]?.changes?.rows).toBe(first[table.name]?.rows);
      expect(await snapshotDigest(dir(table.name), manifest)).toEqual(first[table.name]);
    }

    await sim.control('POST', '/mutations', {
      division: DIVISION,
      entity: 'crm/Accounts',
      creates: 4,
      updates: 6,
    });
    const { deleted } = await sim.control<{ deleted: string[] }>('POST', '/mutations', {
      division: DIVISION,
      entity: 'crm/Addresses',
      creates: 2,
      updates: 3,
      deletes: 5,
    });
    await sim.control('POST', '/mutations', {
      division: DIVISION,
      entity: 'financialtransaction/TransactionLines',
      creates: 5,
      updates: 5,
      deletes: 3,
    });
    await run(settings);
    const second = await sourceDigests(exact, tables);
    for (const table of tables) {
      const manifest = (await readManifest(dir(table.name))) as FileManifest;
      expect(manifest.fileSets).toHaveLength(2);
      const added = manifest.fileSets[1];
      // Only the changes: a handful of rows, not the table again.
      expect(added?.changes?.rows).toBeGreaterThan(0);
      expect(added?.changes?.rows).toBeLessThanOrEqual(10);
      expect(await snapshotDigest(dir(table.name), manifest)).toEqual(second[table.name]);
      const files = await readdir(dir(table.name));
      for (const set of manifest.fileSets) {
        if (set.changes) expect(files).toContain(set.changes.file);
        if (set.deletes) expect(files).toContain(set.deletes.file);
      }
      expect(files.filter((file) => file.endsWith('.tmp'))).toEqual([]);
    }
    // Values, not only keys: every account's name, code and modification time as Exact has them.
    const expected = new Map<string, string>();
    for await (const page of exact.sync(accounts)) {
      for (const row of page.rows) {
        expected.set(String(row.ID), `${row.Code}|${row.Name}|${(row.Modified as Date).toISOString()}`);
      }
    }
    const accountsManifest = (await readManifest(dir('accounts'))) as FileManifest;
    const written = await readBack(
      `SELECT id::VARCHAR AS id, code, name, strftime(modified AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%g') || 'Z' AS modified FROM ${snapshotSource(dir('accounts'), accountsManifest)}`,
    );
    expect(new Map(written.map((row) => [row.id, `${row.code}|${row.name}|${row.modified}`]))).toEqual(
      expected,
    );
    const addresses = (await readManifest(dir('addresses'))) as FileManifest;
    expect(addresses.fileSets[1]?.deletes?.rows).toBe(deleted.length);

    // Nothing changed: no new file set, the snapshot stays.
    await run(settings);
    expect(((await readManifest(dir('accounts'))) as FileManifest).fileSets).toHaveLength(2);
  });
});
