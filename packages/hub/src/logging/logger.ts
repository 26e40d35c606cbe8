import { type DestinationStream, type Logger, pino } from 'pino';

/**
 * Paths pino censors in every log line. Request bodies are never logged; these cover headers,
 * and any object a module logs that carries a credential under a conventional name.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-koppel-csrf"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  '*.password',
  '*.newPassword',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.access_token',
  '*.refresh_token',
  '*.clientSecret',
  '*.client_secret',
  '*.webhookSecret',
  '*.secret',
  '*.secretKey',
  '*.databaseUrl',
  '*.smtpUrl',
  'password',
  'token',
  'secret',
  'databaseUrl',
  'smtpUrl',
];

const SENSITIVE_QUERY_PARAMS = new Set([
  'code',
  'state',
  'token',
  'access_token',
  'refresh_token',
  'client_secret',
]);

/** A request URL fit for a log line: OAuth codes, states and tokens in the query string are replaced. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const name of [...params.keys()]) {
    if (SENSITIVE_QUERY_PARAMS.has(name.toLowerCase())) params.set(name, '[redacted]');
  }
  return `${url.slice(0, q)}?${params.toString()}`;
}

// Database drivers attach the statement's parameters to their errors (PGlite: `params`,
// Drizzle: `params` and a message that lists them); parameters hold user data and hashes.
// Postgres' `detail` quotes row values too (`Key (email)=(…) already exists`).
const PARAMETER_FIELDS = ['params', 'parameters', 'queryOptions', 'detail'];

/** pino's error serializer without query parameters, at any depth of `cause`. */
export function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  for (const field of PARAMETER_FIELDS) delete serialized[field];
  if (typeof serialized.message === 'string') {
    serialized.message = serialized.message.replace(/\nparams: [\s\S]*$/, '');
  }
  if (typeof serialized.stack === 'string') {
    serialized.stack = serialized.stack.replace(/\nparams: [\s\S]*?(?=\n\s+at |\ncaused by|$)/g, '');
  }
  if ('cause' in error) serialized.cause = serializeError(error.cause);
  return serialized;
}

interface LoggedRequest {
  method: string;
  url: string;
  ip?: string;
  id?: string;
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'koppel' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: {
        err: serializeError,
        req: (req: LoggedRequest) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url),
          ip: req.ip,
        }),
      },
    },
    destination,
  );
}

/** A database URL fit for a log line or a doctor report: the password is replaced. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}
