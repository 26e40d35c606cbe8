// /api/oauth2/token: code exchange and refresh with Exact's rules and error bodies
// (exact-online-api.md §1.3–1.5): `expires_in` as the string "600", `token_type`
// "bearer", single-use refresh tokens, no refresh in the first 570 s, refresh tokens that
// expire, a daily allowance of token calls, and injectable lost replies.
import type { Clock } from '../contract.ts';
import type { Directory, SimApp } from '../directory.ts';
import type { Faults } from '../faults.ts';
import { type FormFields, field, parseForm } from '../server/form.ts';
import {
  DROP_CONNECTION,
  jsonReply,
  type Outcome,
  type Reply,
  type SimRequest,
} from '../server/http-types.ts';
import type { SimStats } from '../stats.ts';
import type { TokenQuota } from './token-quota.ts';
import type { TokenFailure, TokenResult, TokenStore } from './token-store.ts';

export interface TokenEndpointDeps {
  clock: Clock;
  directory: Directory;
  tokens: TokenStore;
  quota: TokenQuota;
  faults: Faults;
  stats: SimStats;
  acceptBasicAuth: boolean;
}

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };
const CHAIN_MESSAGE = 'Token is not allowed, because of invalid or empty chainId';

function tokenError(status: number, error: string, description?: string, reason?: string): Reply {
  const headers: Record<string, string> = { ...NO_STORE };
  if (reason !== undefined) headers.Reason = reason;
  return jsonReply(
    status,
    description === undefined ? { error } : { error, error_description: description },
    headers,
  );
}

const brokenChain = (): Reply => tokenError(400, 'invalid_grant', CHAIN_MESSAGE, `Unknown: ${CHAIN_MESSAGE}`);

/** Exact's server writes these moments US-style, e.g. "10/11/2022 9:18:20 PM" (shown here in UTC). */
export function exactDateTime(ms: number): string {
  const d = new Date(ms);
  const hours = d.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${hours % 12 || 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${hours < 12 ? 'AM' : 'PM'}`;
}

function failureReply(failure: TokenFailure, now: number): Reply {
  switch (failure.kind) {
    case 'code_unknown':
    case 'code_expired':
    case 'code_client_mismatch':
    case 'refresh_unknown':
    case 'refresh_revoked':
    case 'refresh_client_mismatch':
      return brokenChain();
    case 'code_used':
      return tokenError(400, 'invalid_grant', 'The authorization code has already been used.');
    case 'code_redirect_mismatch':
      return tokenError(
        400,
        'invalid_request',
        'redirect_uri does not match the one used to obtain the code.',
      );
    case 'refresh_used':
      return tokenError(401, 'unauthorized_client', 'Old refresh token used.');
    case 'refresh_expired':
      return tokenError(
        400,
        'invalid_request',
        `The refresh token expired at ${exactDateTime(failure.expiredAt)} and it is now ${exactDateTime(now)}.`,
      );
    case 'refresh_too_early':
      return tokenError(
        401,
        'invalid_request',
        `Access token not expired: a new access token can be requested from ${new Date(failure.allowedAt).toISOString()}.`,
        'Access Token not expired',
      );
  }
}

/** Client credentials from the form body, or (when allowed) an HTTP Basic header. */
function clientCredentials(
  fields: FormFields,
  authorization: string | undefined,
  acceptBasic: boolean,
): { clientId: string; clientSecret: string } | undefined {
  const clientId = field(fields, 'client_id');
  const clientSecret = field(fields, 'client_secret');
  if (clientId !== undefined && clientSecret !== undefined) return { clientId, clientSecret };
  if (acceptBasic && authorization?.startsWith('Basic ')) {
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1) return undefined;
    try {
      return {
        clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
        clientSecret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
      };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function createTokenHandler(deps: TokenEndpointDeps): (request: SimRequest) => Promise<Outcome> {
  const { clock, directory, tokens, quota, faults, stats } = deps;

  return async (request) => {
    await faults.delay();
    const now = clock.now();
    if (request.method !== 'POST') {
      return tokenError(405, 'invalid_request', 'Use POST with a form body.');
    }
    const fields = parseForm(request.body);
    const credentials = clientCredentials(fields, request.headers.authorization, deps.acceptBasicAuth);
    const app: SimApp | undefined = credentials ? directory.app(credentials.clientId) : undefined;
    const grantType = field(fields, 'grant_type') ?? '';
    stats.tokenCall(credentials?.clientId ?? '(none)', grantType || '(none)');
    if (!credentials || !app || app.clientSecret !== credentials.clientSecret) {
      stats.tokenFailure('client_authentication');
      return tokenError(400, 'invalid_request');
    }

    let result: TokenResult;
    if (grantType === 'authorization_code') {
      const code = field(fields, 'code');
      if (!code) return tokenError(400, 'invalid_request', 'The code parameter is missing.');
      if (!quota.take(app.clientId, tokens.userOfCode(code), now)) return quotaExceeded(quota.perDay, stats);
      result = tokens.redeemCode(code, app.clientId, field(fields, 'redirect_uri'), now);
    } else if (grantType === 'refresh_token') {
      const refreshToken = field(fields, 'refresh_token');
      if (!refreshToken) return tokenError(400, 'invalid_request', 'The refresh_token parameter is missing.');
      if (!quota.take(app.clientId, tokens.userOfRefreshToken(refreshToken), now)) {
        return quotaExceeded(quota.perDay, stats);
      }
      result = tokens.refresh(refreshToken, app.clientId, now);
    } else {
      stats.tokenFailure('unsupported_grant_type');
      return tokenError(
        400,
        'unsupported_grant_type',
        'grant_type must be authorization_code or refresh_token.',
      );
    }

    if (!result.ok) {
      stats.tokenFailure(result.failure.kind);
      return failureReply(result.failure, now);
    }
    if (faults.takeTokenDrop()) {
      stats.tokenDropped();
      return DROP_CONNECTION;
    }
    return jsonReply(
      200,
      {
        access_token: result.pair.accessToken,
        token_type: 'bearer',
        expires_in: String(result.pair.expiresIn),
        refresh_token: result.pair.refreshToken,
      },
      NO_STORE,
    );
  };
}

/** UNCONFIRMED how Exact answers call 201 of the day; a 429 lets clients back off instead of re-authorizing. */
function quotaExceeded(perDay: number, stats: SimStats): Reply {
  stats.tokenFailure('daily_token_limit');
  return tokenError(
    429,
    'invalid_request',
    `Maximum of ${perDay} token requests per app per user per day reached; try again after 00:00 UTC.`,
    'TooManyTokenRequests',
  );
}
