import type { FastifyInstance } from 'fastify';
import type { DestinationStream, Logger } from 'pino';
import { HubMetrics } from './api/metrics.ts';
import type { RoutePlugin } from './api/route-plugin.ts';
import { buildServer, type RegisteredRoute } from './api/server.ts';
import { type Clock, systemClock } from './clock.ts';
import { type HubConfig, IN_MEMORY_DATA_DIR } from './config/config.ts';
import { createRepositories, type HubContext } from './hub-context.ts';
import { housekeepingJob } from './jobs/housekeeping-job.ts';
import { type JobDefinition, JobQueue } from './jobs/job-queue.ts';
import { createLogger } from './logging/logger.ts';
import { loadSecretBox } from './secrets/secret-box.ts';
import { type Database, type Db, migrateDatabase, openDatabase } from './storage/database.ts';

export interface CreateHubOptions {
  /** Time source (tests move it forward). */
  clock?: Clock;
  /** Where log lines go (default stdout). */
  logDestination?: DestinationStream;
  /** Seed for a new embedded database (see OpenDatabaseOptions.pgliteTemplate). */
  pgliteTemplate?: Blob;
  /** Apply pending migrations on start (default true). */
  migrate?: boolean;
  /** Extra background jobs next to the built-in housekeeping job. */
  jobs?: JobDefinition[];
  /** Extra route plugins under /api/v1 (apps, connections, flows ...). */
  apiRoutes?: RoutePlugin[];
  /** Extra route plugins at the root (OAuth callback, webhook receivers, static UI). */
  rootRoutes?: RoutePlugin[];
}

export interface Hub {
  /** The Fastify server, ready but not listening; call `listen()` or `app.listen()`. */
  app: FastifyInstance;
  /** Every registered route with its access rule (used by the access-control test). */
  routes: RegisteredRoute[];
  db: Db;
  database: Database;
  ctx: HubContext;
  logger: Logger;
  /**
   * Starts the HTTP server on config.host:config.port (port 0 picks a free one) and returns its
   * URL. Without KOPPEL_PUBLIC_URL, config.publicUrl then follows the port actually bound.
   */
  listen(): Promise<string>;
  /** Runs the job handlers and schedules in this process (`koppel worker` / `koppel start`). */
  startWorker(options?: { pollingIntervalSeconds?: number }): Promise<void>;
  close(): Promise<void>;
}

/** Builds the hub: database (migrated), secrets, logger, job queue and HTTP server. */
export async function createHub(config: HubConfig, options: CreateHubOptions = {}): Promise<Hub> {
  const logger = createLogger(config.logLevel, options.logDestination);
  const { box: secrets, origin } = loadSecretBox(config, config.dataDir === IN_MEMORY_DATA_DIR);
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.databasePoolSize,
    pgliteTemplate: options.pgliteTemplate,
  });
  const jobs = new JobQueue(database, logger, [housekeepingJob, ...(options.jobs ?? [])]);
  const ctx: HubContext = {
    config,
    database,
    db: database.db,
    secrets,
    logger,
    clock: options.clock ?? systemClock,
    repos: createRepositories(database.db),
    jobs,
  };
  let app: FastifyInstance | undefined;
  let routes: RegisteredRoute[];
  try {
    if (options.migrate !== false) await migrateDatabase(database);
    const built = await buildServer(ctx, new HubMetrics(), {
      apiRoutes: options.apiRoutes ?? [],
      rootRoutes: options.rootRoutes ?? [],
    });
    app = built.app;
    routes = built.routes;
    await app.ready();
  } catch (error) {
    // Release the database (and the data-dir lock) so the caller can fix the cause and retry.
    await app?.close().catch(() => {});
    await database.close();
    throw error;
  }
  logger.debug({ database: database.location, secretKey: origin }, 'hub ready');
  const server = app;

  let closed = false;
  return {
    app: server,
    routes,
    db: database.db,
    database,
    ctx,
    logger,
    async listen() {
      const address = await server.listen({ port: config.port, host: config.host });
      // The default public URL names the configured port; with port 0 that is the one just picked.
      const bound = server.server.address();
      const port = typeof bound === 'object' && bound ? bound.port : undefined;
      if (config.publicUrlFromPort && port !== undefined) config.publicUrl = `http://127.0.0.1:${port}`;
      return address;
    },
    startWorker: (workerOptions) => jobs.work(ctx, workerOptions),
    async close() {
      if (closed) return;
      closed = true;
      await server.close();
      await jobs.stop();
      await database.close();
    },
  };
}
