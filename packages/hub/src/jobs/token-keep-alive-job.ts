import { ExactError, ExactTokenError } from '@koppel/exact';
import { and, inArray, isNotNull, lt } from 'drizzle-orm';
import { exactAccess } from '../connections/exact-access.ts';
import type { HubContext } from '../hub-context.ts';
import { connections } from '../storage/schema.ts';
import type { JobDefinition } from './job-queue.ts';

/**
 * Exact drops a refresh token unused for 30 days; refreshing connections idle for a week
 * leaves three weeks of margin for a hub that was down or a job that kept failing.
 */
export const KEEP_ALIVE_IDLE_MS = 7 * 24 * 60 * 60 * 1000;

export interface KeepAliveOutcome {
  refreshed: string[];
  needsReauth: string[];
  failed: string[];
}

/** Refreshes every authorized connection whose token pair is older than KEEP_ALIVE_IDLE_MS. */
export async function keepConnectionsAlive(ctx: HubContext): Promise<KeepAliveOutcome> {
  const access = exactAccess(ctx);
  const cutoff = new Date(ctx.clock.now().getTime() - KEEP_ALIVE_IDLE_MS);
  const idle = await ctx.db
    .select()
    .from(connections)
    .where(
      and(
        isNotNull(connections.refreshTokenEnc),
        inArray(connections.status, ['active', 'inactive', 'error']),
        lt(connections.tokenObtainedAt, cutoff),
      ),
    );
  const outcome: KeepAliveOutcome = { refreshed: [], needsReauth: [], failed: [] };
  for (const connection of idle) {
    const app = await access.apps.findById(connection.appId);
    const tokens = access.connections.tokensOf(connection);
    if (!app || !tokens) continue;
    try {
      // Naming the stored access token as stale forces one refresh, unless another process just did it.
      await access.client(app, connection.id).tokens.refresh(tokens.accessToken);
      outcome.refreshed.push(connection.id);
    } catch (error) {
      if (error instanceof ExactTokenError && error.reauthorizationRequired) {
        // The token store already moved the connection to needs_reauth and raised the alert.
        outcome.needsReauth.push(connection.id);
      } else if (error instanceof ExactError) {
        outcome.failed.push(connection.id);
        await access.connections.recordEvent({
          workspaceId: connection.workspaceId,
          connectionId: connection.id,
          kind: 'keep_alive_failed',
          level: 'warning',
          message: `Keeping the connection's tokens alive failed (${error.code}); the next run tries again.`,
          details: { code: error.code },
        });
      } else {
        throw error;
      }
    }
  }
  if (idle.length > 0) ctx.logger.info({ ...outcome, idle: idle.length }, 'Exact token keep-alive done');
  return outcome;
}

export const tokenKeepAliveJob: JobDefinition = {
  name: 'exact-token-keep-alive',
  cron: '23 * * * *',
  async handler(_data, ctx) {
    await keepConnectionsAlive(ctx);
  },
};
