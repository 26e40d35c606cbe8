import { DrizzleQueryError } from 'drizzle-orm';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ErrorCode } from '../errors/error-catalogue.ts';
import { HubError } from '../errors/hub-error.ts';

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

/** Fastify's own failures, answered with the catalogue's codes. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_BAD_URL: 'invalid_url',
  FST_ERR_MAX_PARAM_LENGTH: 'uri_too_long',
};

const EMPTY_JSON_MESSAGE =
  'The body is empty but Content-Type says JSON; send a JSON body or drop the header.';

/** Maps every error to `{error: {code, message, details}}`. Unexpected errors never expose their text. */
export function errorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  return sendError(reply, hubErrorOf(error, request));
}

/** The coded error behind anything a route, a hook or Fastify itself threw. */
export function hubErrorOf(error: FastifyError | Error, request: FastifyRequest): HubError {
  if (error instanceof HubError) {
    if (error.status >= 500) request.log.error({ err: error }, 'request failed');
    return error;
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const part = error.validationContext === 'querystring' ? 'query' : (error.validationContext ?? 'input');
    const issues = error.validation.map((v) => ({
      path: v.instancePath.slice(1).replaceAll('/', '.'),
      message: v.message ?? 'is invalid',
    }));
    const list = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    return new HubError('invalid_request', `The request ${part} is invalid: ${list}`, {
      details: { part, issues },
    });
  }
  const fastifyError = error as FastifyError;
  const known = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (known) {
    return new HubError(
      known,
      fastifyError.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? EMPTY_JSON_MESSAGE : undefined,
    );
  }
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) return new HubError('invalid_json');
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new HubError('bad_request', fastifyError.message);
  }
  const database = databaseErrorOf(error);
  if (database?.code === '23505') return new HubError('already_exists');
  // Query errors carry their parameters; log the database's own error and the SQL only.
  request.log.error(
    database ? { err: database, query: (error as { query?: string }).query } : { err: error },
    'unexpected error',
  );
  return HubError.of('internal_error', { requestId: request.id });
}

/** The driver's error (pg or PGlite) behind a Drizzle query error, when there is one. */
function databaseErrorOf(error: Error): (Error & { code?: string }) | undefined {
  const cause = (error as { cause?: unknown }).cause;
  if (error instanceof DrizzleQueryError && cause instanceof Error) return cause as Error & { code?: string };
  return undefined;
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  const error = HubError.of('route_not_found', {
    method: request.method,
    path: request.url.split('?')[0] ?? '',
  });
  return sendError(reply, error);
}

function sendError(reply: FastifyReply, error: HubError) {
  if (error.status === 429 && error.details && typeof error.details === 'object') {
    const retry = (error.details as { retryAfterSeconds?: number }).retryAfterSeconds;
    if (retry) reply.header('retry-after', String(retry));
  }
  const body: ErrorBody = {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
    },
  };
  // Bypass the route's response schema: error bodies have their own shape.
  return reply
    .code(error.status)
    .type('application/json; charset=utf-8')
    .serializer(JSON.stringify)
    .send(body);
}
