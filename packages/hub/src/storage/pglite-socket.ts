import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * Serves the embedded database over the Postgres wire protocol on 127.0.0.1 only, so `psql`
 * and BI tools can read what flows replicated. PGlite has one session, which clients share
 * with the hub: meant for reading, with short transactions.
 */
export async function servePgliteSocket(pglite: PGlite, port: number): Promise<{ close(): Promise<void> }> {
  const server = new PGLiteSocketServer({ db: pglite, port, host: '127.0.0.1' });
  await server.start();
  return { close: () => server.stop() };
}
