import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { csvLine, csvObjects } from '../../csv-format.ts';
import type { StreamCursor } from '../../stream-cursor.ts';
import {
  emptyManifest,
  type FileManifest,
  newFileSet,
  nextRun,
  readManifest,
  writeManifest,
} from '../analytics-files/file-manifest.ts';
import type { RelationTable } from './relation-tables.ts';
import type { RelationRow, RelationsSink, RemovedRecord } from './relations-sink.ts';

export type RelationsFileFormat = 'jsonl' | 'csv';

type FileRecord = Record<string, unknown>;

/** Rows as JSON Lines, or as CSV with a header line (arrays and objects as JSON text in a cell). */
function render(
  format: RelationsFileFormat,
  columns: readonly string[],
  records: readonly FileRecord[],
): string {
  if (format === 'jsonl') return records.map((record) => `${JSON.stringify(record)}\n`).join('');
  return csvLine(columns) + records.map((record) => csvLine(columns.map((name) => record[name]))).join('');
}

function parse(format: RelationsFileFormat, text: string): FileRecord[] {
  if (format === 'csv') return csvObjects(text);
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as FileRecord);
}

/** Written to a temporary name first, so a reader never sees half a file. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.tmp`);
  await writeFile(temporary, text);
  await rename(temporary, file);
}

/**
 * The relations replicator's records as files in `<directory>/<entity>/division=<code>/`: per
 * run the records it read (`changes-NNNNNN`) and those to remove (`deletes-NNNNNN`), the
 * current state with every delete applied (`current`), and the analytics package's
 * `manifest.json`, written last: it holds the cursor, so a run that dies before it leaves the
 * cursor where it was and the next run writes the same records again.
 */
export class RelationsFiles implements RelationsSink {
  readonly #directory: string;
  readonly #format: RelationsFileFormat;
  readonly #table: RelationTable;
  readonly #division: number;
  readonly #columns: string[];
  #manifest: FileManifest | undefined;
  #cursor: StreamCursor | undefined;
  readonly #changes: FileRecord[] = [];
  readonly #deletes: FileRecord[] = [];

  constructor(options: {
    directory: string;
    format: RelationsFileFormat;
    table: RelationTable;
    division: number;
  }) {
    this.#table = options.table;
    this.#division = options.division;
    this.#format = options.format;
    this.#directory = path.join(options.directory, options.table.name, `division=${options.division}`);
    this.#columns = [
      'division',
      'id',
      ...options.table.columns.map((column) => column.name),
      'problems',
      '_timestamp',
    ];
  }

  async prepare(): Promise<StreamCursor> {
    await mkdir(this.#directory, { recursive: true });
    const shape = {
      entity: this.#table.name,
      division: this.#division,
      format: this.#format,
      columns: this.#columns.map((name) => ({ name, type: 'json' })),
    };
    const found = await readManifest(this.#directory);
    // Another format: a new series from the start, so `current` is never a mix of two.
    this.#manifest = found?.format === this.#format ? found : emptyManifest(shape);
    this.#cursor = this.#manifest.cursor;
    return this.#manifest.cursor;
  }

  async write(
    rows: readonly RelationRow[],
    removed: readonly RemovedRecord[],
    _from: StreamCursor,
    to: StreamCursor,
  ): Promise<{ written: number; deleted: number }> {
    for (const row of rows) {
      this.#changes.push({
        division: this.#division,
        id: row.id,
        ...row.values,
        problems: row.problems,
        _timestamp: row.timestamp,
      });
    }
    for (const record of removed) {
      this.#deletes.push({ division: this.#division, id: record.id, _timestamp: record.version });
    }
    this.#cursor = to;
    return { written: rows.length, deleted: removed.length };
  }

  async finish(): Promise<void> {
    const manifest = this.#manifest;
    const cursor = this.#cursor;
    if (manifest === undefined || cursor === undefined)
      throw new Error('RelationsFiles.finish before prepare');
    if (this.#changes.length === 0 && this.#deletes.length === 0) {
      await writeManifest(this.#directory, { ...manifest, cursor });
      return;
    }
    const { run, fileName } = nextRun(manifest);
    const name = (kind: string) => fileName(kind, this.#format);
    const fileSet = newFileSet(run, manifest.cursor, cursor);
    if (this.#changes.length > 0) {
      await writeAtomically(
        path.join(this.#directory, name('changes')),
        render(this.#format, this.#columns, this.#changes),
      );
      fileSet.changes = { file: name('changes'), rows: this.#changes.length };
    }
    if (this.#deletes.length > 0) {
      const columns = ['division', 'id', '_timestamp'];
      await writeAtomically(
        path.join(this.#directory, name('deletes')),
        render(this.#format, columns, this.#deletes),
      );
      fileSet.deletes = { file: name('deletes'), rows: this.#deletes.length };
    }
    const snapshot = await this.#current(manifest);
    const file = `current.${this.#format}`;
    await writeAtomically(path.join(this.#directory, file), render(this.#format, this.#columns, snapshot));
    await writeManifest(this.#directory, {
      ...manifest,
      cursor,
      fileSets: [...manifest.fileSets, fileSet],
      snapshot: { file, rows: snapshot.length },
    });
  }

  /** The last `current` file with this run's changes applied and its deletes removed. */
  async #current(manifest: FileManifest): Promise<FileRecord[]> {
    const records = new Map<string, FileRecord>();
    if (manifest.snapshot !== null) {
      const text = await readFile(path.join(this.#directory, manifest.snapshot.file), 'utf8');
      for (const record of parse(this.#format, text)) records.set(String(record.id), record);
    }
    for (const record of this.#changes) records.set(String(record.id), record);
    for (const record of this.#deletes) records.delete(String(record.id));
    return [...records.values()];
  }
}
