import { ExactApiError, ExactInputError } from '../errors.ts';
import type { RateGovernor } from '../rate-limit/rate-governor.ts';
import { deadline, type Fetch, realTimer, type Sleep, type Timer } from '../runtime.ts';
import type { TokenManager } from '../tokens/token-manager.ts';
import { exactMessage } from './error-body.ts';
import { failedBeforeSending, networkError } from './network-failure.ts';

export interface RetryOptions {
  /** Extra attempts for idempotent requests after 5xx or network errors (default 3). */
  attempts?: number;
  /** First backoff step (default 500 ms), doubled per attempt, with full jitter. */
  baseDelayMs?: number;
  /** Cap of one backoff step (default 10 s). */
  maxDelayMs?: number;
  /** Retries after a 429 (default 5); each waits for the reset the headers announce. */
  rateLimitAttempts?: number;
}

export interface ExactHttpOptions {
  baseUrl: string;
  tokens: TokenManager;
  governor: RateGovernor;
  fetch: Fetch;
  sleep: Sleep;
  random?: () => number;
  /** Per-request timeout (default 60 s), measured on `timer`. */
  timeoutMs?: number;
  timer?: Timer;
  retry?: RetryOptions;
  userAgent?: string;
}

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** `null` for `current/Me`; every other call names its division. */
  division: number | null;
  /** Resource path after `/api/v1/{division}/`, e.g. `crm/Accounts`. */
  resource: string;
  /** Query string without `?`. */
  query?: string;
  /** An absolute URL from `__next`, used instead of resource + query. */
  url?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Sends no `Accept` header: `…/$count` answers a bare integer as text (facts §3.5). */
  plainText?: boolean;
  /** Background work may be refused to keep the daily reserve. */
  background?: boolean;
  /** A beta endpoint: the URL is `/api/v1/beta/{division}/…`. */
  beta?: boolean;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  /** The body as received; `json()` parses it. */
  text: string;
  /** Parsed JSON body, or null when the body is empty; `invalid_response` when it is not JSON. */
  json(): unknown;
}

const IDEMPOTENT = new Set(['GET', 'PUT', 'DELETE']);

/**
 * Sends one API call: rate budget first, bearer token, JSON, timeouts, retries with backoff
 * and jitter (idempotent verbs only), one refresh + retry on 401, wait + retry on 429.
 */
export class ExactHttp {
  readonly baseUrl: string;
  readonly #origin: string;
  readonly #tokens: TokenManager;
  readonly #governor: RateGovernor;
  readonly #fetch: Fetch;
  readonly #sleep: Sleep;
  readonly #random: () => number;
  readonly #timeoutMs: number;
  readonly #timer: Timer;
  readonly #attempts: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #rateLimitAttempts: number;
  readonly #userAgent: string;

  constructor(options: ExactHttpOptions) {
    this.baseUrl = options.baseUrl;
    this.#origin = new URL(options.baseUrl).origin;
    this.#tokens = options.tokens;
    this.#governor = options.governor;
    this.#fetch = options.fetch;
    this.#sleep = options.sleep;
    this.#random = options.random ?? Math.random;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#timer = options.timer ?? realTimer;
    this.#attempts = options.retry?.attempts ?? 3;
    this.#baseDelayMs = options.retry?.baseDelayMs ?? 500;
    this.#maxDelayMs = options.retry?.maxDelayMs ?? 10_000;
    this.#rateLimitAttempts = options.retry?.rateLimitAttempts ?? 5;
    this.#userAgent = options.userAgent ?? '@koppel/exact';
  }

  #url(request: ApiRequest): string {
    if (request.url !== undefined) {
      // A `__next` link must stay on Exact's host: the bearer token goes with it.
      if (new URL(request.url).origin !== this.#origin) {
        throw new ExactInputError(`Refusing to follow a link to another host: ${request.url}`, {
          url: request.url,
        });
      }
      return request.url;
    }
    const scope = request.division === null ? '' : `${request.beta ? 'beta/' : ''}${request.division}/`;
    const query = request.query ? `?${request.query}` : '';
    return `${this.baseUrl}/api/v1/${scope}${request.resource}${query}`;
  }

  #backoff(attempt: number): number {
    return Math.floor(this.#random() * Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** attempt));
  }

  async send(request: ApiRequest): Promise<ApiResponse> {
    if (request.division !== null && !(Number.isSafeInteger(request.division) && request.division > 0)) {
      throw new ExactInputError(`Division must be a positive integer, got ${request.division}`, {
        division: request.division,
      });
    }
    const url = this.#url(request);
    const idempotent = IDEMPOTENT.has(request.method);
    const headers: Record<string, string> = {
      ...(request.plainText ? {} : { Accept: 'application/json' }),
      'User-Agent': this.#userAgent,
      ...request.headers,
    };
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const context = { method: request.method, endpoint: request.resource, division: request.division };

    let failures = 0;
    let rateLimited = 0;
    let refreshed = false;
    for (;;) {
      const booked = await this.#governor.acquire(request.division, request.background ?? false);
      const token = await this.#tokens.accessToken();
      let response: Response;
      let text: string;
      const timeout = deadline(this.#timer, this.#timeoutMs);
      try {
        response = await this.#fetch(url, {
          method: request.method,
          headers: { ...headers, Authorization: `Bearer ${token}` },
          body,
          signal: timeout.signal,
        });
        text = await response.text();
      } catch (error) {
        const wrapped = networkError(error, `${request.method} ${request.resource}`, context);
        if ((idempotent || failedBeforeSending(error)) && failures < this.#attempts) {
          await this.#sleep(this.#backoff(failures++));
          continue;
        }
        throw wrapped;
      } finally {
        timeout.cancel();
      }
      const waitMs = await this.#governor.observe(booked, response.status, response.headers);

      if (response.ok) {
        const ok = response;
        return {
          status: ok.status,
          headers: ok.headers,
          text,
          json: () => parseJson(text, ok, context),
        };
      }
      if (response.status === 401 && !refreshed) {
        refreshed = true;
        await this.#tokens.refresh(token);
        continue;
      }
      if (response.status === 429 && rateLimited < this.#rateLimitAttempts) {
        rateLimited++;
        await this.#sleep(waitMs);
        continue;
      }
      if (response.status >= 500 && idempotent && failures < this.#attempts) {
        await this.#sleep(this.#backoff(failures++));
        continue;
      }
      throw new ExactApiError({
        ...context,
        status: response.status,
        exactMessage: exactMessage(text),
        reason: response.headers.get('reason'),
      });
    }
  }
}

function parseJson(
  text: string,
  response: Response,
  context: { method: string; endpoint: string; division: number | null },
): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    throw new ExactApiError(
      {
        ...context,
        status: response.status,
        exactMessage: `Expected JSON, got ${response.headers.get('content-type') ?? 'no content type'}: ${text.slice(0, 200)}`,
        reason: response.headers.get('reason'),
      },
      'invalid_response',
    );
  }
}
