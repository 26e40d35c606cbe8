import { ExactTokenError } from '../errors.ts';

export type Grant = 'authorization_code' | 'refresh_token';

interface TokenErrorBody {
  error?: unknown;
  error_description?: unknown;
}

/**
 * Maps a failed token-endpoint answer to a typed error (facts §1.5). Exact mixes
 * `invalid_grant`, `invalid_request` and `unauthorized_client`; the description decides.
 */
export function tokenErrorFromResponse(
  grant: Grant,
  status: number,
  bodyText: string,
  reason: string | null,
): ExactTokenError {
  let body: TokenErrorBody = {};
  try {
    body = JSON.parse(bodyText) as TokenErrorBody;
  } catch {
    // Not JSON: the raw text still goes into the message.
  }
  const error = typeof body.error === 'string' ? body.error : '';
  const description = typeof body.error_description === 'string' ? body.error_description : '';
  const detail = description || error || bodyText.slice(0, 300) || `HTTP ${status}`;
  const text = `${description} ${reason ?? ''}`.toLowerCase();
  const context = { status, error, description, reason, grant };

  if (/not expired/.test(text)) {
    return new ExactTokenError(
      'refresh_too_early',
      `Exact refused the refresh because the access token is not expired yet (new tokens only after 570 s): ${detail}`,
      context,
    );
  }
  if (/old refresh token/.test(text)) {
    return new ExactTokenError(
      'refresh_token_reused',
      `The refresh token was already used (another process refreshed, or a reply was lost); authorize again: ${detail}`,
      context,
    );
  }
  if (/refresh token expired|expired at/.test(text)) {
    return new ExactTokenError(
      'refresh_token_expired',
      `The refresh token expired (unused for 30 days); authorize again: ${detail}`,
      context,
    );
  }
  if (status >= 500 || status === 429) {
    return new ExactTokenError(
      'token_endpoint_error',
      `Exact's token endpoint failed with ${status}: ${detail}`,
      context,
    );
  }
  if (/redirect_uri/.test(text)) {
    return new ExactTokenError(
      'invalid_client',
      `The redirect URI does not match the one registered for the app and used to authorize: ${detail}`,
      context,
    );
  }
  // A code that is unknown, expired or used twice: Exact answers invalid_grant (often with
  // the "chainId" text) or a described 400. Only a new authorization gives a new code.
  if (
    grant === 'authorization_code' &&
    (error === 'invalid_grant' || (status === 400 && description !== ''))
  ) {
    return new ExactTokenError(
      'authorization_code_invalid',
      `The authorization code is invalid, expired or already used; start the authorization again: ${detail}`,
      context,
    );
  }
  if (/chainid|chain/.test(text)) {
    return new ExactTokenError(
      'token_chain_broken',
      `The token chain is broken; authorize again: ${detail}`,
      context,
    );
  }
  if (error === 'invalid_client' || error === 'unauthorized_client' || error === 'invalid_request') {
    return new ExactTokenError(
      'invalid_client',
      `Exact rejected the client credentials or request (check client id, client secret and redirect URI): ${detail}`,
      context,
    );
  }
  if (error === 'invalid_grant') {
    return new ExactTokenError(
      'token_chain_broken',
      `Exact rejected the grant; authorize again: ${detail}`,
      context,
    );
  }
  return new ExactTokenError(
    'not_authorized',
    `Exact's token endpoint refused the request (${status}); authorize again: ${detail}`,
    context,
  );
}
