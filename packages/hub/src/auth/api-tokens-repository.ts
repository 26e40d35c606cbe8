import { randomUUID } from 'node:crypto';
import { and, desc, eq, gt, isNull, or } from 'drizzle-orm';
import type { Db } from '../storage/database.ts';
import { type RecentReads, recentTag } from '../storage/recent-reads.ts';
import { apiTokens, users } from '../storage/schema.ts';

export type ApiTokenRow = typeof apiTokens.$inferSelect;
type UserRow = typeof users.$inferSelect;

export class ApiTokensRepository {
  readonly #db: Db;
  readonly #recent: RecentReads;

  constructor(db: Db, recent: RecentReads) {
    this.#db = db;
    this.#recent = recent;
  }

  async create(input: {
    userId: string;
    name: string;
    tokenHash: string;
    tokenPrefix: string;
    expiresAt: Date | null;
  }): Promise<ApiTokenRow> {
    const [row] = await this.#db
      .insert(apiTokens)
      .values({ id: randomUUID(), ...input })
      .returning();
    return row!;
  }

  async listForUser(userId: string): Promise<ApiTokenRow[]> {
    return this.#db
      .select()
      .from(apiTokens)
      .where(eq(apiTokens.userId, userId))
      .orderBy(desc(apiTokens.createdAt));
  }

  /**
   * The live token and its user in one round trip: every request with a bearer token asks this.
   * With `recent`, a lookup of the last seconds may answer instead (see RecentReads: reading
   * requests only).
   */
  async findLiveWithUser(
    tokenHash: string,
    now: Date,
    options: { recent?: boolean } = {},
  ): Promise<{ token: ApiTokenRow; user: UserRow } | undefined> {
    const load = async () => {
      const [row] = await this.#db
        .select({ token: apiTokens, user: users })
        .from(apiTokens)
        .innerJoin(users, eq(users.id, apiTokens.userId))
        .where(
          and(
            eq(apiTokens.tokenHash, tokenHash),
            or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)),
          ),
        );
      return row;
    };
    const found = options.recent
      ? await this.#recent.get(`token:${tokenHash}`, load, ({ token }) => [
          recentTag.credential(token.id),
          recentTag.user(token.userId),
        ])
      : await load();
    return found && (found.token.expiresAt === null || found.token.expiresAt > now) ? found : undefined;
  }

  async markUsed(id: string, now: Date): Promise<void> {
    await this.#db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, id));
  }

  /** Deletes one of the user's tokens; false when the user has no such token. */
  async delete(userId: string, id: string): Promise<boolean> {
    const rows = await this.#db
      .delete(apiTokens)
      .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, userId)))
      .returning({ id: apiTokens.id });
    await this.#recent.forgetEverywhere(this.#db, recentTag.credential(id));
    return rows.length > 0;
  }
}
