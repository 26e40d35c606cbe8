import type { Logger } from 'pino';
import type { ConnectionsRepository } from './connections-repository.ts';

export const REAUTH_ALERT_KIND = 'connection_needs_reauth';

/**
 * Exact refused the token chain for good: the connection needs a user to authorize it again.
 * Moves it to `needs_reauth`, records an error event and raises one alert (not one per failed call).
 */
export async function markNeedsReauthorization(
  repo: ConnectionsRepository,
  logger: Logger,
  connectionId: string,
  error: { code: string; message: string },
): Promise<void> {
  const row = await repo.findById(connectionId);
  // A connection that never had tokens is not broken, just not authorized yet.
  if (!row || row.status === 'not_authorized') return;
  const message = `Exact refused the connection's tokens (${error.code}); an admin must authorize "${row.name}" again.`;
  const details = { code: error.code, exactMessage: error.message };
  // The token store, a test and the health check can all meet the same refusal: recorded once.
  if (!(await repo.markNeedsReauth(connectionId))) return;
  await repo.recordEvent({
    workspaceId: row.workspaceId,
    connectionId,
    kind: 'token_refresh_failed',
    level: 'error',
    message,
    details,
  });
  await repo.raiseAlert({
    workspaceId: row.workspaceId,
    connectionId,
    kind: REAUTH_ALERT_KIND,
    message,
    details,
  });
  logger.warn({ connectionId, code: error.code }, 'connection needs re-authorization');
}
