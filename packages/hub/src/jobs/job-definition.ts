import type { z } from 'zod';

/** How pg-boss treats one kind of job; every field has a default (see JOB_DEFAULTS). */
export interface JobOptions {
  /** Attempts after the first before the job is given up (default 3). */
  retryLimit?: number;
  /** Seconds before the first retry (default 30). */
  retryDelaySeconds?: number;
  /** Doubles the delay on every retry, with jitter (default true). */
  retryBackoff?: boolean;
  /** Longest delay between retries with backoff (default one hour). */
  retryDelayMaxSeconds?: number;
  /** Seconds a run may take before pg-boss counts it as failed (default 15 minutes). */
  expireInSeconds?: number;
  /**
   * pg-boss's queue policy, per singleton key: `standard` queues every send; `short` at most one
   * queued; `singleton` at most one active; `stately` at most one queued and one active;
   * `exclusive` one queued or active (default standard).
   */
  policy?: 'standard' | 'short' | 'singleton' | 'stately' | 'exclusive';
  /** Handlers running at once in one process (default 1). */
  concurrency?: number;
  /** Keep failed jobs in `<name>.dead` after the last retry, for inspection (default true). */
  deadLetter?: boolean;
}

export const JOB_DEFAULTS: Required<JobOptions> = {
  retryLimit: 3,
  retryDelaySeconds: 30,
  retryBackoff: true,
  retryDelayMaxSeconds: 3600,
  expireInSeconds: 15 * 60,
  policy: 'standard',
  concurrency: 1,
  deadLetter: true,
};

/** What a handler gets besides its payload. */
export interface JobRun {
  id: string;
  /** Aborted when the worker shuts down (or pg-boss expires the run): stop at the next safe point. */
  signal: AbortSignal;
}

/**
 * A kind of background job: its payload schema (checked on send and again before the handler
 * runs), its pg-boss options, an optional fixed schedule, and the handler. Handlers close over
 * the services they call; they never receive the whole application.
 */
export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  payload: S;
  options?: JobOptions;
  /** One schedule for the job as a whole (UTC, five fields); per-instance schedules use JobQueue.schedule. */
  cron?: string;
  /** Also queued once whenever a worker starts: a check that must not wait for the first tick. */
  atStart?: boolean;
  handler(data: z.output<S>, run: JobRun): Promise<void>;
}

/** Declares a job with its payload type inferred from the schema. */
export function defineJob<S extends z.ZodType>(definition: JobDefinition<S>): JobDefinition<S> {
  return definition;
}

export const deadLetterQueueOf = (name: string) => `${name}.dead`;
