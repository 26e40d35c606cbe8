import type { Logger } from 'pino';
import { z } from 'zod';
import type { ExactAccess } from '../connections/exact-access.ts';
import { defineJob } from '../jobs/job-definition.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { checkConnectionHealth, connectionsToCheck } from './connection-health.ts';

/**
 * The watcher's background jobs: a connection health sweep when a worker starts and every
 * 30 minutes, one job per connection so a slow one does not hold up the rest.
 */
export function watcherJobs(deps: { exact: ExactAccess; queue: JobQueue; logger: Logger }) {
  const checkConnection = defineJob({
    name: 'watcher-connection-health',
    payload: z.object({ connectionId: z.uuid() }),
    options: { policy: 'short', retryLimit: 1, expireInSeconds: 120 },
    async handler({ connectionId }) {
      const result = await checkConnectionHealth(deps.exact, deps.logger, connectionId);
      deps.logger.info({ connectionId, result }, 'connection health checked');
    },
  });
  const sweep = defineJob({
    name: 'watcher-connection-health-sweep',
    payload: z.object({}),
    cron: '*/30 * * * *',
    atStart: true,
    options: { policy: 'short', retryLimit: 1 },
    async handler() {
      for (const connectionId of await connectionsToCheck(deps.exact)) {
        await deps.queue.send(checkConnection, { connectionId }, { singletonKey: connectionId });
      }
    },
  });
  return { checkConnection, sweep };
}
