import { randomUUID } from 'node:crypto';
import { ExactTokenError, type LockedTokens, type TokenSet, type TokenStore } from '@koppel/exact';
import type { Clock } from '../clock.ts';
import type { ConnectionsRepository } from './connections-repository.ts';
import { KeyedLock } from './keyed-lock.ts';

/**
 * How refreshes of one connection are kept apart: `in-process` when this process owns the
 * database (embedded PGlite allows one), `lease` when several processes share Postgres.
 */
export type RefreshExclusion = 'in-process' | 'lease';

export interface PostgresTokenStoreOptions {
  connections: ConnectionsRepository;
  clock: Clock;
  exclusion: RefreshExclusion;
  /** Called after the lock is released when Exact refused the chain for good (e.g. to mark `needs_reauth`). */
  onReauthorizationRequired?: (connectionId: string, error: ExactTokenError) => Promise<void>;
  /** Waits between attempts to take a lease another process holds (tests shorten it). */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Longer than the SDK's 30 s token-endpoint timeout, so a live holder never loses its lease;
 * a holder that died frees it after this.
 */
const LEASE_MS = 60_000;
const RETRY_MIN_MS = 25;
const RETRY_MAX_MS = 500;

/**
 * The SDK's TokenStore on the hub's database; the key is the connection id. One refresh per
 * connection at a time across all processes, without holding a transaction (or, on PGlite, the
 * database's only connection) while Exact's token endpoint answers: first an in-process lock per
 * connection, then on Postgres a lease in the connection row, taken and released in single
 * statements. Inside the exclusion the SDK's TokenManager re-reads the pair and skips its own
 * refresh when another holder has just stored a fresh one.
 */
export class PostgresTokenStore implements TokenStore {
  readonly #connections: ConnectionsRepository;
  readonly #clock: Clock;
  readonly #exclusion: RefreshExclusion;
  readonly #onReauth: PostgresTokenStoreOptions['onReauthorizationRequired'];
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #local = new KeyedLock();
  readonly #owner = `${process.pid}:${randomUUID()}`;

  constructor(options: PostgresTokenStoreOptions) {
    this.#connections = options.connections;
    this.#clock = options.clock;
    this.#exclusion = options.exclusion;
    this.#onReauth = options.onReauthorizationRequired;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
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
      return await this.#local.run(key, async () => {
        if (this.#exclusion === 'in-process') return await fn(this.#locked(key));
        await this.#takeLease(key);
        try {
          return await fn(this.#locked(key));
        } finally {
          await this.#connections.releaseRefreshLease(key, this.#owner);
        }
      });
    } catch (error) {
      if (error instanceof ExactTokenError && error.reauthorizationRequired && this.#onReauth) {
        await this.#onReauth(key, error);
      }
      throw error;
    }
  }

  #locked(key: string): LockedTokens {
    return {
      load: () => this.load(key),
      save: (tokens) => this.#connections.saveTokens(key, tokens, this.#clock.now()),
    };
  }

  /** Waits (with growing pauses) until this process holds the connection's refresh lease. */
  async #takeLease(key: string): Promise<void> {
    for (let wait = RETRY_MIN_MS; ; wait = Math.min(wait * 2, RETRY_MAX_MS)) {
      const taken = await this.#connections.takeRefreshLease(key, this.#owner, LEASE_MS);
      if (taken) return;
      if (taken === undefined) {
        throw new ExactTokenError('not_authorized', `Connection ${key} no longer exists`, { key });
      }
      await this.#sleep(wait);
    }
  }
}
