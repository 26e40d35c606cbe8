/**
 * Where a stream stands in Exact's feeds: the highest `Timestamp` applied from the entity's
 * `sync/` endpoint and from `sync/Deleted` (decimal text, facts §4), `0` before the first run.
 */
export interface StreamCursor {
  rows: string;
  deleted: string;
}

export const START_CURSOR: StreamCursor = { rows: '0', deleted: '0' };

/** Another process moved the stream's cursor under this run: stop, write nothing more. */
export class StreamConflictError extends Error {
  readonly code = 'stream_conflict';
  constructor(streamId: string) {
    super(
      `Stream ${streamId} was advanced by another run at the same time; this run stopped without writing.`,
    );
    this.name = 'StreamConflictError';
  }
}
