import { ExactError, ExactTokenError } from '@koppel/exact';
import { z } from 'zod';
import { defineJob } from '../jobs/job-definition.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { ConnectionsDeps } from './connections-deps.ts';

/**
 * Exact drops a refresh token unused for 30 days; refreshing connections idle for a week
 * leaves three weeks of margin for a hub that was down or a job that kept failing.
 */
export const KEEP_ALIVE_IDLE_MS = 7 * 24 * 60 * 60 * 1000;

export type KeepAliveResult = 'refreshed' | 'needs_reauth' | 'failed' | 'skipped';

/**
 * Refreshes one connection's token pair if it is still idle. Naming the stored access token as
 * stale forces one refresh, unless another process just did it.
 */
export async function keepConnectionAlive(
  deps: ConnectionsDeps,
  connectionId: string,
): Promise<KeepAliveResult> {
  const { exact, clock } = deps;
  const connection = await exact.connections.findById(connectionId);
  const cutoff = clock.now().getTime() - KEEP_ALIVE_IDLE_MS;
  if (!connection?.tokenObtainedAt || connection.tokenObtainedAt.getTime() >= cutoff) return 'skipped';
  // Exact refused these tokens already (or the app moved): only a new authorization helps.
  if (connection.status === 'needs_reauth') return 'skipped';
  const app = await exact.apps.findById(connection.appId);
  const tokens = exact.connections.tokensOf(connection);
  if (!app || !tokens) return 'skipped';
  try {
    await exact.client(app, connection.id).tokens.refresh(tokens.accessToken);
    return 'refreshed';
  } catch (error) {
    // The token store already moved the connection to needs_reauth and raised the alert.
    if (error instanceof ExactTokenError && error.reauthorizationRequired) return 'needs_reauth';
    if (!(error instanceof ExactError)) throw error;
    await exact.connections.recordEvent({
      workspaceId: connection.workspaceId,
      connectionId: connection.id,
      kind: 'keep_alive_failed',
      level: 'warning',
      message: `Keeping the connection's tokens alive failed (${error.code}); the next run tries again.`,
      details: { code: error.code },
    });
    return 'failed';
  }
}

/** The ids of authorized connections whose token pair is older than KEEP_ALIVE_IDLE_MS. */
export async function idleConnections(deps: ConnectionsDeps): Promise<string[]> {
  const cutoff = new Date(deps.clock.now().getTime() - KEEP_ALIVE_IDLE_MS);
  return (await deps.exact.connections.listIdleSince(cutoff)).map((c) => c.id);
}

/**
 * The Exact half's background jobs: an hourly sweep that sends one keep-alive job per idle
 * connection (so one slow or failing connection does not hold up the rest, and retries are per
 * connection), and the clean-up of expired OAuth states.
 */
export function connectionsJobs(deps: ConnectionsDeps, queue: JobQueue) {
  const keepAliveConnection = defineJob({
    name: 'exact-token-keep-alive-connection',
    payload: z.object({ connectionId: z.uuid() }),
    // One refresh per connection queued at a time: the sweep may find it idle again within the hour.
    options: { policy: 'short', retryLimit: 3, retryDelaySeconds: 60, expireInSeconds: 120 },
    async handler({ connectionId }) {
      const result = await keepConnectionAlive(deps, connectionId);
      if (result === 'failed') throw new Error(`keep-alive of connection ${connectionId} failed; retrying`);
      deps.logger.info({ connectionId, result }, 'Exact token keep-alive');
    },
  });
  const keepAlive = defineJob({
    name: 'exact-token-keep-alive',
    payload: z.object({}),
    cron: '23 * * * *',
    options: { policy: 'short', retryLimit: 1 },
    async handler() {
      const ids = await idleConnections(deps);
      for (const connectionId of ids) {
        await queue.send(keepAliveConnection, { connectionId }, { singletonKey: connectionId });
      }
      if (ids.length > 0) deps.logger.info({ idle: ids.length }, 'Exact token keep-alive queued');
    },
  });
  const oauthStatesCleanup = defineJob({
    name: 'exact-oauth-states-cleanup',
    payload: z.object({}),
    cron: '*/15 * * * *',
    options: { policy: 'short', retryLimit: 1 },
    async handler() {
      const removed = await deps.exact.oauthStates.deleteExpired(deps.clock.now());
      if (removed > 0) deps.logger.info({ oauthStates: removed }, 'expired OAuth states removed');
    },
  });
  return { keepAlive, keepAliveConnection, oauthStatesCleanup };
}
