import { eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../storage/database.ts';
import { rateLimits } from '../storage/schema.ts';

/**
 * Fixed-window counters in the database, so a limit holds across every server process.
 * A window starts at the first hit and lasts `windowMs`.
 */
export class RateLimitRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** Current count for `key` within its window (0 when the window has passed). */
  async current(key: string, now: Date, windowMs: number): Promise<{ count: number; resetsAt: Date }> {
    const [row] = await this.#db.select().from(rateLimits).where(eq(rateLimits.key, key));
    if (!row || row.windowStartedAt.getTime() + windowMs <= now.getTime()) {
      return { count: 0, resetsAt: new Date(now.getTime() + windowMs) };
    }
    return { count: row.count, resetsAt: new Date(row.windowStartedAt.getTime() + windowMs) };
  }

  /**
   * Adds one hit atomically, starting a new window when the old one has passed; returns the
   * count including this hit, so concurrent callers each see a distinct number.
   */
  async hit(key: string, now: Date, windowMs: number): Promise<{ count: number; resetsAt: Date }> {
    const windowFloor = sql`${new Date(now.getTime() - windowMs).toISOString()}::timestamptz`;
    const nowValue = sql`${now.toISOString()}::timestamptz`;
    const [row] = await this.#db
      .insert(rateLimits)
      .values({ key, windowStartedAt: now, count: 1 })
      .onConflictDoUpdate({
        target: rateLimits.key,
        set: {
          count: sql`case when ${rateLimits.windowStartedAt} <= ${windowFloor} then 1 else ${rateLimits.count} + 1 end`,
          windowStartedAt: sql`case when ${rateLimits.windowStartedAt} <= ${windowFloor} then ${nowValue} else ${rateLimits.windowStartedAt} end`,
        },
      })
      .returning({ count: rateLimits.count, windowStartedAt: rateLimits.windowStartedAt });
    return {
      count: row?.count ?? 1,
      resetsAt: new Date((row?.windowStartedAt ?? now).getTime() + windowMs),
    };
  }

  /** Takes back one hit (an attempt that turned out not to count). */
  async release(key: string): Promise<void> {
    await this.#db
      .update(rateLimits)
      .set({ count: sql`greatest(${rateLimits.count} - 1, 0)` })
      .where(eq(rateLimits.key, key));
  }

  async reset(key: string): Promise<void> {
    await this.#db.delete(rateLimits).where(eq(rateLimits.key, key));
  }

  async deleteOlderThan(cutoff: Date): Promise<number> {
    const rows = await this.#db
      .delete(rateLimits)
      .where(lt(rateLimits.windowStartedAt, cutoff))
      .returning({ key: rateLimits.key });
    return rows.length;
  }
}
