import { randomUUID } from 'node:crypto';
import { and, eq, isNull, lt } from 'drizzle-orm';
import type { Db } from '../storage/database.ts';
import { oauthStates } from '../storage/schema.ts';

export type OAuthStateRow = typeof oauthStates.$inferSelect;

export type ConsumedState = { ok: true; state: OAuthStateRow } | { ok: false; problem: 'unknown' | 'reused' };

/** OAuth `state` records: stored as SHA-256 digests, consumed exactly once. */
export class OAuthStatesRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async create(input: {
    stateHash: string;
    sessionId: string;
    workspaceId: string;
    connectionId: string;
    returnTo: string | null;
    expiresAt: Date;
  }): Promise<void> {
    await this.#db.insert(oauthStates).values({ id: randomUUID(), ...input });
  }

  async findByHash(stateHash: string): Promise<OAuthStateRow | undefined> {
    const [row] = await this.#db.select().from(oauthStates).where(eq(oauthStates.stateHash, stateHash));
    return row;
  }

  /** Marks the state used in one statement, so two callbacks racing with one state cannot both win. */
  async consume(stateHash: string, now: Date): Promise<ConsumedState> {
    const [row] = await this.#db
      .update(oauthStates)
      .set({ usedAt: now })
      .where(and(eq(oauthStates.stateHash, stateHash), isNull(oauthStates.usedAt)))
      .returning();
    if (row) return { ok: true, state: row };
    const [known] = await this.#db
      .select({ id: oauthStates.id })
      .from(oauthStates)
      .where(eq(oauthStates.stateHash, stateHash));
    return { ok: false, problem: known ? 'reused' : 'unknown' };
  }

  /** Removes states past their expiry, used or not; returns how many. */
  async deleteExpired(now: Date): Promise<number> {
    const rows = await this.#db
      .delete(oauthStates)
      .where(lt(oauthStates.expiresAt, now))
      .returning({ id: oauthStates.id });
    return rows.length;
  }
}
