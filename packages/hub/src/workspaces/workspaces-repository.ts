import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../storage/database.ts';
import { type RecentReads, recentTag } from '../storage/recent-reads.ts';
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
  readonly #recent: RecentReads;

  /**
   * Writes forget the users' recent workspace lists once their statement has run. Inside a
   * transaction that is before the commit; a list read in between is forgotten again when the
   * commit delivers the NOTIFY (Postgres, every process), and PGlite runs nothing else while a
   * transaction is open.
   */
  constructor(db: Db, recent: RecentReads) {
    this.#db = db;
    this.#recent = recent;
  }

  async create(name: string, ownerId: string, db: Db = this.#db): Promise<WorkspaceRow> {
    const [row] = await db.insert(workspaces).values({ id: randomUUID(), name }).returning();
    await db.insert(memberships).values({ workspaceId: row!.id, userId: ownerId, role: 'owner' });
    await this.#recent.forgetEverywhere(db, recentTag.user(ownerId));
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
    await this.#recent.forgetEverywhere(this.#db, recentTag.workspace(id));
    return row;
  }

  async delete(id: string): Promise<void> {
    await this.#db.delete(workspaces).where(eq(workspaces.id, id));
    await this.#recent.forgetEverywhere(this.#db, recentTag.workspace(id));
  }

  /**
   * The user's workspaces with their role in each. With `recent`, a list read in the last
   * seconds may answer instead (see RecentReads: for showing, never to authorize).
   */
  async listForUser(
    userId: string,
    options: { recent?: boolean } = {},
  ): Promise<(WorkspaceRow & { role: Role })[]> {
    const load = async () => {
      const rows = await this.#db
        .select({ workspace: workspaces, role: memberships.role })
        .from(memberships)
        .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
        .where(eq(memberships.userId, userId))
        .orderBy(asc(workspaces.createdAt), asc(workspaces.name));
      return rows.map((r) => ({ ...r.workspace, role: r.role }));
    };
    if (!options.recent) return load();
    const list = await this.#recent.get(`workspaces:${userId}`, load, (rows) => [
      recentTag.user(userId),
      ...rows.map((w) => recentTag.workspace(w.id)),
    ]);
    return list ?? [];
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
    await this.#recent.forgetEverywhere(db, recentTag.user(userId));
  }

  async setRole(workspaceId: string, userId: string, role: Role, db: Db = this.#db): Promise<void> {
    await db
      .update(memberships)
      .set({ role })
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
    await this.#recent.forgetEverywhere(db, recentTag.user(userId));
  }

  async removeMember(workspaceId: string, userId: string, db: Db = this.#db): Promise<void> {
    await db
      .delete(memberships)
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
    await this.#recent.forgetEverywhere(db, recentTag.user(userId));
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
