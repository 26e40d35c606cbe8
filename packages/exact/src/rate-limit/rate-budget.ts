import type { RateState } from './rate-state.ts';

/**
 * Shared rate budgets keyed by `{clientId}:{division}`, plus one `{clientId}:me:{connection}`
 * entry per connection naming the division its `current/Me` calls are charged to. `update`
 * must apply `fn` atomically
 * for a key (no other update of that key in between, across every process sharing the
 * budget): a database implementation runs it inside `SELECT … FOR UPDATE` / `UPDATE`.
 */
export interface RateBudget {
  update<T>(
    key: string,
    fn: (state: RateState | undefined) => { state: RateState | undefined; result: T },
  ): Promise<T>;
  read(key: string): Promise<RateState | undefined>;
}

/** Rate budget for one process. */
export class MemoryRateBudget implements RateBudget {
  readonly #states = new Map<string, RateState>();

  async update<T>(
    key: string,
    fn: (state: RateState | undefined) => { state: RateState | undefined; result: T },
  ): Promise<T> {
    const current = this.#states.get(key);
    const { state, result } = fn(current === undefined ? undefined : structuredClone(current));
    if (state === undefined) this.#states.delete(key);
    else this.#states.set(key, state);
    return result;
  }

  async read(key: string): Promise<RateState | undefined> {
    const state = this.#states.get(key);
    return state === undefined ? undefined : structuredClone(state);
  }
}
