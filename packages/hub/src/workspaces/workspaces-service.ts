import { HubError } from '../errors/hub-error.ts';
import { roleAtLeast } from '../http/access.ts';
import type { Db } from '../storage/database.ts';
import type { Role } from '../storage/schema.ts';
import type { MemberView, WorkspaceRow, WorkspacesRepository } from './workspaces-repository.ts';

/** The workspace the caller acts in, with the caller's role there. */
export interface Actor {
  userId: string;
  role: Role;
}

/** Workspaces and their members: who may change which role, and that one owner always remains. */
export class WorkspacesService {
  readonly #db: Db;
  readonly #workspaces: WorkspacesRepository;
  readonly #creators: 'admins' | 'everyone';

  constructor(deps: { db: Db; workspaces: WorkspacesRepository; creators: 'admins' | 'everyone' }) {
    this.#db = deps.db;
    this.#workspaces = deps.workspaces;
    this.#creators = deps.creators;
  }

  /** For showing the user their workspaces (GET /me, GET /workspaces): may be seconds old, see RecentReads. */
  listForUser(userId: string): Promise<(WorkspaceRow & { role: Role })[]> {
    return this.#workspaces.listForUser(userId, { recent: true });
  }

  roleOf(workspaceId: string, userId: string): Promise<Role | undefined> {
    return this.#workspaces.roleOf(workspaceId, userId);
  }

  /**
   * A new workspace owned by `ownerId`. By default only owners and admins of some workspace may
   * create one: a workspace's admin registers Exact apps, so creating one is a privilege.
   */
  async create(name: string, ownerId: string): Promise<WorkspaceRow> {
    const roles = this.#creators === 'admins' ? await this.#workspaces.listForUser(ownerId) : [];
    if (this.#creators === 'admins' && !roles.some((w) => roleAtLeast(w.role, 'admin'))) {
      throw new HubError('workspace_creation_not_allowed');
    }
    return this.#db.transaction((tx) => this.#workspaces.create(name, ownerId, tx));
  }

  async get(workspaceId: string): Promise<WorkspaceRow> {
    const row = await this.#workspaces.findById(workspaceId);
    if (!row) throw new HubError('workspace_not_found', 'No workspace with this id.');
    return row;
  }

  async rename(workspaceId: string, name: string): Promise<WorkspaceRow> {
    const row = await this.#workspaces.rename(workspaceId, name);
    if (!row) throw new HubError('workspace_not_found', 'No workspace with this id.');
    return row;
  }

  delete(workspaceId: string): Promise<void> {
    return this.#workspaces.delete(workspaceId);
  }

  listMembers(workspaceId: string): Promise<MemberView[]> {
    return this.#workspaces.listMembers(workspaceId);
  }

  /** Admins manage admins and viewers; only owners touch the owner role; the last owner stays. */
  async changeRole(workspaceId: string, actor: Actor, userId: string, newRole: Role): Promise<MemberView> {
    await this.#db.transaction(async (tx) => {
      const current = await this.#workspaces.roleOf(workspaceId, userId, tx);
      if (!current) throw new HubError('member_not_found', 'This user is not a member of the workspace.');
      assertMayAssign(actor.role, current, newRole);
      if (current === 'owner' && newRole !== 'owner') await this.#assertNotLastOwner(workspaceId, tx);
      await this.#workspaces.setRole(workspaceId, userId, newRole, tx);
    });
    const members = await this.#workspaces.listMembers(workspaceId);
    return members.find((m) => m.userId === userId)!;
  }

  /** Admins remove members; anyone may leave; the last owner cannot go. */
  async removeMember(workspaceId: string, actor: Actor, userId: string): Promise<void> {
    const self = userId === actor.userId;
    if (!self && !roleAtLeast(actor.role, 'admin')) {
      throw new HubError(
        'insufficient_role',
        `Removing other members needs the admin role; you are ${actor.role}.`,
      );
    }
    await this.#db.transaction(async (tx) => {
      const current = await this.#workspaces.roleOf(workspaceId, userId, tx);
      if (!current) throw new HubError('member_not_found', 'This user is not a member of the workspace.');
      if (!self) assertMayAssign(actor.role, current, current);
      if (current === 'owner') await this.#assertNotLastOwner(workspaceId, tx);
      await this.#workspaces.removeMember(workspaceId, userId, tx);
    });
  }

  async #assertNotLastOwner(workspaceId: string, tx: Db): Promise<void> {
    // Lock the workspace's owner rows so two concurrent demotions cannot both pass the check.
    if ((await this.#workspaces.countOwners(workspaceId, tx, { lock: true })) <= 1) {
      throw new HubError(
        'last_owner',
        'A workspace needs at least one owner; make someone else owner first.',
      );
    }
  }
}

function assertMayAssign(myRole: Role, currentRole: Role, newRole: Role): void {
  if ((currentRole === 'owner' || newRole === 'owner') && myRole !== 'owner') {
    throw new HubError('insufficient_role', 'Only owners can grant or take away the owner role.');
  }
}
