import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { HubMetrics } from '../api/metrics.ts';
import { buildServer, type RegisteredRoute } from '../api/server.ts';
import { type AppServices, type BuildAppServicesOptions, buildAppServices } from '../app/app-services.ts';
import { CORE_FEATURES } from '../app/features.ts';
import type { HubConfig } from '../config/config.ts';
import type { WorkOptions } from '../jobs/job-queue.ts';
import type { Database, Db } from '../storage/database.ts';

export interface CreateHubOptions extends Partial<BuildAppServicesOptions> {}

/** The application's services served over HTTP (`koppel server`; with `startWorker`, `koppel start`). */
export interface Hub {
  services: AppServices;
  /** The Fastify server, ready but not listening; call `listen()`. */
  app: FastifyInstance;
  /** Every registered route with its access rule (used by the access-control test). */
  routes: RegisteredRoute[];
  db: Db;
  database: Database;
  logger: Logger;
  /**
   * Starts the HTTP server on config.host:config.port (port 0 picks a free one) and returns its
   * URL. Without KOPPEL_PUBLIC_URL, the public URL then names the port actually bound.
   */
  listen(): Promise<string>;
  /** Runs the job handlers and schedules in this process too (`koppel start`). */
  startWorker(options?: WorkOptions): Promise<void>;
  close(): Promise<void>;
}

/** Builds the services from the config (database migrated, features' jobs registered), then the HTTP server. */
export async function createHub(config: HubConfig, options: CreateHubOptions = {}): Promise<Hub> {
  const services = await buildAppServices(config, {
    ...options,
    features: options.features ?? CORE_FEATURES,
  });
  return serveHttp(services);
}

/** The HTTP server over services built elsewhere. */
export async function serveHttp(services: AppServices): Promise<Hub> {
  const { config, logger, database, publicUrl } = services.platform;
  let built: Awaited<ReturnType<typeof buildServer>>;
  try {
    built = await buildServer(services, new HubMetrics(services.flowMetrics));
    await built.app.ready();
  } catch (error) {
    // Release the database (and the data-dir lock) so the caller can fix the cause and retry.
    await services.close();
    throw error;
  }
  const { app, routes } = built;
  let closed = false;
  return {
    services,
    app,
    routes,
    db: database.db,
    database,
    logger,
    async listen() {
      const address = await app.listen({ port: config.port, host: config.host });
      const bound = app.server.address();
      if (typeof bound === 'object' && bound) publicUrl.listeningOn(bound.port);
      return address;
    },
    startWorker: (workOptions) => services.jobs.work(workOptions),
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      await services.close();
    },
  };
}
