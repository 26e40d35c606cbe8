import { DrizzleQueryError } from 'drizzle-orm';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { HubError } from '../errors.ts';
import { RequestValidationError } from './zod-schemas.ts';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

const FASTIFY_CODES: Record<string, { code: string; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: 'payload_too_large',
    message: 'The request body is larger than the hub accepts (KOPPEL_BODY_LIMIT_BYTES).',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'unsupported_media_type',
    message: 'Send the request body as JSON with "Content-Type: application/json".',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'invalid_json',
    message: 'The body is empty but Content-Type says JSON; send a JSON body or drop the header.',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_json', message: 'The request body is not valid JSON.' },
};

/** Maps every error to `{error: {code, message, details}}`. Unexpected errors never expose their text. */
export function errorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof HubError) {
    if (error.status >= 500) request.log.error({ err: error }, 'request failed');
    if (error.status === 429 && error.details && typeof error.details === 'object') {
      const retry = (error.details as { retryAfterSeconds?: number }).retryAfterSeconds;
      if (retry) reply.header('retry-after', String(retry));
    }
    return send(reply, error.status, error.code, error.message, error.details);
  }
  if (error instanceof RequestValidationError) {
    return send(reply, 400, 'invalid_request', error.message, { part: error.part, issues: error.issues });
  }
  const fastifyError = error as FastifyError;
  const known = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (known) return send(reply, fastifyError.statusCode ?? 400, known.code, known.message);
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) {
    return send(reply, 400, 'invalid_json', 'The request body is not valid JSON.');
  }
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return send(reply, fastifyError.statusCode, 'bad_request', fastifyError.message);
  }
  const database = databaseErrorOf(error);
  if (database?.code === '23505') {
    return send(
      reply,
      409,
      'already_exists',
      'A record with these values already exists; reload and try again.',
    );
  }
  // Query errors carry their parameters; log the database's own error and the SQL only.
  request.log.error(
    database ? { err: database, query: (error as { query?: string }).query } : { err: error },
    'unexpected error',
  );
  return send(
    reply,
    500,
    'internal_error',
    `Something went wrong on the hub; the server log has request ${request.id}.`,
  );
}

/** The driver's error (pg or PGlite) behind a Drizzle query error, when there is one. */
function databaseErrorOf(error: Error): (Error & { code?: string }) | undefined {
  const cause = (error as { cause?: unknown }).cause;
  if (error instanceof DrizzleQueryError && cause instanceof Error) return cause as Error & { code?: string };
  return undefined;
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  return send(reply, 404, 'route_not_found', `No route ${request.method} ${request.url.split('?')[0]}.`);
}

function send(reply: FastifyReply, status: number, code: string, message: string, details?: unknown) {
  const body: ErrorBody = { error: { code, message, ...(details === undefined ? {} : { details }) } };
  // Bypass the route's response schema: error bodies have their own shape.
  return reply.code(status).type('application/json; charset=utf-8').serializer(JSON.stringify).send(body);
}
