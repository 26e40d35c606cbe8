import { fromPglite, PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { HubError } from '../errors/hub-error.ts';
import type { Database } from '../storage/database.ts';
import { deadLetterQueueOf, JOB_DEFAULTS, type JobDefinition } from './job-definition.ts';

export const PGBOSS_SCHEMA = 'pgboss';
/** Postgres connections pg-boss opens per process, next to the hub's own pool. */
export const JOB_QUEUE_POOL_SIZE = 4;

export interface SendOptions {
  /** With a `singleton`/`stately` job: at most one queued job per key. */
  singletonKey?: string;
  /** Run no earlier than this many seconds from now. */
  startAfterSeconds?: number;
}

export interface WorkOptions {
  pollingIntervalSeconds?: number;
}

type AnyJob = JobDefinition<z.ZodType>;

/**
 * The typed job registry over pg-boss on the hub's own database (over PGlite through pg-boss's
 * `fromPglite` adapter). Servers only send, and start pg-boss lazily on the first send so
 * start-up stays fast; workers also supervise, run the cron schedules and the handlers.
 */
export class JobQueue {
  readonly #database: Database;
  readonly #logger: Logger;
  readonly #definitions = new Map<string, AnyJob>();
  readonly #shutdown = new AbortController();
  #boss: Promise<PgBoss> | undefined;
  #working = false;

  constructor(database: Database, logger: Logger) {
    this.#database = database;
    this.#logger = logger;
  }

  /** Adds job kinds; done while the application's services are built, before anything is sent. */
  register(definitions: readonly AnyJob[]): void {
    for (const definition of definitions) {
      if (this.#definitions.has(definition.name))
        throw new Error(`job "${definition.name}" registered twice`);
      this.#definitions.set(definition.name, definition);
    }
  }

  get definitions(): AnyJob[] {
    return [...this.#definitions.values()];
  }

  get started(): boolean {
    return this.#boss !== undefined;
  }

  /** Queues a job after checking its payload against the job's schema. */
  async send<S extends z.ZodType>(
    job: JobDefinition<S> | string,
    data?: z.input<S>,
    options: SendOptions = {},
  ): Promise<string | null> {
    const definition = this.#definition(job);
    const payload = this.#parse(definition, data ?? {});
    const boss = await this.#start(false);
    return boss.send(definition.name, payload, {
      ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
      ...(options.startAfterSeconds ? { startAfter: options.startAfterSeconds } : {}),
    });
  }

  /**
   * Runs `job` on `cron` (UTC) with `data`, under `key`: one schedule per instance (one per
   * flow, say), replacing an earlier schedule with the same job and key.
   */
  async schedule<S extends z.ZodType>(
    job: JobDefinition<S>,
    cron: string,
    data: z.input<S>,
    key: string,
  ): Promise<void> {
    const definition = this.#definition(job);
    const boss = await this.#start(false);
    await boss.schedule(definition.name, cron, this.#parse(definition, data), { tz: 'UTC', key });
  }

  async unschedule(job: AnyJob, key: string): Promise<void> {
    const boss = await this.#start(false);
    await boss.unschedule(this.#definition(job).name, key);
  }

  /** The keys of a job's per-instance schedules. */
  async scheduleKeys(job: AnyJob): Promise<string[]> {
    const boss = await this.#start(false);
    return (await boss.getSchedules(this.#definition(job).name)).map((s) => s.key);
  }

  /**
   * Starts supervision, cron scheduling and the handlers. Called by `koppel worker` and `koppel start`.
   * A `stop()` meanwhile (SIGTERM while starting up) ends it quietly: nothing failed.
   */
  async work(options: WorkOptions = {}): Promise<void> {
    if (this.#working) return;
    this.#working = true;
    try {
      await this.#startWorking(options);
    } catch (error) {
      if (!this.#shutdown.signal.aborted) throw error;
    }
  }

  async #startWorking(options: WorkOptions): Promise<void> {
    // A queue started for sending only runs without supervision and cron; restart it as a worker.
    if (this.#boss) await this.#stopBoss();
    const boss = await this.#start(true);
    for (const definition of this.#definitions.values()) {
      if (this.#shutdown.signal.aborted) return;
      const concurrency = definition.options?.concurrency ?? JOB_DEFAULTS.concurrency;
      await boss.work<Record<string, unknown>>(
        definition.name,
        { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2, localConcurrency: concurrency },
        async (jobs) => {
          for (const job of jobs) {
            this.#logger.debug({ job: definition.name, jobId: job.id }, 'job started');
            const signal = AbortSignal.any([job.signal, this.#shutdown.signal]);
            await definition.handler(this.#parse(definition, job.data), { id: job.id, signal });
          }
        },
      );
      if (definition.cron) await boss.schedule(definition.name, definition.cron, {}, { tz: 'UTC' });
    }
    for (const definition of this.#definitions.values()) {
      if (this.#shutdown.signal.aborted) return;
      if (definition.atStart) await this.send(definition, {}, { singletonKey: 'worker-start' });
    }
  }

  /** Stops taking jobs, tells running handlers through their signal, and waits for them briefly. */
  async stop(): Promise<void> {
    this.#shutdown.abort();
    await this.#stopBoss();
  }

  async #stopBoss(): Promise<void> {
    const pending = this.#boss;
    this.#boss = undefined;
    if (!pending) return;
    const boss = await pending.catch(() => undefined);
    await boss?.stop({ graceful: true, timeout: 10_000, close: true });
  }

  #definition(job: AnyJob | string): AnyJob {
    const name = typeof job === 'string' ? job : job.name;
    const definition = this.#definitions.get(name);
    if (!definition) throw new Error(`unknown job "${name}"; register its JobDefinition with a feature`);
    return definition;
  }

  #parse(definition: AnyJob, data: unknown): Record<string, unknown> {
    const parsed = definition.payload.safeParse(data);
    if (!parsed.success) {
      throw new HubError(
        'job_payload_invalid',
        `The payload of job "${definition.name}" is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
      );
    }
    return parsed.data as Record<string, unknown>;
  }

  #start(worker: boolean): Promise<PgBoss> {
    // Started again after `stop()`, pg-boss would outlive the process's shutdown.
    if (this.#shutdown.signal.aborted) {
      return Promise.reject(new HubError('job_queue_stopped'));
    }
    this.#boss ??= (async () => {
      // On Postgres pg-boss keeps its own small pool: its driver adds LISTEN/NOTIFY and
      // transactional workers, which an adapter over the hub's pool would lose.
      const connection = this.#database.pglite
        ? { db: fromPglite(this.#database.pglite), backend: 'pglite' as const }
        : { connectionString: this.#database.connectionString, max: JOB_QUEUE_POOL_SIZE };
      const boss = new PgBoss({
        ...connection,
        schema: PGBOSS_SCHEMA,
        supervise: worker,
        schedule: worker,
      });
      boss.on('error', (error: Error) => this.#logger.error({ err: error }, 'job queue error'));
      await boss.start();
      for (const definition of this.#definitions.values()) {
        const options = { ...JOB_DEFAULTS, ...definition.options };
        const deadLetter = options.deadLetter ? deadLetterQueueOf(definition.name) : undefined;
        if (deadLetter) await boss.createQueue(deadLetter, { retentionSeconds: 30 * 24 * 3600 });
        await boss.createQueue(definition.name, {
          policy: options.policy,
          retryLimit: options.retryLimit,
          retryDelay: options.retryDelaySeconds,
          retryBackoff: options.retryBackoff,
          retryDelayMax: options.retryDelayMaxSeconds,
          expireInSeconds: options.expireInSeconds,
          ...(deadLetter ? { deadLetter } : {}),
        });
      }
      return boss;
    })();
    return this.#boss;
  }
}
