import { ExactInputError, ExactTokenError } from '../errors.ts';
import { failedBeforeSending, isTimeout } from '../http/network-failure.ts';
import { type Region, resolveBaseUrl } from '../regions.ts';
import { type Clock, deadline, type Fetch, realTimer, systemClock, type Timer } from '../runtime.ts';
import { type Grant, tokenErrorFromResponse } from './token-errors.ts';
import type { TokenSet } from './token-set.ts';

export interface OAuthClientOptions {
  /** Region code or base URL (e.g. exact-sim's `url`). */
  region: Region | string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  fetch?: Fetch;
  clock?: Clock;
  /** Give up on the token endpoint after this long (default 30 s); a lost reply is then reported. */
  timeoutMs?: number;
  /** Measures `timeoutMs` (default real timers). */
  timer?: Timer;
}

export interface AuthorizeUrlOptions {
  /** Opaque value round-tripped to the redirect URI; check it there against CSRF. */
  state: string;
  /** Force Exact's login screen even when the user has a session (`force_login=1`). */
  forceLogin?: boolean;
}

/** Exact's OAuth2 code grant: authorize URL, code exchange, refresh (facts §1). */
export class OAuthClient {
  readonly baseUrl: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly #clientSecret: string;
  readonly #fetch: Fetch;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #timer: Timer;

  constructor(options: OAuthClientOptions) {
    for (const name of ['clientId', 'clientSecret', 'redirectUri'] as const) {
      if (!options[name]) throw new ExactInputError(`OAuth option ${name} is required`, { option: name });
    }
    this.baseUrl = resolveBaseUrl(options.region);
    this.clientId = options.clientId;
    this.redirectUri = options.redirectUri;
    this.#clientSecret = options.clientSecret;
    this.#fetch = options.fetch ?? fetch;
    this.#clock = options.clock ?? systemClock;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#timer = options.timer ?? realTimer;
  }

  authorizeUrl(options: AuthorizeUrlOptions): string {
    const params = new URLSearchParams({
      client_id: this.clientId,
      redirect_uri: this.redirectUri,
      response_type: 'code',
      state: options.state,
      force_login: options.forceLogin ? '1' : '0',
    });
    return `${this.baseUrl}/api/oauth2/auth?${params}`;
  }

  /** Exchanges the `code` from the redirect (single use, lives minutes) for a token pair. */
  exchangeCode(code: string): Promise<TokenSet> {
    if (!code) throw new ExactInputError('Authorization code is empty');
    return this.#tokenRequest('authorization_code', {
      grant_type: 'authorization_code',
      code,
      redirect_uri: this.redirectUri,
    });
  }

  /** Trades a refresh token (single use) for a new pair. */
  refresh(refreshToken: string): Promise<TokenSet> {
    return this.#tokenRequest('refresh_token', { grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  async #tokenRequest(grant: Grant, fields: Record<string, string>): Promise<TokenSet> {
    const body = new URLSearchParams({
      ...fields,
      client_id: this.clientId,
      client_secret: this.#clientSecret,
    });
    const url = `${this.baseUrl}/api/oauth2/token`;
    let response: Response;
    let text: string;
    const timeout = deadline(this.#timer, this.#timeoutMs);
    try {
      response = await this.#fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: body.toString(),
        signal: timeout.signal,
      });
      text = await response.text();
    } catch (error) {
      if (failedBeforeSending(error)) {
        throw new ExactTokenError(
          'token_endpoint_unreachable',
          `Could not reach Exact's token endpoint at ${url}; nothing was consumed, try again later`,
          { grant },
          { cause: error },
        );
      }
      // The request may have been processed: the code or refresh token is then spent and
      // its replacement lost with the reply (facts §1.6). Retrying cannot repair that.
      throw new ExactTokenError(
        'token_response_lost',
        `The token endpoint's reply was lost (${isTimeout(error) ? 'timeout' : 'connection closed'}); the ${
          grant === 'refresh_token' ? 'refresh token' : 'code'
        } may already be consumed, so the connection must be authorized again`,
        { grant },
        { cause: error },
      );
    } finally {
      timeout.cancel();
    }
    if (!response.ok)
      throw tokenErrorFromResponse(grant, response.status, text, response.headers.get('reason'));
    return this.#readTokens(grant, text);
  }

  #readTokens(grant: Grant, text: string): TokenSet {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = {};
    }
    const { access_token: accessToken, refresh_token: refreshToken, expires_in: expiresIn } = body;
    const seconds = typeof expiresIn === 'string' && /^\d+$/.test(expiresIn) ? Number(expiresIn) : expiresIn;
    if (
      typeof accessToken !== 'string' ||
      accessToken === '' ||
      typeof refreshToken !== 'string' ||
      refreshToken === '' ||
      typeof seconds !== 'number' ||
      !Number.isFinite(seconds) ||
      seconds <= 0
    ) {
      throw new ExactTokenError(
        'token_response_invalid',
        'The token endpoint answered 2xx without access_token, refresh_token and a positive expires_in',
        { grant },
      );
    }
    const now = this.#clock.now();
    return { accessToken, refreshToken, expiresAt: now + seconds * 1000, obtainedAt: now };
  }
}
