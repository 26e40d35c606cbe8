/** Stable codes for every error the data plane answers with. */
export type ApiErrorCode =
  | 'query_syntax'
  | 'unknown_property'
  | 'invalid_query_option'
  | 'select_required'
  | 'filter_required'
  | 'not_found'
  | 'method_not_allowed'
  | 'malformed_body'
  | 'validation'
  | 'callback_rejected';

/**
 * An error that becomes an Exact-style response:
 * `{"error":{"code":"","message":{"lang":"","value":"…"}}}` with `status`.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ApiErrorCode;

  constructor(status: number, code: ApiErrorCode, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

export const QUERY_SYNTAX_MESSAGE = 'Bad Request - Error in query syntax.';

export function querySyntaxError(): ApiError {
  return new ApiError(400, 'query_syntax', QUERY_SYNTAX_MESSAGE);
}
