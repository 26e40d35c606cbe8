import pg from 'pg';
import type { Logger } from 'pino';
import { RECENT_READS_CHANNEL, type RecentReads } from './recent-reads.ts';

const RECONNECT_DELAY_MS = 1_000;

/**
 * Keeps a connection that LISTENs for what the processes on this Postgres database forgot
 * (RecentReads.forgetEverywhere, delivered when the write commits) and forgets it here too.
 * While the connection is down nothing is heard, so once it listens again everything is
 * forgotten; an entry never outlives RECENT_READS_TTL_MS either way.
 */
export async function listenForForgottenReads(
  connectionString: string,
  recent: RecentReads,
  logger: Logger,
): Promise<{ close(): Promise<void> }> {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const scheduleReconnect = () => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      connect()
        .then(() => recent.clear())
        .catch(scheduleReconnect);
    }, RECONNECT_DELAY_MS);
  };
  const lost = (connection: pg.Client, error?: Error) => {
    if (connection !== client || closed) return;
    client = undefined;
    logger.warn(
      { err: error },
      'lost the database connection that hears changes made by other hub processes; reconnecting',
    );
    connection.end().catch(() => {});
    scheduleReconnect();
  };
  const connect = async (): Promise<void> => {
    const connection = new pg.Client({ connectionString });
    connection.on('notification', (message) => {
      if (message.channel === RECENT_READS_CHANNEL && message.payload) recent.forget(message.payload);
    });
    connection.on('error', (error) => lost(connection, error));
    connection.on('end', () => lost(connection));
    try {
      await connection.connect();
      await connection.query(`listen ${RECENT_READS_CHANNEL}`);
    } catch (error) {
      connection.end().catch(() => {});
      throw error;
    }
    client = connection;
  };

  await connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => {});
    },
  };
}
