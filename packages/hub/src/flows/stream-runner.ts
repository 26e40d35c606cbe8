import { ExactTokenError } from '@koppel/exact';
import type { z } from 'zod';
import type { FlowPackage, StreamRunInput } from './flow-package.ts';
import type { RecordFailure } from './record-failure.ts';
import type { StreamLocks } from './stream-lock.ts';
import { emptyProgress, type StreamError, type StreamStats } from './stream-stats.ts';

export type StreamRunRequest<Settings> = Omit<StreamRunInput<Settings>, 'progress' | 'reject'> & {
  /** Calls made to Exact's API so far (the run's counter; the stream reports its share). */
  apiCalls: () => number;
  /**
   * How long to wait for a stream another run holds before skipping it (default 0). A run a
   * webhook asked for waits: the run holding the stream may have read past the change.
   */
  lockWaitMs?: number;
  /** Where refused records go; without it the first refused record fails the stream. */
  reject?: (failure: RecordFailure) => void;
};

/** How often a waiting run asks for a busy stream's lock again. */
const LOCK_POLL_MS = 200;

async function acquire(locks: StreamLocks, streamId: string, waitMs: number, signal?: AbortSignal) {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const lease = await locks.tryAcquire(streamId);
    if (lease !== null || Date.now() >= deadline || signal?.aborted) return lease;
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
}

/** A refused record where no one collects refused records: the stream stops at it. */
function failOnReject(failure: RecordFailure): never {
  throw Object.assign(new Error(`Record ${failure.key} was refused: ${failure.message}`), {
    code: failure.code,
  });
}

/** A stable code and a message from whatever a stream threw (SDK and hub errors carry codes). */
export function describeFailure(error: unknown): StreamError {
  const code =
    typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
      ? (error as { code: string }).code
      : 'stream_failed';
  const message = error instanceof Error ? error.message : String(error);
  return error instanceof ExactTokenError && error.reauthorizationRequired
    ? { code, message, reauthorize: true }
    : { code, message };
}

/**
 * Runs one stream of a flow under its lock: skipped when another run (in any process)
 * holds it, otherwise the package's run logic with its counters, timing and failure.
 */
export async function runStream<S extends z.ZodObject>(
  pkg: FlowPackage<S>,
  request: StreamRunRequest<z.output<S>>,
  locks: StreamLocks,
  now: () => number = Date.now,
): Promise<StreamStats> {
  const started = now();
  const callsBefore = request.apiCalls();
  const progress = emptyProgress();
  const finish = (status: StreamStats['status'], error: StreamStats['error']): StreamStats => ({
    ...progress,
    status,
    error,
    apiCalls: request.apiCalls() - callsBefore,
    durationMs: now() - started,
  });
  const lease = await acquire(locks, request.streamId, request.lockWaitMs ?? 0, request.signal);
  if (lease === null) {
    return finish('skipped', {
      code: 'stream_busy',
      message: `Stream ${request.streamId} is already running elsewhere; this run left it alone.`,
    });
  }
  try {
    const { apiCalls: _calls, lockWaitMs: _wait, reject = failOnReject, ...input } = request;
    await pkg.runStream({ ...input, reject, progress });
    return finish('succeeded', null);
  } catch (error) {
    if (request.signal?.aborted) {
      // Shutdown or expiry: what committed stays, and the next run resumes from there.
      return finish('failed', {
        code: 'stream_aborted',
        message: 'The run was stopped before the stream finished.',
      });
    }
    return finish('failed', describeFailure(error));
  } finally {
    await lease.release();
  }
}
