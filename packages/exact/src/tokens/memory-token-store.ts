import type { TokenSet } from '../oauth/token-set.ts';
import type { LockedTokens, TokenStore } from './token-store.ts';

/** Token store for one process: a map plus a per-key promise chain as the lock. */
export class MemoryTokenStore implements TokenStore {
  readonly #tokens = new Map<string, TokenSet>();
  readonly #locks = new Map<string, Promise<void>>();

  async load(key: string): Promise<TokenSet | undefined> {
    const tokens = this.#tokens.get(key);
    return tokens === undefined ? undefined : { ...tokens };
  }

  async save(key: string, tokens: TokenSet): Promise<void> {
    this.#tokens.set(key, { ...tokens });
  }

  async withRefreshLock<T>(key: string, fn: (locked: LockedTokens) => Promise<T>): Promise<T> {
    const previous = this.#locks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => current);
    this.#locks.set(key, tail);
    await previous;
    try {
      return await fn({ load: () => this.load(key), save: (tokens) => this.save(key, tokens) });
    } finally {
      release();
      if (this.#locks.get(key) === tail) this.#locks.delete(key);
    }
  }
}
