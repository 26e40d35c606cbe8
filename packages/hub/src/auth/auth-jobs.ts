import type { Logger } from 'pino';
import { z } from 'zod';
import type { Clock } from '../clock.ts';
import { defineJob } from '../jobs/job-definition.ts';
import type { RateLimitRepository } from './rate-limit-repository.ts';
import type { SessionsRepository } from './sessions-repository.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Removes expired sessions and sign-in counters older than a day, every quarter hour. */
export function authJobs(deps: {
  sessions: SessionsRepository;
  rateLimits: RateLimitRepository;
  clock: Clock;
  logger: Logger;
}) {
  const housekeeping = defineJob({
    name: 'housekeeping',
    payload: z.object({}),
    cron: '*/15 * * * *',
    // One clean-up at a time is enough; a queued one covers every later send.
    options: { policy: 'short', retryLimit: 1 },
    async handler() {
      const now = deps.clock.now();
      const sessions = await deps.sessions.deleteExpired(now);
      const rateLimits = await deps.rateLimits.deleteOlderThan(new Date(now.getTime() - DAY_MS));
      deps.logger.info({ sessions, rateLimits }, 'housekeeping done');
    },
  });
  return { housekeeping };
}
