import { ExactError, ExactTokenError } from '@koppel/exact';
import type { Logger } from 'pino';
import type { ExactAccess } from '../connections/exact-access.ts';
import { HubError } from '../errors/hub-error.ts';

export type HealthResult = 'ok' | 'needs_reauth' | 'unreachable' | 'skipped';

/**
 * Checks one connection the way its flows would use it: one `current/Me` call on the shared
 * token store, which refreshes an expired access token. A dead token chain (a hub that was
 * down past its tokens, tokens revoked in Exact) so shows as `needs_reauth` without anyone
 * pressing Test; the token store records the refusal once.
 */
export async function checkConnectionHealth(
  exact: ExactAccess,
  logger: Logger,
  connectionId: string,
): Promise<HealthResult> {
  let client: Awaited<ReturnType<ExactAccess['connectionClient']>>['client'];
  try {
    ({ client } = await exact.connectionClient(connectionId));
  } catch (error) {
    // Switched off, never authorized or already waiting for re-authorization: nothing to learn.
    if (error instanceof HubError && error.code === 'connection_unavailable') return 'skipped';
    throw error;
  }
  try {
    await client.me();
    return 'ok';
  } catch (error) {
    if (error instanceof ExactTokenError && error.reauthorizationRequired) return 'needs_reauth';
    if (!(error instanceof ExactError)) throw error;
    logger.warn({ connectionId, code: error.code }, 'connection health check could not reach Exact');
    return 'unreachable';
  }
}

/** Connections worth checking: authorized and switched on (the others cannot run flows). */
export async function connectionsToCheck(exact: ExactAccess): Promise<string[]> {
  return (await exact.connections.listAll())
    .filter((row) => row.active && row.refreshTokenEnc !== null && row.status !== 'needs_reauth')
    .map((row) => row.id);
}
