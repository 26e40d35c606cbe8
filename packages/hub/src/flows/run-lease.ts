/**
 * A running run's lease on its worker: the process executing it renews the run's heartbeat
 * every RUN_HEARTBEAT_MS; when no renewal came for RUN_LEASE_MS the process is taken for dead
 * (killed, crashed, cut off from the database) and a sweep marks the run `interrupted` and
 * queues one that resumes every stream from its committed cursor. The lease spans several
 * heartbeats so a busy or briefly disconnected worker is not taken for dead; a worker that
 * was, and comes back, finds its run no longer running and stops.
 */
export const RUN_HEARTBEAT_MS = 5_000;
export const RUN_LEASE_MS = 30_000;

export const WORKER_LOST = {
  code: 'worker_lost',
  message:
    'The process running this run stopped without finishing it (killed, crashed or cut off from the database); a new run resumes each stream from its last committed page.',
} as const;
