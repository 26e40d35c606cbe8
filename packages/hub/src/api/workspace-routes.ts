import { z } from 'zod';
import { conflict, forbidden, notFound } from '../errors.ts';
import type { Role } from '../storage/schema.ts';
import { access, membershipOf, principalOf, roleAtLeast } from './access.ts';
import type { RoutePlugin } from './route-plugin.ts';
import { MemberViewSchema, memberView, RoleSchema, WorkspaceView, workspaceView } from './views.ts';
import { EmptyReply, WorkspaceParams, type ZodTypeProvider } from './zod-schemas.ts';

const WorkspaceBody = z.object({ name: z.string().trim().min(1).max(200) });
const MemberParams = WorkspaceParams.extend({ userId: z.uuid() });

export const workspaceRoutes: RoutePlugin = async (app, { ctx }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/workspaces',
    {
      config: { access: access.user },
      schema: {
        tags: ['workspaces'],
        summary: 'Workspaces you are a member of',
        response: { 200: z.array(WorkspaceView) },
      },
    },
    async (request) => {
      const rows = await ctx.repos.workspaces.listForUser(principalOf(request).user.id);
      return rows.map((w) => workspaceView(w, w.role));
    },
  );

  r.post(
    '/workspaces',
    {
      config: { access: access.user },
      schema: {
        tags: ['workspaces'],
        summary: 'Create a workspace (e.g. one per customer); you become its owner',
        body: WorkspaceBody,
        response: { 201: WorkspaceView },
      },
    },
    async (request, reply) => {
      const row = await ctx.db.transaction((tx) =>
        ctx.repos.workspaces.create(request.body.name, principalOf(request).user.id, tx),
      );
      return reply.code(201).send(workspaceView(row, 'owner'));
    },
  );

  r.get(
    '/workspaces/:workspaceId',
    {
      config: { access: access.role('viewer') },
      schema: { tags: ['workspaces'], params: WorkspaceParams, response: { 200: WorkspaceView } },
    },
    async (request) => {
      const { workspaceId, role } = membershipOf(request);
      const row = await ctx.repos.workspaces.findById(workspaceId);
      if (!row) throw notFound('workspace_not_found', 'No workspace with this id.');
      return workspaceView(row, role);
    },
  );

  r.patch(
    '/workspaces/:workspaceId',
    {
      config: { access: access.role('admin') },
      schema: {
        tags: ['workspaces'],
        summary: 'Rename',
        params: WorkspaceParams,
        body: WorkspaceBody,
        response: { 200: WorkspaceView },
      },
    },
    async (request) => {
      const { workspaceId, role } = membershipOf(request);
      const row = await ctx.repos.workspaces.rename(workspaceId, request.body.name);
      if (!row) throw notFound('workspace_not_found', 'No workspace with this id.');
      return workspaceView(row, role);
    },
  );

  r.delete(
    '/workspaces/:workspaceId',
    {
      config: { access: access.role('owner') },
      schema: {
        tags: ['workspaces'],
        summary: 'Delete the workspace with its apps, connections and history',
        params: WorkspaceParams,
        response: { 204: EmptyReply },
      },
    },
    async (request, reply) => {
      await ctx.repos.workspaces.delete(membershipOf(request).workspaceId);
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/workspaces/:workspaceId/members',
    {
      config: { access: access.role('viewer') },
      schema: { tags: ['members'], params: WorkspaceParams, response: { 200: z.array(MemberViewSchema) } },
    },
    async (request) => {
      const rows = await ctx.repos.workspaces.listMembers(membershipOf(request).workspaceId);
      return rows.map(memberView);
    },
  );

  r.patch(
    '/workspaces/:workspaceId/members/:userId',
    {
      config: { access: access.role('admin') },
      schema: {
        tags: ['members'],
        summary: "Change a member's role (only owners grant or take away the owner role)",
        params: MemberParams,
        body: z.object({ role: RoleSchema }),
        response: { 200: MemberViewSchema },
      },
    },
    async (request) => {
      const { workspaceId, role: myRole } = membershipOf(request);
      const { userId } = request.params;
      const newRole = request.body.role;
      await ctx.db.transaction(async (tx) => {
        const current = await ctx.repos.workspaces.roleOf(workspaceId, userId, tx);
        if (!current) throw notFound('member_not_found', 'This user is not a member of the workspace.');
        assertMayAssign(myRole, current, newRole);
        if (current === 'owner' && newRole !== 'owner') await assertNotLastOwner(workspaceId, tx);
        await ctx.repos.workspaces.setRole(workspaceId, userId, newRole, tx);
      });
      const member = (await ctx.repos.workspaces.listMembers(workspaceId)).find((m) => m.userId === userId);
      return memberView(member!);
    },
  );

  r.delete(
    '/workspaces/:workspaceId/members/:userId',
    {
      config: { access: access.role('viewer') },
      schema: {
        tags: ['members'],
        summary: 'Remove a member (admins), or leave the workspace (anyone, for themselves)',
        params: MemberParams,
        response: { 204: EmptyReply },
      },
    },
    async (request, reply) => {
      const { workspaceId, role: myRole } = membershipOf(request);
      const { userId } = request.params;
      const self = userId === principalOf(request).user.id;
      if (!self && !roleAtLeast(myRole, 'admin')) {
        throw forbidden(
          'insufficient_role',
          `Removing other members needs the admin role; you are ${myRole}.`,
        );
      }
      await ctx.db.transaction(async (tx) => {
        const current = await ctx.repos.workspaces.roleOf(workspaceId, userId, tx);
        if (!current) throw notFound('member_not_found', 'This user is not a member of the workspace.');
        if (!self) assertMayAssign(myRole, current, current);
        if (current === 'owner') await assertNotLastOwner(workspaceId, tx);
        await ctx.repos.workspaces.removeMember(workspaceId, userId, tx);
      });
      return reply.code(204).send(null);
    },
  );

  async function assertNotLastOwner(
    workspaceId: string,
    tx: Parameters<typeof ctx.repos.workspaces.countOwners>[1],
  ) {
    // Lock the workspace's owner rows so two concurrent demotions cannot both pass the check.
    if ((await ctx.repos.workspaces.countOwners(workspaceId, tx, { lock: true })) <= 1) {
      throw conflict('last_owner', 'A workspace needs at least one owner; make someone else owner first.');
    }
  }
};

/** Admins manage admins and viewers; only owners touch the owner role. */
function assertMayAssign(myRole: Role, currentRole: Role, newRole: Role): void {
  if ((currentRole === 'owner' || newRole === 'owner') && myRole !== 'owner') {
    throw forbidden('insufficient_role', 'Only owners can grant or take away the owner role.');
  }
}
