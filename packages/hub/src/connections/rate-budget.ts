import type { RateBudget, RateState } from '@koppel/exact';
import { eq } from 'drizzle-orm';
import type { Db } from '../storage/database.ts';
import { exactRateBudgets } from '../storage/schema.ts';

/**
 * The SDK's RateBudget in the hub's database, so every server and worker process spends the
 * same per (client id, division) allowance. `update` runs the SDK's decision under a row lock:
 * the row is created if missing (`ON CONFLICT DO NOTHING`), then locked with `FOR UPDATE`.
 */
export class PostgresRateBudget implements RateBudget {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async update<T>(
    key: string,
    fn: (state: RateState | undefined) => { state: RateState | undefined; result: T },
  ): Promise<T> {
    return this.#db.transaction(async (tx) => {
      await tx.insert(exactRateBudgets).values({ key, state: {} }).onConflictDoNothing();
      const [row] = await tx
        .select()
        .from(exactRateBudgets)
        .where(eq(exactRateBudgets.key, key))
        .for('update');
      const { state, result } = fn(stateOf(row?.state));
      if (state === undefined) await tx.delete(exactRateBudgets).where(eq(exactRateBudgets.key, key));
      else
        await tx
          .update(exactRateBudgets)
          .set({ state, updatedAt: new Date() })
          .where(eq(exactRateBudgets.key, key));
      return result;
    });
  }

  async read(key: string): Promise<RateState | undefined> {
    const [row] = await this.#db.select().from(exactRateBudgets).where(eq(exactRateBudgets.key, key));
    return stateOf(row?.state);
  }
}

/** An empty object is the placeholder row `update` inserts: nothing known yet. */
function stateOf(value: unknown): RateState | undefined {
  if (!value || typeof value !== 'object' || Object.keys(value).length === 0) return undefined;
  return value as RateState;
}
