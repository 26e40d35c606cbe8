import { z } from 'zod';
import { access, membershipOf, principalOf } from '../http/access.ts';
import type { RoutePlugin } from '../http/route-plugin.ts';
import { EmptyReply, WorkspaceParams, type ZodTypeProvider } from '../http/zod-schemas.ts';
import type { WorkspacesService } from './workspaces-service.ts';
import {
  MemberViewSchema,
  memberView,
  RoleSchema,
  WorkspaceView,
  workspaceView,
} from './workspaces-views.ts';

const WorkspaceBody = z.object({ name: z.string().trim().min(1).max(200) });
const MemberParams = WorkspaceParams.extend({ userId: z.uuid() });

/** Workspaces and members: thin handlers over WorkspacesService. */
export function workspacesRoutes(workspaces: WorkspacesService): RoutePlugin {
  return async (app) => {
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
        const rows = await workspaces.listForUser(principalOf(request).user.id);
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
        const row = await workspaces.create(request.body.name, principalOf(request).user.id);
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
        return workspaceView(await workspaces.get(workspaceId), role);
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
        return workspaceView(await workspaces.rename(workspaceId, request.body.name), role);
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
        await workspaces.delete(membershipOf(request).workspaceId);
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
        const rows = await workspaces.listMembers(membershipOf(request).workspaceId);
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
        const { workspaceId, role } = membershipOf(request);
        const actor = { userId: principalOf(request).user.id, role };
        return memberView(
          await workspaces.changeRole(workspaceId, actor, request.params.userId, request.body.role),
        );
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
        const { workspaceId, role } = membershipOf(request);
        const actor = { userId: principalOf(request).user.id, role };
        await workspaces.removeMember(workspaceId, actor, request.params.userId);
        return reply.code(204).send(null);
      },
    );
  };
}
