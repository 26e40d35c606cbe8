import {
  ExactApiError,
  ExactError,
  ExactNetworkError,
  ExactRateLimitError,
  ExactTokenError,
} from '@koppel/exact';

/** Why a call to Exact failed, in the terms a user can act on. */
export const FAILURE_CATEGORIES = [
  'token',
  'scope',
  'licence',
  'user_blocked',
  'division_blocked',
  'no_division_access',
  'rate_limit',
  'network',
  'exact_error',
] as const;
export type FailureCategory = (typeof FAILURE_CATEGORIES)[number];

export interface ExactFailure {
  category: FailureCategory;
  /** The SDK error code (e.g. `forbidden`, `refresh_token_reused`). */
  code: string;
  /** Exact's `Reason` header when it sent one. */
  reason: string | null;
  /** What happened and what to do, for the user. */
  message: string;
}

/** Maps an SDK error (typed class, status, `Reason` header) to a category and advice. */
export function describeExactFailure(error: unknown): ExactFailure {
  if (error instanceof ExactTokenError) {
    return {
      category: 'token',
      code: error.code,
      reason: null,
      message: error.reauthorizationRequired
        ? `Exact no longer accepts this connection's tokens (${error.code}). Authorize the connection again.`
        : `Exact's token endpoint failed (${error.code}). Try again in a few minutes.`,
    };
  }
  if (error instanceof ExactRateLimitError) {
    const at = error.resetAt === null ? 'later' : `after ${new Date(error.resetAt).toISOString()}`;
    return {
      category: 'rate_limit',
      code: error.code,
      reason: null,
      message: `The app's Exact call budget for this division is used up; try again ${at}.`,
    };
  }
  if (error instanceof ExactApiError) return describeApiError(error);
  if (error instanceof ExactNetworkError) {
    return {
      category: 'network',
      code: error.code,
      reason: null,
      message: `Exact could not be reached (${error.message}). Check the app's region or base URL and the network.`,
    };
  }
  if (error instanceof ExactError) {
    return { category: 'exact_error', code: error.code, reason: null, message: error.message };
  }
  throw error;
}

function describeApiError(error: ExactApiError): ExactFailure {
  const base = { code: error.code, reason: error.reason };
  const where = error.division === null ? '' : ` division ${error.division}`;
  switch (error.reason) {
    case 'BlockedUser':
    case 'InactiveUser':
      return {
        ...base,
        category: 'user_blocked',
        message: `The Exact user who authorized the connection is blocked or inactive (${error.reason}). Ask the Exact administrator to unblock the user, or authorize with another user.`,
      };
    case 'LicenseExpired':
    case 'BlockedCustomer':
      return {
        ...base,
        category: 'licence',
        message: `The Exact Online licence is expired or blocked (${error.reason}). Renew the subscription with Exact, then test again.`,
      };
    case 'DivisionBlocked':
      return {
        ...base,
        category: 'division_blocked',
        message: `Exact has blocked${where} (DivisionBlocked). Unblock the administration in Exact or unlink it here.`,
      };
    case 'NoDivisionAccess':
      return {
        ...base,
        category: 'no_division_access',
        message: `The authorizing user has no access to${where} (NoDivisionAccess). Grant the user access in Exact, or unlink the division.`,
      };
  }
  if (error.status === 401) {
    return {
      ...base,
      category: 'token',
      message: `Exact refused the access token for${where || ' the user'}. Authorize the connection again.`,
    };
  }
  if (error.status === 403 && /division scope/i.test(error.exactMessage)) {
    return {
      ...base,
      category: 'scope',
      message: `${where.trim() || 'The division'} is not in the app's division scope. Authorize again and tick it on Exact's consent screen.`,
    };
  }
  if (error.status === 403) {
    return {
      ...base,
      category: 'scope',
      message: `Exact refused access${where ? ` to${where}` : ''}: ${error.exactMessage || 'forbidden'}. Check the app's scopes in the App Center and the user's rights.`,
    };
  }
  if (error.status === 429) {
    return {
      ...base,
      category: 'rate_limit',
      message: `Exact's rate limit for${where || ' this app'} is reached; try again after the reset.`,
    };
  }
  return {
    ...base,
    category: 'exact_error',
    message: `Exact answered ${error.status}${where ? ` for${where}` : ''}: ${error.exactMessage || error.code}.`,
  };
}
