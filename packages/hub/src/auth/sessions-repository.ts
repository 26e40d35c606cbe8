import { randomUUID } from 'node:crypto';
import { and, desc, eq, gt, lt, ne, sql } from 'drizzle-orm';
import type { Db } from '../storage/database.ts';
import { type RecentReads, recentTag } from '../storage/recent-reads.ts';
import { type SessionState, sessions, users } from '../storage/schema.ts';

export type SessionRow = typeof sessions.$inferSelect;
type UserRow = typeof users.$inferSelect;

export class SessionsRepository {
  readonly #db: Db;
  readonly #recent: RecentReads;

  constructor(db: Db, recent: RecentReads) {
    this.#db = db;
    this.#recent = recent;
  }

  async create(input: {
    tokenHash: string;
    userId: string;
    state: SessionState;
    expiresAt: Date;
    ip: string | undefined;
    userAgent: string | undefined;
  }): Promise<SessionRow> {
    const [row] = await this.#db
      .insert(sessions)
      .values({
        id: randomUUID(),
        tokenHash: input.tokenHash,
        userId: input.userId,
        state: input.state,
        expiresAt: input.expiresAt,
        ip: input.ip ?? null,
        userAgent: input.userAgent?.slice(0, 400) ?? null,
      })
      .returning();
    return row!;
  }

  async findLive(tokenHash: string, now: Date): Promise<SessionRow | undefined> {
    const [row] = await this.#db
      .select()
      .from(sessions)
      .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now)));
    return row;
  }

  /**
   * The live session and its user in one round trip: every signed-in request asks this. With
   * `recent`, a lookup of the last seconds may answer instead (see RecentReads: reading requests only).
   */
  async findLiveWithUser(
    tokenHash: string,
    now: Date,
    options: { recent?: boolean } = {},
  ): Promise<{ session: SessionRow; user: UserRow } | undefined> {
    const load = async () => {
      const [row] = await this.#db
        .select({ session: sessions, user: users })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now)));
      return row;
    };
    const found = options.recent
      ? await this.#recent.get(`session:${tokenHash}`, load, ({ session }) => [
          recentTag.credential(session.id),
          recentTag.user(session.userId),
        ])
      : await load();
    return found && found.session.expiresAt > now ? found : undefined;
  }

  async listActiveForUser(userId: string, now: Date): Promise<SessionRow[]> {
    return this.#db
      .select()
      .from(sessions)
      .where(and(eq(sessions.userId, userId), eq(sessions.state, 'active'), gt(sessions.expiresAt, now)))
      .orderBy(desc(sessions.lastSeenAt));
  }

  /** Deletes one of the user's sessions; false when the user has no such session. */
  async deleteForUserById(userId: string, id: string): Promise<boolean> {
    const rows = await this.#db
      .delete(sessions)
      .where(and(eq(sessions.id, id), eq(sessions.userId, userId)))
      .returning({ id: sessions.id });
    await this.#recent.forgetEverywhere(this.#db, recentTag.credential(id));
    return rows.length > 0;
  }

  async touch(id: string, now: Date): Promise<void> {
    await this.#db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, id));
  }

  /** Counts a second-factor attempt and returns the new total. */
  async countTotpAttempt(id: string): Promise<number> {
    const [row] = await this.#db
      .update(sessions)
      .set({ totpAttempts: sql`${sessions.totpAttempts} + 1` })
      .where(eq(sessions.id, id))
      .returning({ attempts: sessions.totpAttempts });
    return row?.attempts ?? Number.POSITIVE_INFINITY;
  }

  async delete(id: string): Promise<void> {
    await this.#db.delete(sessions).where(eq(sessions.id, id));
    await this.#recent.forgetEverywhere(this.#db, recentTag.credential(id));
  }

  async deleteForUser(userId: string, options: { except?: string } = {}): Promise<void> {
    await this.#db
      .delete(sessions)
      .where(and(eq(sessions.userId, userId), options.except ? ne(sessions.id, options.except) : undefined));
    await this.#recent.forgetEverywhere(this.#db, recentTag.user(userId));
  }

  async deleteExpired(now: Date): Promise<number> {
    const rows = await this.#db
      .delete(sessions)
      .where(lt(sessions.expiresAt, now))
      .returning({ id: sessions.id });
    return rows.length;
  }
}
