import { type ErrorContext, ExactNetworkError } from '../errors.ts';

// Failures that happen before a request reaches the server: safe to repeat for any method.
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Whether a fetch failure certainly happened before the request was sent. */
export function failedBeforeSending(error: unknown): boolean {
  let cause: unknown = error;
  for (let depth = 0; depth < 4 && cause; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && NOT_SENT.has(code)) return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}

export function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

/** Wraps a fetch failure into a typed error. */
export function networkError(error: unknown, what: string, context: ErrorContext): ExactNetworkError {
  const timeout = isTimeout(error);
  const detail =
    error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : '';
  return new ExactNetworkError(
    timeout ? 'timeout' : 'network_error',
    timeout ? `${what} timed out` : `${what} failed: ${detail || 'network error'}`,
    context,
    { cause: error },
  );
}
