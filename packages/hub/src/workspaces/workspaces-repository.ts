import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../storage/database.ts';
import { memberships, type Role, users, workspaces } from '../storage/schema.ts';

export type WorkspaceRow = typeof workspaces.$inferSelect;

export interface MemberView {
  userId: string;
  email: string;
  name: string;
  role: Role;
  joinedAt: Date;
}

export class WorkspacesRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async create(name: string, ownerId: string, db: Db = this.#db): Promise<WorkspaceRow> {
    const [row] = await db.insert(workspaces).values({ id: randomUUID(), name }).returning();
    await db.insert(memberships).values({ workspaceId: row!.id, userId: ownerId, role: 'owner' });
    return row!;
  }

  async listIds(): Promise<string[]> {
    return (await this.#db.select({ id: workspaces.id }).from(workspaces)).map((row) => row.id);
  }

  async findById(id: string): Promise<WorkspaceRow | undefined> {
    const [row] = await this.#db.select().from(workspaces).where(eq(workspaces.id, id));
    return row;
  }

  async rename(id: string, name: string): Promise<WorkspaceRow | undefined> {
    const [row] = await this.#db
      .update(workspaces)
      .set({ name, updatedAt: new Date() })
      .where(eq(workspaces.id, id))
      .returning();
    return row;
  }

  async delete(id: string): Promise<void> {
    await this.#db.delete(workspaces).where(eq(workspaces.id, id));
  }

  async listForUser(userId: string): Promise<(WorkspaceRow & { role: Role })[]> {
    const rows = await this.#db
      .select({ workspace: workspaces, role: memberships.role })
      .from(memberships)
      .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
      .where(eq(memberships.userId, userId))
      .orderBy(asc(workspaces.createdAt), asc(workspaces.name));
    return rows.map((r) => ({ ...r.workspace, role: r.role }));
  }

  async roleOf(workspaceId: string, userId: string, db: Db = this.#db): Promise<Role | undefined> {
    const [row] = await db
      .select({ role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
    return row?.role;
  }

  /** Whether someone with this (normalized) e-mail address is a member already. */
  async hasMemberWithEmail(workspaceId: string, email: string): Promise<boolean> {
    const [row] = await this.#db
      .select({ userId: memberships.userId })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.workspaceId, workspaceId), eq(users.email, email)));
    return row !== undefined;
  }

  async listMembers(workspaceId: string): Promise<MemberView[]> {
    return this.#db
      .select({
        userId: users.id,
        email: users.email,
        name: users.name,
        role: memberships.role,
        joinedAt: memberships.createdAt,
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(eq(memberships.workspaceId, workspaceId))
      .orderBy(asc(memberships.createdAt));
  }

  async addMember(workspaceId: string, userId: string, role: Role, db: Db = this.#db): Promise<void> {
    await db.insert(memberships).values({ workspaceId, userId, role });
  }

  async setRole(workspaceId: string, userId: string, role: Role, db: Db = this.#db): Promise<void> {
    await db
      .update(memberships)
      .set({ role })
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
  }

  async removeMember(workspaceId: string, userId: string, db: Db = this.#db): Promise<void> {
    await db
      .delete(memberships)
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
  }

  /** With `lock`, the owner rows stay locked until the caller's transaction ends. */
  async countOwners(
    workspaceId: string,
    db: Db = this.#db,
    options: { lock?: boolean } = {},
  ): Promise<number> {
    const query = db
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.role, 'owner')));
    const rows = options.lock ? await query.for('update') : await query;
    return rows.length;
  }
}
