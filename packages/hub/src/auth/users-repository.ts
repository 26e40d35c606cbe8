import { randomUUID } from 'node:crypto';
import { and, count, eq, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../storage/database.ts';
import { normalizeEmail } from '../storage/email-address.ts';
import { type RecentReads, recentTag } from '../storage/recent-reads.ts';
import { users } from '../storage/schema.ts';

export type UserRow = typeof users.$inferSelect;

export class UsersRepository {
  readonly #db: Db;
  readonly #recent: RecentReads;

  constructor(db: Db, recent: RecentReads) {
    this.#db = db;
    this.#recent = recent;
  }

  async count(db: Db = this.#db): Promise<number> {
    const [row] = await db.select({ n: count() }).from(users);
    return row?.n ?? 0;
  }

  async create(
    input: { email: string; name: string; passwordHash: string },
    db: Db = this.#db,
  ): Promise<UserRow> {
    const [row] = await db
      .insert(users)
      .values({
        id: randomUUID(),
        email: normalizeEmail(input.email),
        name: input.name,
        passwordHash: input.passwordHash,
      })
      .returning();
    return row!;
  }

  async findById(id: string): Promise<UserRow | undefined> {
    const [row] = await this.#db.select().from(users).where(eq(users.id, id));
    return row;
  }

  async findByEmail(email: string, db: Db = this.#db): Promise<UserRow | undefined> {
    const [row] = await db
      .select()
      .from(users)
      .where(eq(users.email, normalizeEmail(email)));
    return row;
  }

  async update(
    id: string,
    changes: Partial<
      Pick<
        UserRow,
        'name' | 'passwordHash' | 'totpSecretEnc' | 'totpEnabledAt' | 'totpPendingSecretEnc' | 'totpLastStep'
      >
    >,
  ): Promise<void> {
    await this.#db
      .update(users)
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(users.id, id));
    await this.#recent.forgetEverywhere(this.#db, recentTag.user(id));
  }

  /**
   * Records `step` as the last TOTP step used, only if it is later than the stored one; false
   * when another request claimed this step (or a later one) first.
   */
  async claimTotpStep(id: string, step: number): Promise<boolean> {
    const rows = await this.#db
      .update(users)
      .set({ totpLastStep: step })
      .where(and(eq(users.id, id), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
      .returning({ id: users.id });
    await this.#recent.forgetEverywhere(this.#db, recentTag.user(id));
    return rows.length > 0;
  }
}
