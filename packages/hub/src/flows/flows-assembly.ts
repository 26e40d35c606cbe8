import pg from 'pg';
import type { ExactAccess } from '../connections/exact-access.ts';
import { DestinationsRepository } from '../destinations/destinations-repository.ts';
import { DestinationsService } from '../destinations/destinations-service.ts';
import type { JobDefinition } from '../jobs/job-definition.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { Platform } from '../platform/platform.ts';
import { FlowRunExecutor } from './flow-run-executor.ts';
import { FlowWebhooks } from './flow-webhooks.ts';
import { flowsJobs } from './flows-jobs.ts';
import { FlowsRepository } from './flows-repository.ts';
import { FlowsService } from './flows-service.ts';
import { ChangeFeedService } from './packages/change-feed/change-feed-service.ts';
import { ImportService } from './packages/exact-import/import-service.ts';
import { RecordErrorsRepository } from './record-errors-repository.ts';
import { SecretSettings } from './secret-settings.ts';
import { InProcessStreamLocks, PostgresStreamLocks, type StreamLocks } from './stream-lock.ts';

/** The flows and destinations features, built once per process. */
export interface Flows {
  service: FlowsService;
  destinations: DestinationsService;
  executor: FlowRunExecutor;
  webhooks: FlowWebhooks;
  /** The change feed's delivery log and dead letters. */
  changeFeed: ChangeFeedService;
  /** Uploads into "Import into Exact" flows and their results. */
  imports: ImportService;
  recordErrors: RecordErrorsRepository;
  jobs: JobDefinition[];
  close(): Promise<void>;
}

/**
 * Stream locks hold a connection for a whole stream run, so they get a small pool of their
 * own instead of starving the hub's.
 */
const LOCK_POOL_SIZE = 8;

/** When a stream someone asked for was busy, its next try (debounced like webhook runs). */
const BUSY_STREAM_RETRY_SECONDS = 15;

export function assembleFlows(deps: { platform: Platform; exact: ExactAccess; queue: JobQueue }): Flows {
  const { platform, exact, queue } = deps;
  const repository = new FlowsRepository(platform.db);
  const destinations = new DestinationsService({
    repository: new DestinationsRepository(platform.db, platform.secrets),
    database: platform.database,
    flowsUsing: (id) => repository.countUsingDestination(id),
  });
  const connectionString = platform.database.connectionString;
  const lockPool =
    connectionString === undefined ? undefined : new pg.Pool({ connectionString, max: LOCK_POOL_SIZE });
  lockPool?.on('error', () => {});
  const locks: StreamLocks = lockPool ? new PostgresStreamLocks(lockPool) : new InProcessStreamLocks();
  const secretSettings = new SecretSettings(platform.secrets);
  let service: FlowsService | undefined;
  const recordErrors = new RecordErrorsRepository(platform.db);
  const executor = new FlowRunExecutor({
    secretSettings,
    flows: repository,
    recordErrors,
    destinations,
    connections: exact.connections,
    exact,
    locks,
    logger: platform.logger,
    retryLater: async (flow, streams) => {
      for (const stream of streams) {
        await (service as FlowsService).requestRun(flow, {
          trigger: 'webhook',
          only: [stream],
          delaySeconds: BUSY_STREAM_RETRY_SECONDS,
        });
      }
    },
  });
  const webhooks = new FlowWebhooks({
    flows: repository,
    connections: exact.connections,
    exact,
    publicUrl: platform.publicUrl,
    logger: platform.logger,
    requestRun: (flow, only) => (service as FlowsService).requestRun(flow, { trigger: 'webhook', only }),
  });
  const jobs = flowsJobs({ executor, webhooks, service: () => service as FlowsService });
  service = new FlowsService({
    secretSettings,
    repository,
    destinations,
    connections: exact.connections,
    queue,
    jobs,
    webhooks,
    exact,
    logger: platform.logger,
  });
  const changeFeed = new ChangeFeedService({
    destinations,
    requestRun: (flow) => (service as FlowsService).requestRun(flow, { trigger: 'manual' }),
  });
  const imports = new ImportService({
    destinations,
    divisionsOf: async (flow) => {
      const linked = (await exact.connections.listDivisions(flow.connectionId))
        .filter((division) => division.linked)
        .map((division) => division.code);
      return flow.divisions === null ? linked : flow.divisions.filter((code) => linked.includes(code));
    },
    requestRun: (flow, only) => (service as FlowsService).requestRun(flow, { trigger: 'manual', only }),
  });
  return {
    service,
    destinations,
    changeFeed,
    imports,
    executor,
    webhooks,
    recordErrors,
    jobs: Object.values(jobs),
    close: async () => {
      await lockPool?.end();
    },
  };
}
