import { randomUUID } from 'node:crypto';
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../storage/database.ts';
import { invitations, type Role } from '../storage/schema.ts';

export type InvitationRow = typeof invitations.$inferSelect;

export class InvitationsRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async create(input: {
    workspaceId: string;
    email: string;
    role: Role;
    tokenHash: string;
    invitedBy: string;
    expiresAt: Date;
  }): Promise<InvitationRow> {
    const [row] = await this.#db
      .insert(invitations)
      .values({ id: randomUUID(), ...input })
      .returning();
    return row!;
  }

  async listForWorkspace(workspaceId: string): Promise<InvitationRow[]> {
    return this.#db
      .select()
      .from(invitations)
      .where(eq(invitations.workspaceId, workspaceId))
      .orderBy(desc(invitations.createdAt));
  }

  async findByTokenHash(tokenHash: string): Promise<InvitationRow | undefined> {
    const [row] = await this.#db.select().from(invitations).where(eq(invitations.tokenHash, tokenHash));
    return row;
  }

  /** Marks the invitation used, only if still open: the single-use guarantee under concurrency. */
  async consume(id: string, userId: string, now: Date, db: Db = this.#db): Promise<boolean> {
    const rows = await db
      .update(invitations)
      .set({ acceptedAt: now, acceptedBy: userId })
      .where(
        and(
          eq(invitations.id, id),
          isNull(invitations.acceptedAt),
          isNull(invitations.revokedAt),
          gt(invitations.expiresAt, now),
        ),
      )
      .returning({ id: invitations.id });
    return rows.length > 0;
  }

  async revoke(workspaceId: string, id: string, now: Date): Promise<InvitationRow | undefined> {
    const [row] = await this.#db
      .update(invitations)
      .set({ revokedAt: now })
      .where(
        and(
          eq(invitations.id, id),
          eq(invitations.workspaceId, workspaceId),
          isNull(invitations.acceptedAt),
          isNull(invitations.revokedAt),
        ),
      )
      .returning();
    return row;
  }
}

export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

export function invitationStatus(row: InvitationRow, now: Date): InvitationStatus {
  if (row.acceptedAt) return 'accepted';
  if (row.revokedAt) return 'revoked';
  if (row.expiresAt <= now) return 'expired';
  return 'pending';
}
