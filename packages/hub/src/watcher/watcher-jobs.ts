import type { Logger } from 'pino';
import { z } from 'zod';
import type { ExactAccess } from '../connections/exact-access.ts';
import { defineJob } from '../jobs/job-definition.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { AlertsService } from './alerts-service.ts';
import { checkConnectionHealth, connectionsToCheck } from './connection-health.ts';

/**
 * The watcher's background jobs: a connection health sweep when a worker starts and every
 * 30 minutes, one job per connection so a slow one does not hold up the rest; the alert
 * rules every minute.
 */
export function watcherJobs(deps: {
  exact: ExactAccess;
  queue: JobQueue;
  logger: Logger;
  alerts: AlertsService;
}) {
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
  const evaluateAlerts = defineJob({
    name: 'watcher-alerts',
    payload: z.object({}),
    cron: '* * * * *',
    options: { policy: 'short', retryLimit: 0 },
    async handler() {
      const { opened, recovered } = await deps.alerts.evaluate();
      if (opened.length + recovered.length > 0)
        deps.logger.info({ opened: opened.length, recovered: recovered.length }, 'alerts evaluated');
    },
  });
  return { checkConnection, sweep, evaluateAlerts };
}
