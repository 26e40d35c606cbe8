import { randomUUID } from 'node:crypto';
import { and, count, eq, isNull } from 'drizzle-orm';
import type { Db } from '../storage/database.ts';
import { totpRecoveryCodes } from '../storage/schema.ts';

export class RecoveryCodesRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** Replaces every code of the user with these digests, in one transaction. */
  async replace(userId: string, codeHashes: readonly string[]): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await tx.delete(totpRecoveryCodes).where(eq(totpRecoveryCodes.userId, userId));
      await tx
        .insert(totpRecoveryCodes)
        .values(codeHashes.map((codeHash) => ({ id: randomUUID(), userId, codeHash })));
    });
  }

  /**
   * Marks the code used only if it is still unused, in one conditional update: of several
   * requests with the same code exactly one gets true.
   */
  async claim(userId: string, codeHash: string, now: Date): Promise<boolean> {
    const rows = await this.#db
      .update(totpRecoveryCodes)
      .set({ usedAt: now })
      .where(
        and(
          eq(totpRecoveryCodes.userId, userId),
          eq(totpRecoveryCodes.codeHash, codeHash),
          isNull(totpRecoveryCodes.usedAt),
        ),
      )
      .returning({ id: totpRecoveryCodes.id });
    return rows.length > 0;
  }

  async countUnused(userId: string): Promise<number> {
    const [row] = await this.#db
      .select({ n: count() })
      .from(totpRecoveryCodes)
      .where(and(eq(totpRecoveryCodes.userId, userId), isNull(totpRecoveryCodes.usedAt)));
    return row?.n ?? 0;
  }

  async deleteForUser(userId: string): Promise<void> {
    await this.#db.delete(totpRecoveryCodes).where(eq(totpRecoveryCodes.userId, userId));
  }
}
