import type { TokenSet } from '../oauth/token-set.ts';

/** The token pair as seen inside `withRefreshLock`: reads and writes go through the lock holder. */
export interface LockedTokens {
  load(): Promise<TokenSet | undefined>;
  save(tokens: TokenSet): Promise<void>;
}

/**
 * Where a connection's token pair lives. `key` names the connection (one Exact user + app).
 *
 * `withRefreshLock` must exclude every other holder of the same key — in all processes that
 * share the store — while `fn` runs, and give `fn` a view that reads and writes inside that
 * exclusion. A Postgres store implements it as one transaction: `SELECT … FOR UPDATE` on the
 * connection row for `load`, `UPDATE` for `save`, `COMMIT` after `fn` returns (so the new
 * pair is durable before the lock is released), `ROLLBACK` if it throws.
 */
export interface TokenStore {
  load(key: string): Promise<TokenSet | undefined>;
  save(key: string, tokens: TokenSet): Promise<void>;
  withRefreshLock<T>(key: string, fn: (locked: LockedTokens) => Promise<T>): Promise<T>;
}
