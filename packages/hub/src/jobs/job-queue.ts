import { fromPglite, PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { HubContext } from '../hub-context.ts';
import type { Database } from '../storage/database.ts';

/**
 * A background job. Register definitions when creating the hub (`createHub({ jobs })`); every
 * worker process polls for them, and `cron` (UTC, five fields) schedules one run per tick across
 * all processes.
 */
export interface JobDefinition<T extends object = Record<string, unknown>> {
  name: string;
  cron?: string;
  /** Attempts before the job is marked failed (default 3). */
  retryLimit?: number;
  handler(data: T, ctx: HubContext): Promise<void>;
}

export const PGBOSS_SCHEMA = 'pgboss';
/** Postgres connections pg-boss opens per process, next to the hub's own pool. */
export const JOB_QUEUE_POOL_SIZE = 4;

/**
 * The pg-boss queue on the hub's own database (over PGlite through pg-boss's `fromPglite`
 * adapter). Servers only send, and start pg-boss lazily on the first send so start-up stays
 * fast; workers also supervise, schedule and run handlers.
 */
export class JobQueue {
  readonly #database: Database;
  readonly #logger: Logger;
  readonly #definitions: Map<string, JobDefinition>;
  #boss: Promise<PgBoss> | undefined;
  #working = false;

  constructor(database: Database, logger: Logger, definitions: JobDefinition[]) {
    this.#database = database;
    this.#logger = logger;
    this.#definitions = new Map(definitions.map((d) => [d.name, d as JobDefinition]));
  }

  get definitions(): JobDefinition[] {
    return [...this.#definitions.values()];
  }

  get started(): boolean {
    return this.#boss !== undefined;
  }

  async send(
    name: string,
    data: object = {},
    options: { singletonKey?: string } = {},
  ): Promise<string | null> {
    if (!this.#definitions.has(name))
      throw new Error(`unknown job "${name}"; add its JobDefinition to createHub`);
    const boss = await this.#start(false);
    return boss.send(name, data, options.singletonKey ? { singletonKey: options.singletonKey } : {});
  }

  /** Starts supervision, cron scheduling and the handlers. Called by `koppel worker` and `koppel start`. */
  async work(ctx: HubContext, options: { pollingIntervalSeconds?: number } = {}): Promise<void> {
    if (this.#working) return;
    this.#working = true;
    // A queue started for sending only runs without supervision and cron; restart it as a worker.
    if (this.#boss) await this.stop();
    const boss = await this.#start(true);
    for (const definition of this.#definitions.values()) {
      await boss.work(
        definition.name,
        { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 },
        async (jobs: { id: string; data: object }[]) => {
          for (const job of jobs) {
            this.#logger.debug({ job: definition.name, jobId: job.id }, 'job started');
            await definition.handler(job.data as Record<string, unknown>, ctx);
          }
        },
      );
      if (definition.cron) await boss.schedule(definition.name, definition.cron, {}, { tz: 'UTC' });
    }
  }

  async stop(): Promise<void> {
    const pending = this.#boss;
    this.#boss = undefined;
    if (!pending) return;
    const boss = await pending.catch(() => undefined);
    await boss?.stop({ graceful: true, timeout: 10_000, close: true });
  }

  #start(worker: boolean): Promise<PgBoss> {
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
        await boss.createQueue(definition.name, { retryLimit: definition.retryLimit ?? 3 });
      }
      return boss;
    })();
    return this.#boss;
  }
}
