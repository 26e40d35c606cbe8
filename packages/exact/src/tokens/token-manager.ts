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
  /** Refresh when this little lifetime remains (default 30 s: Exact refuses earlier refreshes). */
  refreshMarginMs?: number;
}

// One in-flight refresh per (store, key) in this process, shared by every manager using it.
const inFlight = new WeakMap<TokenStore, Map<string, Promise<TokenSet>>>();

/** Hands out valid access tokens and refreshes them once for all concurrent callers. */
export class TokenManager {
  readonly #store: TokenStore;
  readonly #key: string;
  readonly #oauth: Pick<OAuthClient, 'refresh'>;
  readonly #clock: Clock;
  readonly #marginMs: number;

  constructor(options: TokenManagerOptions) {
    this.#store = options.store;
    this.#key = options.key;
    this.#oauth = options.oauth;
    this.#clock = options.clock;
    this.#marginMs = options.refreshMarginMs ?? 30_000;
  }

  #fresh(tokens: TokenSet): boolean {
    return tokens.expiresAt - this.#clock.now() > this.#marginMs;
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
    let perStore = inFlight.get(this.#store);
    if (perStore === undefined) {
      perStore = new Map();
      inFlight.set(this.#store, perStore);
    }
    const running = perStore.get(this.#key);
    if (running !== undefined) return running;
    const map = perStore;
    const refresh = this.#store
      .withRefreshLock(this.#key, async (locked) => {
        const current = await locked.load();
        if (current === undefined) throw this.#missing();
        if (current.accessToken !== staleAccessToken && this.#fresh(current)) return current;
        const next = await this.#oauth.refresh(current.refreshToken);
        await locked.save(next);
        return next;
      })
      .finally(() => map.delete(this.#key));
    map.set(this.#key, refresh);
    return refresh;
  }
}
