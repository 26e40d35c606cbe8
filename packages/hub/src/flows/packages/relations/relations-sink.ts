import type { StreamCursor } from '../../stream-cursor.ts';

/** A row ready to write: the table's columns plus the record's problems and its version. */
export interface RelationRow {
  id: string;
  values: Record<string, unknown>;
  problems: unknown[];
  timestamp: string;
}

/** A record to remove: deleted in Exact, or an account no longer of an included type. */
export interface RemovedRecord {
  id: string;
  /** Exact's `Timestamp` of the deletion or of the row that left the included types. */
  version: string;
}

/**
 * Where the relations replicator writes one stream: a Postgres table, a signed webhook or
 * files. Each keeps the stream's cursor with what it wrote, so a run resumes after the last
 * page the destination took.
 */
export interface RelationsSink {
  /** Creates what the destination needs; returns the stream's cursor. */
  prepare(): Promise<StreamCursor>;
  /** One page: upserts and removals, then the cursor moves `from` → `to`. */
  write(
    rows: readonly RelationRow[],
    removed: readonly RemovedRecord[],
    from: StreamCursor,
    to: StreamCursor,
  ): Promise<{ written: number; deleted: number }>;
  /** After the last page of a run (files commit their manifest here). */
  finish(): Promise<void>;
}
