import { ExactTokenError, type LockedTokens, type TokenSet, type TokenStore } from '@koppel/exact';
import type { Clock } from '../clock.ts';
import type { Db } from '../storage/database.ts';
import type { ConnectionsRepository } from './connections-repository.ts';

export interface PostgresTokenStoreOptions {
  db: Db;
  connections: ConnectionsRepository;
  clock: Clock;
  /** Called after the lock is released when Exact refused the chain for good (e.g. to mark `needs_reauth`). */
  onReauthorizationRequired?: (connectionId: string, error: ExactTokenError) => Promise<void>;
}

/**
 * The SDK's TokenStore on the hub's database; the key is the connection id. A refresh runs
 * inside one transaction that holds `SELECT … FOR UPDATE` on the connection row: every other
 * process wanting to refresh the same connection waits on the row lock, then re-reads the pair
 * the winner committed and (through the SDK's TokenManager) skips its own refresh. On PGlite the
 * single connection serialises transactions, which gives the same exclusion in one process.
 */
export class PostgresTokenStore implements TokenStore {
  readonly #db: Db;
  readonly #connections: ConnectionsRepository;
  readonly #clock: Clock;
  readonly #onReauth: PostgresTokenStoreOptions['onReauthorizationRequired'];

  constructor(options: PostgresTokenStoreOptions) {
    this.#db = options.db;
    this.#connections = options.connections;
    this.#clock = options.clock;
    this.#onReauth = options.onReauthorizationRequired;
  }

  async load(key: string): Promise<TokenSet | undefined> {
    const row = await this.#connections.findById(key);
    return row ? this.#connections.tokensOf(row) : undefined;
  }

  async save(key: string, tokens: TokenSet): Promise<void> {
    await this.#connections.saveTokens(key, tokens, null);
  }

  async withRefreshLock<T>(key: string, fn: (locked: LockedTokens) => Promise<T>): Promise<T> {
    try {
      return await this.#db.transaction(async (tx) => {
        const locked = await this.#connections.lockById(key, tx);
        if (!locked) {
          throw new ExactTokenError('not_authorized', `Connection ${key} no longer exists`, { key });
        }
        return fn({
          // The row stays locked until commit, so a re-read inside the transaction sees the latest pair.
          load: async () => {
            const row = await this.#connections.findById(key, tx);
            return row ? this.#connections.tokensOf(row) : undefined;
          },
          save: (tokens) => this.#connections.saveTokens(key, tokens, this.#clock.now(), tx),
        });
      });
    } catch (error) {
      if (error instanceof ExactTokenError && error.reauthorizationRequired && this.#onReauth) {
        await this.#onReauth(key, error);
      }
      throw error;
    }
  }
}
