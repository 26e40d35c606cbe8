import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { EntityDef, SyncRow } from '@koppel/exact';
import { z } from 'zod';
import type { FlowPackage, StreamRunInput } from '../../flow-package.ts';
import { streamChanges } from '../../stream-changes.ts';
import { REPLICA_TABLES, type ReplicaTable } from '../replicate/replica-tables.ts';
import { tableLayout } from '../replicate/table-layout.ts';
import {
  emptyManifest,
  type FileManifest,
  newFileSet,
  nextRun,
  readManifest,
  writeManifest,
} from './file-manifest.ts';

/** DuckDB's type for each Postgres type of a replica column (same columns, same names). */
const DUCKDB_TYPES: Record<string, string> = {
  uuid: 'UUID',
  text: 'VARCHAR',
  integer: 'INTEGER',
  bigint: 'BIGINT',
  numeric: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamptz: 'TIMESTAMPTZ',
};

export const analyticsFilesSettings = z.object({
  directory: z
    .string()
    .min(1)
    .refine((value) => path.isAbsolute(value), 'an absolute path')
    .describe(
      'Directory the files are written to (created when missing): <directory>/<entity>/division=<code>/.',
    ),
  format: z
    .enum(['parquet', 'jsonl', 'csv'])
    .default('parquet')
    .describe(
      'Parquet (typed, compressed; read with DuckDB, Spark, pandas …), JSON Lines or CSV with a header line.',
    ),
});

export type AnalyticsFilesSettings = z.output<typeof analyticsFilesSettings>;

const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** The stream's columns: division, id, _timestamp, then one per catalogue field. */
function columnsOf(table: ReplicaTable): { name: string; field: string | null; type: string }[] {
  const layout = tableLayout(table.entity, 'files', table.name, table.idField);
  return [
    { name: 'division', field: null, type: 'INTEGER' },
    { name: 'id', field: table.idField, type: 'UUID' },
    { name: '_timestamp', field: 'Timestamp', type: 'BIGINT' },
    ...layout.columns.map((column) => ({
      name: column.name,
      field: column.field,
      type: DUCKDB_TYPES[column.type] ?? 'VARCHAR',
    })),
  ];
}

function jsonValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  // Exact's Int64 values (Timestamp) fit a double in practice; beyond 2^53 they stay exact as text.
  if (typeof value === 'bigint')
    return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  return value ?? null;
}

/** Appends JSON lines to a file, waiting when the disk is slower than Exact. */
class JsonLines {
  readonly file: string;
  rows = 0;
  readonly #out: WriteStream;
  constructor(file: string) {
    this.file = file;
    this.#out = createWriteStream(file);
  }
  async write(record: Record<string, unknown>): Promise<void> {
    this.rows++;
    if (!this.#out.write(`${JSON.stringify(record)}\n`)) {
      await new Promise<void>((resolve) => this.#out.once('drain', () => resolve()));
    }
  }
  close(): Promise<void> {
    return new Promise((resolve, reject) =>
      this.#out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
  }
}

const COPY_OPTIONS: Record<AnalyticsFilesSettings['format'], string> = {
  parquet: '(FORMAT parquet, COMPRESSION zstd)',
  jsonl: '(FORMAT json)',
  csv: '(FORMAT csv, HEADER true)',
};

function reader(format: AnalyticsFilesSettings['format'], files: string[], columns: string): string {
  const list = `[${files.map(quote).join(', ')}]`;
  if (format === 'parquet') return `read_parquet(${list})`;
  if (format === 'jsonl') return `read_json(${list}, format = 'newline_delimited', columns = ${columns})`;
  return `read_csv(${list}, header = true, columns = ${columns})`;
}

async function runFilesStream(input: StreamRunInput<AnalyticsFilesSettings>): Promise<void> {
  const table = REPLICA_TABLES.find((candidate) => candidate.name === input.entity);
  if (table === undefined) throw new Error(`"Files for analytics" has no entity ${input.entity}`);
  const { settings, progress, division } = input;
  const directory = path.join(settings.directory, table.name, `division=${division}`);
  await mkdir(directory, { recursive: true });
  const columns = columnsOf(table);
  const structure = `{${columns.map((c) => `${quote(c.name)}: ${quote(c.type)}`).join(', ')}}`;
  const shape = {
    entity: table.name,
    division,
    format: settings.format,
    columns: columns.map(({ name, type }) => ({ name, type })),
  };
  let manifest = (await readManifest(directory)) ?? emptyManifest(shape);
  // Another format, or a full resync: a new series of files from the start.
  if (input.resync || manifest.format !== settings.format) manifest = emptyManifest(shape);
  progress.cursorBefore = manifest.cursor;
  const { run, fileName: name } = nextRun(manifest);
  const changes = new JsonLines(path.join(directory, `.${name('changes', 'jsonl')}.tmp`));
  const deletes = new JsonLines(path.join(directory, `.${name('deletes', 'jsonl')}.tmp`));
  let cursor = manifest.cursor;
  try {
    for await (const change of streamChanges(input.exact, table, cursor)) {
      input.signal?.throwIfAborted();
      if (change.kind === 'rows') {
        progress.rowsRead += change.rows.length;
        for (const row of change.rows as SyncRow<EntityDef>[]) {
          const values = row as unknown as Record<string, unknown>;
          const record: Record<string, unknown> = {};
          for (const column of columns) {
            record[column.name] = column.field === null ? division : jsonValue(values[column.field]);
          }
          await changes.write(record);
        }
      } else if (change.kind === 'deleted') {
        for (const deleted of change.records) {
          await deletes.write({
            division,
            id: deleted.key,
            _timestamp: jsonValue(deleted.timestamp),
            _deleted_at: deleted.deletedAt?.toISOString() ?? null,
          });
        }
      }
      cursor = change.cursor;
    }
  } finally {
    await changes.close();
    await deletes.close();
  }
  const fileSet = newFileSet(run, manifest.cursor, cursor);
  const instance = await DuckDBInstance.create(':memory:');
  const duck = await instance.connect();
  try {
    const finish = async (lines: JsonLines, kind: 'changes' | 'deletes', shapeOf: string) => {
      if (lines.rows === 0) return null;
      const file = name(kind, settings.format === 'jsonl' ? 'jsonl' : settings.format);
      const target = path.join(directory, file);
      if (settings.format === 'jsonl') await rename(lines.file, target);
      else {
        await duck.run(
          `COPY (SELECT * FROM read_json(${quote(lines.file)}, format = 'newline_delimited', columns = ${shapeOf})) TO ${quote(target)} ${COPY_OPTIONS[settings.format]}`,
        );
      }
      return { file, rows: lines.rows };
    };
    fileSet.changes = await finish(changes, 'changes', structure);
    fileSet.deletes = await finish(
      deletes,
      'deletes',
      "{'division': 'INTEGER', 'id': 'UUID', '_timestamp': 'BIGINT', '_deleted_at': 'TIMESTAMPTZ'}",
    );
    const next: FileManifest = { ...manifest, cursor, fileSets: [...manifest.fileSets] };
    if (fileSet.changes !== null || fileSet.deletes !== null) next.fileSets.push(fileSet);
    next.snapshot = await writeSnapshot(duck, directory, next, structure);
    await writeManifest(directory, next);
    progress.rowsWritten += fileSet.changes?.rows ?? 0;
    progress.rowsDeleted += fileSet.deletes?.rows ?? 0;
    progress.cursorAfter = cursor;
  } finally {
    duck.closeSync();
    instance.closeSync();
    await rm(changes.file, { force: true });
    await rm(deletes.file, { force: true });
  }
}

/**
 * The current state as one file: the latest version of every record over all change files,
 * without the records a deletes file names (Exact never reuses a deleted record's ID).
 */
async function writeSnapshot(
  duck: Awaited<ReturnType<DuckDBInstance['connect']>>,
  directory: string,
  manifest: FileManifest,
  structure: string,
): Promise<FileManifest['snapshot']> {
  const changeFiles = manifest.fileSets.flatMap((set) =>
    set.changes ? [path.join(directory, set.changes.file)] : [],
  );
  if (changeFiles.length === 0) return null;
  const deleteFiles = manifest.fileSets.flatMap((set) =>
    set.deletes ? [path.join(directory, set.deletes.file)] : [],
  );
  const deletesStructure =
    "{'division': 'INTEGER', 'id': 'UUID', '_timestamp': 'BIGINT', '_deleted_at': 'TIMESTAMPTZ'}";
  const removed =
    deleteFiles.length === 0
      ? ''
      : `WHERE id NOT IN (SELECT id FROM ${reader(manifest.format, deleteFiles, deletesStructure)})`;
  const extension = manifest.format === 'jsonl' ? 'jsonl' : manifest.format;
  const file = `snapshot.${extension}`;
  const temporary = path.join(directory, `.${file}.tmp`);
  await duck.run(
    `COPY (SELECT * FROM ${reader(manifest.format, changeFiles, structure)} ${removed}
           QUALIFY row_number() OVER (PARTITION BY id ORDER BY _timestamp DESC) = 1 ORDER BY id)
     TO ${quote(temporary)} ${COPY_OPTIONS[manifest.format]}`,
  );
  const count = await duck.runAndReadAll(
    `SELECT count(*)::INTEGER AS n FROM ${reader(manifest.format, [temporary], structure)}`,
  );
  await rename(temporary, path.join(directory, file));
  return { file, rows: Number(count.getRowObjects()[0]?.n ?? 0) };
}

/** "Files for analytics" (Churned): each entity to Parquet, JSON Lines or CSV files with a manifest and a snapshot. */
export const analyticsFilesPackage: FlowPackage<typeof analyticsFilesSettings> = {
  id: 'analytics-files',
  title: 'Files for analytics',
  description:
    'Writes each entity to files in a directory (Parquet, JSON Lines or CSV): one file set per run with only the changes and the deletes, a manifest, and a snapshot file with the current state.',
  entities: REPLICA_TABLES.map(({ name, title, webhookTopic }) => ({
    name,
    title,
    byDefault: true,
    webhookTopic,
  })),
  settings: analyticsFilesSettings,
  runStream: runFilesStream,
};
