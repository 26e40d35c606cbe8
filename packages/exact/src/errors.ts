/** Context attached to every SDK error; never holds secrets. */
export type ErrorContext = Record<string, string | number | boolean | null | undefined>;

/** Base class of every error the SDK throws: a stable `code`, a human message and context. */
export class ExactError extends Error {
  readonly code: string;
  readonly context: ErrorContext;

  constructor(code: string, message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.context = context;
  }
}

/** A caller passed something the SDK cannot use (bad option, bad literal, unknown field…). */
export class ExactInputError extends ExactError {
  constructor(message: string, context: ErrorContext = {}) {
    super('invalid_input', message, context);
  }
}

export type TokenErrorCode =
  | 'refresh_token_reused'
  | 'refresh_token_expired'
  | 'token_chain_broken'
  | 'invalid_client'
  | 'authorization_code_invalid'
  | 'refresh_too_early'
  | 'token_response_lost'
  | 'token_endpoint_unreachable'
  | 'token_response_invalid'
  | 'token_endpoint_error'
  | 'not_authorized';

/** Codes after which only a new authorization (the user logging in again) helps. */
const REAUTHORIZE: ReadonlySet<TokenErrorCode> = new Set([
  'refresh_token_reused',
  'refresh_token_expired',
  'token_chain_broken',
  'invalid_client',
  'authorization_code_invalid',
  'token_response_lost',
  'token_response_invalid',
  'not_authorized',
]);

/** A failure at Exact's token endpoint (`/api/oauth2/token`) or a missing token pair. */
export class ExactTokenError extends ExactError {
  declare readonly code: TokenErrorCode;
  /** True when retrying cannot help: the connection must be authorized again by a user. */
  readonly reauthorizationRequired: boolean;
  readonly status: number | null;

  constructor(
    code: TokenErrorCode,
    message: string,
    context: ErrorContext & { status?: number | null } = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, context, options);
    this.status = context.status ?? null;
    this.reauthorizationRequired = REAUTHORIZE.has(code);
  }
}

export type ApiErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'rate_limited'
  | 'server_error'
  | 'unexpected_status'
  | 'invalid_response';

export interface ApiErrorContext {
  status: number;
  /** Exact's own message (`error.message.value`) or the raw body when it is not Exact's JSON. */
  exactMessage: string;
  /** The `Reason` response header (e.g. `NoDivisionAccess`), when sent. */
  reason: string | null;
  method: string;
  /** Resource path without query, e.g. `crm/Accounts`. */
  endpoint: string;
  division: number | null;
}

function apiCode(status: number): ApiErrorCode {
  if (status === 400) return 'bad_request';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 405) return 'method_not_allowed';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  return 'unexpected_status';
}

/** A non-success answer from the REST API under `/api/v1`. */
export class ExactApiError extends ExactError {
  declare readonly code: ApiErrorCode;
  readonly status: number;
  readonly exactMessage: string;
  readonly reason: string | null;
  readonly method: string;
  readonly endpoint: string;
  readonly division: number | null;

  constructor(details: ApiErrorContext, code: ApiErrorCode = apiCode(details.status)) {
    const where = `${details.method} ${details.endpoint}${details.division === null ? '' : ` (division ${details.division})`}`;
    const reason = details.reason ? ` [Reason: ${details.reason}]` : '';
    const text = details.exactMessage ? `: ${details.exactMessage}` : '';
    super(code, `Exact Online answered ${details.status} to ${where}${text}${reason}`, { ...details });
    this.status = details.status;
    this.exactMessage = details.exactMessage;
    this.reason = details.reason;
    this.method = details.method;
    this.endpoint = details.endpoint;
    this.division = details.division;
  }
}

export type NetworkErrorCode = 'network_error' | 'timeout';

/** The request never got an HTTP answer (connection refused/reset, DNS, timeout). */
export class ExactNetworkError extends ExactError {
  declare readonly code: NetworkErrorCode;
  constructor(code: NetworkErrorCode, message: string, context: ErrorContext, options?: { cause?: unknown }) {
    super(code, message, context, options);
  }
}

export type RateLimitErrorCode = 'daily_reserve_reached' | 'daily_limit_reached' | 'rate_limit_wait_too_long';

/** The call was not sent because the rate budget forbids it (see `resetAt`). */
export class ExactRateLimitError extends ExactError {
  declare readonly code: RateLimitErrorCode;
  /** Epoch ms (server clock) at which the budget that blocked the call resets. */
  readonly resetAt: number | null;
  constructor(code: RateLimitErrorCode, message: string, context: ErrorContext & { resetAt: number | null }) {
    super(code, message, context);
    this.resetAt = context.resetAt;
  }
}

export type WebhookErrorCode = 'webhook_signature_invalid' | 'webhook_payload_invalid';

/** A webhook notification that is not authentic or not in Exact's format. */
export class ExactWebhookError extends ExactError {
  declare readonly code: WebhookErrorCode;
  constructor(code: WebhookErrorCode, message: string, context: ErrorContext = {}) {
    super(code, message, context);
  }
}
