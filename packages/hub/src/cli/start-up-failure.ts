import type { HubConfig } from '../config/config.ts';

/**
 * Failures the operator fixes rather than the code: one line saying what happened and what to
 * do, instead of a stack trace. Undefined for anything else (a bug, logged with its stack).
 */
export function describeStartUpFailure(
  error: unknown,
  config: Pick<HubConfig, 'host' | 'port'> | undefined,
): string | undefined {
  const code =
    (error as NodeJS.ErrnoException | undefined)?.code ??
    (error as { cause?: NodeJS.ErrnoException } | undefined)?.cause?.code;
  const where = config ? `${config.host}:${config.port}` : 'the configured address';
  switch (code) {
    case 'EADDRINUSE':
      return `Cannot listen on ${where}: another program uses that port. Stop it, or choose another port with KOPPEL_PORT or --port.`;
    case 'EACCES':
      return `Cannot listen on ${where}: not allowed to use that port. Choose a port above 1023 with KOPPEL_PORT or --port.`;
    case 'EADDRNOTAVAIL':
      return `Cannot listen on ${where}: this machine has no such address. Set KOPPEL_HOST to one of its addresses, e.g. 127.0.0.1 or 0.0.0.0.`;
    case 'ECONNREFUSED':
      return 'Cannot reach the database: nothing answers at the address in DATABASE_URL. Start Postgres or correct DATABASE_URL.';
    default:
      return undefined;
  }
}
