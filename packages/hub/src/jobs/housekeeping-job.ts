import { lt } from 'drizzle-orm';
import { oauthStates } from '../storage/schema.ts';
import type { JobDefinition } from './job-queue.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Removes expired sessions, old rate-limit windows and used or expired OAuth states. */
export const housekeepingJob: JobDefinition = {
  name: 'housekeeping',
  cron: '*/15 * * * *',
  async handler(_data, ctx) {
    const now = ctx.clock.now();
    const sessions = await ctx.repos.sessions.deleteExpired(now);
    const rateLimits = await ctx.repos.rateLimits.deleteOlderThan(new Date(now.getTime() - DAY_MS));
    const states = await ctx.db
      .delete(oauthStates)
      .where(lt(oauthStates.expiresAt, now))
      .returning({ id: oauthStates.id });
    ctx.logger.info({ sessions, rateLimits, oauthStates: states.length }, 'housekeeping done');
  },
};
