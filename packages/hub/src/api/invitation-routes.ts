import { z } from 'zod';
import { LoginThrottle } from '../auth/login-throttle.ts';
import { hashOpaqueToken, newOpaqueToken, TOKEN_PREFIX } from '../auth/opaque-tokens.ts';
import { assertPasswordStrength, hashPassword, verifyPassword } from '../auth/passwords.ts';
import { startSession } from '../auth/sessions.ts';
import { badRequest, conflict, forbidden, HubError, notFound, unauthenticated } from '../errors.ts';
import type { HubContext } from '../hub-context.ts';
import { type InvitationRow, invitationStatus } from '../storage/invitations-repository.ts';
import { normalizeEmail } from '../storage/users-repository.ts';
import { access, membershipOf, principalOf } from './access.ts';
import { acceptTotpCode, Email, Password, TotpCode } from './auth-routes.ts';
import type { RoutePlugin } from './route-plugin.ts';
import { InvitationView, invitationView, RoleSchema, UserView, userView } from './views.ts';
import { EmptyReply, iso, Timestamp, WorkspaceParams, type ZodTypeProvider } from './zod-schemas.ts';

const CreateInvitationBody = z.object({ email: Email, role: RoleSchema });
const CreatedInvitation = InvitationView.extend({
  token: z.string().meta({ description: 'The invitation token; shown only in this response' }),
  url: z.string().meta({ description: 'Link to send to the invitee' }),
});
const InvitationParams = WorkspaceParams.extend({ invitationId: z.uuid() });
const TokenBody = z.object({ token: z.string().min(1).max(200) });
const InvitationPreview = z.object({
  workspaceName: z.string(),
  email: z.string(),
  role: RoleSchema,
  expiresAt: Timestamp,
  accountExists: z.boolean().meta({ description: 'true: sign in with the existing password to accept' }),
});
const AcceptBody = TokenBody.extend({
  name: z.string().trim().min(1).max(200).optional().meta({ description: 'Required for a new account' }),
  password: Password,
  totpCode: TotpCode.optional().meta({
    description: 'Required when the existing account has two-factor sign-in',
  }),
});
const Accepted = z.object({
  status: z.literal('signed_in'),
  user: UserView,
  workspaceId: z.uuid(),
  csrfToken: z.string(),
});

async function openInvitation(ctx: HubContext, token: string): Promise<InvitationRow> {
  const row = await ctx.repos.invitations.findByTokenHash(hashOpaqueToken(token));
  const status = row ? invitationStatus(row, ctx.clock.now()) : undefined;
  if (!row || status !== 'pending') {
    throw notFound(
      'invitation_invalid',
      status
        ? `This invitation is ${status}; ask the workspace admin for a new one.`
        : 'No such invitation; check that the whole link was copied.',
    );
  }
  return row;
}

export const invitationRoutes: RoutePlugin = async (app, { ctx }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const throttle = new LoginThrottle(ctx.repos.rateLimits);

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
      const { workspaceId, role: myRole } = membershipOf(request);
      if (request.body.role === 'owner' && myRole !== 'owner') {
        throw forbidden('insufficient_role', 'Only owners can invite new owners.');
      }
      const email = normalizeEmail(request.body.email);
      const existing = await ctx.repos.users.findByEmail(email);
      if (existing && (await ctx.repos.workspaces.roleOf(workspaceId, existing.id))) {
        throw conflict('already_member', 'This person is already a member of the workspace.');
      }
      const { token, hash } = newOpaqueToken(TOKEN_PREFIX.invitation);
      const now = ctx.clock.now();
      const row = await ctx.repos.invitations.create({
        workspaceId,
        email,
        role: request.body.role,
        tokenHash: hash,
        invitedBy: principalOf(request).user.id,
        expiresAt: new Date(now.getTime() + ctx.config.invitationTtlHours * 3600 * 1000),
      });
      // The token travels in the fragment, so it never reaches a server or proxy log.
      const url = `${ctx.config.publicUrl}/invitations/accept#token=${token}`;
      return reply.code(201).send({ ...invitationView(row, now), token, url });
    },
  );

  r.get(
    '/workspaces/:workspaceId/invitations',
    {
      config: { access: access.role('admin') },
      schema: { tags: ['invitations'], params: WorkspaceParams, response: { 200: z.array(InvitationView) } },
    },
    async (request) => {
      const now = ctx.clock.now();
      const rows = await ctx.repos.invitations.listForWorkspace(membershipOf(request).workspaceId);
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
      const revoked = await ctx.repos.invitations.revoke(
        membershipOf(request).workspaceId,
        request.params.invitationId,
        ctx.clock.now(),
      );
      if (!revoked)
        throw notFound('invitation_not_found', 'No pending invitation with this id in the workspace.');
      return reply.code(204).send(null);
    },
  );

  r.post(
    '/invitations/lookup',
    {
      config: { access: access.public },
      schema: {
        tags: ['invitations'],
        summary: 'What an invitation token is for (workspace, e-mail, role)',
        body: TokenBody,
        response: { 200: InvitationPreview },
      },
    },
    async (request) => {
      const invitation = await openInvitation(ctx, request.body.token);
      const workspace = await ctx.repos.workspaces.findById(invitation.workspaceId);
      const account = await ctx.repos.users.findByEmail(invitation.email);
      return {
        workspaceName: workspace?.name ?? '',
        email: invitation.email,
        role: invitation.role,
        expiresAt: iso(invitation.expiresAt),
        accountExists: account !== undefined,
      };
    },
  );

  r.post(
    '/invitations/accept',
    {
      config: { access: access.public },
      schema: {
        tags: ['invitations'],
        summary:
          'Accept an invitation: creates the account (or signs in the existing one) and joins the workspace',
        body: AcceptBody,
        response: { 200: Accepted },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const now = ctx.clock.now();
      const invitation = await openInvitation(ctx, body.token);
      await throttle.assertAllowed(invitation.email, request.ip, now);
      let user = await ctx.repos.users.findByEmail(invitation.email);
      if (user) {
        const passwordOk = await verifyPassword(user.passwordHash, body.password);
        const codeOk =
          passwordOk &&
          (!user.totpEnabledAt || (body.totpCode && (await acceptTotpCode(ctx, user, body.totpCode))));
        if (!passwordOk || !codeOk) {
          await throttle.recordFailure(invitation.email, request.ip, now);
          throw unauthenticated(
            user.totpEnabledAt
              ? 'An account with this e-mail exists: send its password and a current authenticator code.'
              : 'An account with this e-mail exists: send its password to accept.',
          );
        }
      } else {
        if (!body.name) throw badRequest('name_required', 'Send a name for the new account.');
        assertPasswordStrength(body.password, invitation.email);
      }
      const passwordHash = user ? undefined : await hashPassword(body.password);
      user = await ctx.db.transaction(async (tx) => {
        const account =
          user ??
          (await ctx.repos.users.create(
            { email: invitation.email, name: body.name!, passwordHash: passwordHash! },
            tx,
          ));
        if (!(await ctx.repos.invitations.consume(invitation.id, account.id, now, tx))) {
          throw new HubError('invitation_invalid', 'This invitation was used or revoked a moment ago.', {
            status: 404,
          });
        }
        if (await ctx.repos.workspaces.roleOf(invitation.workspaceId, account.id, tx)) {
          throw conflict('already_member', 'You are already a member of this workspace.');
        }
        await ctx.repos.workspaces.addMember(invitation.workspaceId, account.id, invitation.role, tx);
        return account;
      });
      await throttle.recordSuccess(invitation.email);
      const { csrfToken } = await startSession(ctx, request, reply, user.id, 'active');
      return {
        status: 'signed_in' as const,
        user: userView(user),
        workspaceId: invitation.workspaceId,
        csrfToken,
      };
    },
  );
};
