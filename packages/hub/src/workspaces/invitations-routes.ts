import { z } from 'zod';
import type { Clock } from '../clock.ts';
import { access, membershipOf, principalOf } from '../http/access.ts';
import type { RoutePlugin } from '../http/route-plugin.ts';
import { Email, EmptyReply, WorkspaceParams, type ZodTypeProvider } from '../http/zod-schemas.ts';
import type { InvitationsService } from './invitations-service.ts';
import { InvitationView, invitationView, RoleSchema } from './workspaces-views.ts';

const CreateInvitationBody = z.object({ email: Email, role: RoleSchema });
const CreatedInvitation = InvitationView.extend({
  token: z.string().meta({ description: 'The invitation token; shown only in this response' }),
  url: z.string().meta({ description: 'Link to send to the invitee' }),
  emailed: z.object({ status: z.enum(['sent', 'failed', 'off']), error: z.string().nullable() }).meta({
    description:
      'Whether the link was e-mailed (KOPPEL_SMTP_URL): sent, failed (error: the SMTP answer) or off (no SMTP)',
  }),
});
const InvitationParams = WorkspaceParams.extend({ invitationId: z.uuid() });

/** Inviting people into a workspace (admins); accepting lives with sign-in in auth/. */
export function invitationsRoutes(invitations: InvitationsService, clock: Clock): RoutePlugin {
  return async (app) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.post(
      '/workspaces/:workspaceId/invitations',
      {
        config: { access: access.role('admin') },
        schema: {
          tags: ['invitations'],
          summary: 'Invite someone by e-mail with a role; returns a single-use link (shown once)',
          params: WorkspaceParams,
          body: CreateInvitationBody,
          response: { 201: CreatedInvitation },
        },
      },
      async (request, reply) => {
        const { workspaceId, role } = membershipOf(request);
        const actor = { userId: principalOf(request).user.id, role };
        const { row, token, url, emailed } = await invitations.create(workspaceId, actor, request.body);
        return reply.code(201).send({ ...invitationView(row, clock.now()), token, url, emailed });
      },
    );

    r.get(
      '/workspaces/:workspaceId/invitations',
      {
        config: { access: access.role('admin') },
        schema: {
          tags: ['invitations'],
          params: WorkspaceParams,
          response: { 200: z.array(InvitationView) },
        },
      },
      async (request) => {
        const now = clock.now();
        const rows = await invitations.list(membershipOf(request).workspaceId);
        return rows.map((row) => invitationView(row, now));
      },
    );

    r.delete(
      '/workspaces/:workspaceId/invitations/:invitationId',
      {
        config: { access: access.role('admin') },
        schema: {
          tags: ['invitations'],
          summary: 'Revoke a pending invitation',
          params: InvitationParams,
          response: { 204: EmptyReply },
        },
      },
      async (request, reply) => {
        await invitations.revoke(membershipOf(request).workspaceId, request.params.invitationId);
        return reply.code(204).send(null);
      },
    );
  };
}
