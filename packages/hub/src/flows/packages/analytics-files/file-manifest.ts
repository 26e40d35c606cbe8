import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { START_CURSOR, type StreamCursor } from '../../stream-cursor.ts';

/** One run's files: the records it read (new and changed) and the records Exact deleted. */
export interface FileSet {
  run: number;
  writtenAt: string;
  cursorBefore: StreamCursor;
  cursorAfter: StreamCursor;
  /** Relative to the stream's directory; null when the run saw none. */
  changes: { file: string; rows: number } | null;
  deletes: { file: string; rows: number } | null;
}

/**
 * A stream's `manifest.json`: its cursor and its file sets in order, rewritten atomically
 * (temporary file, then rename) after the run's files are complete. Readers trust only the
 * files it lists; a run killed midway leaves unlisted files that the next run overwrites.
 */
export interface FileManifest {
  version: 1;
  entity: string;
  division: number;
  format: 'jsonl' | 'csv' | 'parquet';
  columns: { name: string; type: string }[];
  cursor: StreamCursor;
  fileSets: FileSet[];
  /** The current state: the latest version of every record, deletes applied. */
  snapshot: { file: string; rows: number } | null;
}

export const MANIFEST = 'manifest.json';

export async function readManifest(directory: string): Promise<FileManifest | undefined> {
  try {
    return JSON.parse(await readFile(path.join(directory, MANIFEST), 'utf8')) as FileManifest;
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
    throw error;
  }
}

export async function writeManifest(directory: string, manifest: FileManifest): Promise<void> {
  await mkdir(directory, { recursive: true });
  const temporary = path.join(directory, `.${MANIFEST}.${process.pid}.tmp`);
  await writeFile(temporary, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(temporary, path.join(directory, MANIFEST));
}

export function emptyManifest(
  base: Pick<FileManifest, 'entity' | 'division' | 'format' | 'columns'>,
): FileManifest {
  return { version: 1, ...base, cursor: START_CURSOR, fileSets: [], snapshot: null };
}

/** The next run's number and its files' names (`changes-000007.parquet`), in manifest order. */
export function nextRun(manifest: FileManifest): {
  run: number;
  fileName(kind: string, extension: string): string;
} {
  const run = (manifest.fileSets.at(-1)?.run ?? 0) + 1;
  return { run, fileName: (kind, extension) => `${kind}-${String(run).padStart(6, '0')}.${extension}` };
}

/** A run's file set before its files are added to it. */
export function newFileSet(run: number, cursorBefore: StreamCursor, cursorAfter: StreamCursor): FileSet {
  return {
    run,
    writtenAt: new Date().toISOString(),
    cursorBefore,
    cursorAfter,
    changes: null,
    deletes: null,
  };
}
