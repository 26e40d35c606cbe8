import { ExactTokenError } from '../errors.ts';
import type { OAuthClient } from '../oauth/oauth-client.ts';
import type { TokenSet } from '../oauth/token-set.ts';
import type { Clock } from '../runtime.ts';
import type { TokenStore } from './token-store.ts';

export interface TokenManagerOptions {
  store: TokenStore;
  /** Names the connection in the store. */
  key: string;
  oauth: Pick<OAuthClient, 'refresh'>;
  clock: Clock;
  /**
   * Refresh when this little lifetime remains (default 25 s). Exact refuses a refresh in the
   * first 570 s of a 600 s token; the 5 s between leave room for a local clock running ahead.
   */
  refreshMarginMs?: number;
}

/** What the managers of one (store, key) in this process share. */
interface KeyState {
  /** The refresh in flight, joined by every concurrent caller. */
  inFlight?: Promise<TokenSet>;
  /** After Exact answered "not expired yet": keep the current token until then. */
  holdUntil?: number;
}

const shared = new WeakMap<TokenStore, Map<string, KeyState>>();

function stateOf(store: TokenStore, key: string): KeyState {
  let perStore = shared.get(store);
  if (perStore === undefined) {
    perStore = new Map();
    shared.set(store, perStore);
  }
  let state = perStore.get(key);
  if (state === undefined) {
    state = {};
    perStore.set(key, state);
  }
  return state;
}

/** How long to keep a token Exact called unexpired before asking again: 1–5 s, well before it ends. */
function holdMs(remainingMs: number): number {
  return Math.max(1_000, Math.min(5_000, remainingMs / 3));
}

/** Hands out valid access tokens and refreshes them once for all concurrent callers. */
export class TokenManager {
  readonly #store: TokenStore;
  readonly #key: string;
  readonly #oauth: Pick<OAuthClient, 'refresh'>;
  readonly #clock: Clock;
  readonly #marginMs: number;
  readonly #state: KeyState;

  constructor(options: TokenManagerOptions) {
    this.#store = options.store;
    this.#key = options.key;
    this.#oauth = options.oauth;
    this.#clock = options.clock;
    this.#marginMs = options.refreshMarginMs ?? 25_000;
    this.#state = stateOf(options.store, options.key);
  }

  #fresh(tokens: TokenSet): boolean {
    const now = this.#clock.now();
    if (tokens.expiresAt - now > this.#marginMs) return true;
    return this.#state.holdUntil !== undefined && now < this.#state.holdUntil && now < tokens.expiresAt;
  }

  #missing(): ExactTokenError {
    return new ExactTokenError(
      'not_authorized',
      `No tokens stored for connection "${this.#key}"; authorize first`,
      {
        key: this.#key,
      },
    );
  }

  /** A usable access token, refreshing first when ≤ the margin remains. */
  async accessToken(): Promise<string> {
    const tokens = await this.#store.load(this.#key);
    if (tokens === undefined) throw this.#missing();
    if (this.#fresh(tokens)) return tokens.accessToken;
    return (await this.refresh(tokens.accessToken)).accessToken;
  }

  /**
   * Replaces `staleAccessToken` (expired, expiring or refused with 401). Concurrent callers
   * in this process share one refresh; under the store's lock the pair is re-read and the
   * refresh skipped when another process already replaced it.
   */
  refresh(staleAccessToken: string): Promise<TokenSet> {
    const state = this.#state;
    if (state.inFlight !== undefined) return state.inFlight;
    const refresh = this.#store
      .withRefreshLock(this.#key, async (locked) => {
        const current = await locked.load();
        if (current === undefined) throw this.#missing();
        if (current.accessToken !== staleAccessToken && this.#fresh(current)) return current;
        return await this.#replace(current, locked.save);
      })
      .finally(() => {
        state.inFlight = undefined;
      });
    state.inFlight = refresh;
    return refresh;
  }

  async #replace(current: TokenSet, save: (tokens: TokenSet) => Promise<void>): Promise<TokenSet> {
    let next: TokenSet;
    try {
      next = await this.#oauth.refresh(current.refreshToken);
    } catch (error) {
      // "Not expired yet" means Exact's clock is behind ours and the token still works: keep it
      // for a moment rather than fail the caller. The refused refresh did not use the token up.
      const now = this.#clock.now();
      if (error instanceof ExactTokenError && error.code === 'refresh_too_early' && now < current.expiresAt) {
        this.#state.holdUntil = now + holdMs(current.expiresAt - now);
        return current;
      }
      throw error;
    }
    this.#state.holdUntil = undefined;
    await save(next);
    return next;
  }
}
