import type { StreamCursor } from './stream-cursor.ts';

/** Counters a package's run logic moves as pages commit; they survive a failure midway. */
export interface StreamProgress {
  rowsRead: number;
  rowsWritten: number;
  rowsDeleted: number;
  cursorBefore: StreamCursor | null;
  cursorAfter: StreamCursor | null;
}

export interface StreamError {
  code: string;
  message: string;
  /** Only authorizing the connection again helps (Exact refused its tokens). */
  reauthorize?: true;
}

export type StreamStatus = 'succeeded' | 'failed' | 'skipped';

/** What one run of one stream did; stored per run stream and shown in the run detail. */
export interface StreamStats extends StreamProgress {
  status: StreamStatus;
  apiCalls: number;
  durationMs: number;
  /** Why the stream failed or was skipped; never holds secrets. */
  error: StreamError | null;
}

export function emptyProgress(): StreamProgress {
  return { rowsRead: 0, rowsWritten: 0, rowsDeleted: 0, cursorBefore: null, cursorAfter: null };
}
