import { z } from 'zod';
import { HubError } from '../errors/hub-error.ts';
import { access, principalOf } from '../http/access.ts';
import type { RoutePlugin } from '../http/route-plugin.ts';
import { Email, EmptyReply, iso, Timestamp, type ZodTypeProvider } from '../http/zod-schemas.ts';
import type { PublicUrl } from '../platform/public-url.ts';
import { RoleSchema } from '../workspaces/workspaces-views.ts';
import type { AuthService, Client } from './auth-service.ts';
import { UserView, userView } from './auth-views.ts';
import { MAX_PASSWORD_LENGTH } from './passwords.ts';
import { RECOVERY_CODE_PATTERN } from './recovery-codes.ts';
import { clearSessionCookies, setSessionCookies } from './session-cookies.ts';

export const Password = z.string().min(1).max(MAX_PASSWORD_LENGTH);
const TOTP_CODE_PATTERN = /^\s*\d{3}\s?\d{3}\s*$/;
export const TotpCode = z
  .string()
  .regex(TOTP_CODE_PATTERN, 'must be the 6-digit code from the authenticator app');
/** Where a code proves the second factor, a recovery code does too. */
export const SecondFactorCode = z
  .string()
  .regex(
    new RegExp(`${TOTP_CODE_PATTERN.source}|${RECOVERY_CODE_PATTERN.source}`),
    'must be the 6-digit code from the authenticator app, or one of your recovery codes',
  );

const SignupBody = z.object({
  email: Email,
  name: z.string().trim().min(1).max(200),
  password: Password,
  workspaceName: z.string().trim().min(1).max(200).optional(),
});
const LoginBody = z.object({ email: Email, password: Password });
const SecondFactorBody = z.object({ code: SecondFactorCode });
const SignedIn = z.object({ status: z.literal('signed_in'), user: UserView, csrfToken: z.string() });
const LoginResult = z.discriminatedUnion('status', [
  SignedIn,
  z.object({ status: z.literal('totp_required'), csrfToken: z.string() }).meta({
    description: 'Password accepted; send the authenticator code to POST /api/v1/auth/login/totp',
  }),
]);
const TokenBody = z.object({ token: z.string().min(1).max(200) });
const InvitationPreview = z.object({
  workspaceName: z.string(),
  email: z.string(),
  role: RoleSchema,
  expiresAt: Timestamp,
});
const AcceptBody = TokenBody.extend({
  name: z.string().trim().min(1).max(200).optional().meta({
    description: 'For a new account (with a new password); leave out to accept with an existing account',
  }),
  password: Password,
  totpCode: SecondFactorCode.optional().meta({
    description: 'Required when the existing account has two-factor sign-in (a recovery code works too)',
  }),
});
const Accepted = z.object({
  status: z.literal('signed_in'),
  user: UserView,
  workspaceId: z.uuid(),
  csrfToken: z.string(),
});

const clientOf = (request: { ip: string; headers: { 'user-agent'?: string | undefined } }): Client => ({
  ip: request.ip,
  userAgent: request.headers['user-agent'],
});

/** Sign-up, sign-in (with the second factor), sign-out, and accepting an invitation. */
export function authRoutes(auth: AuthService, publicUrl: PublicUrl): RoutePlugin {
  return async (app) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.post(
      '/auth/signup',
      {
        config: { access: access.public },
        schema: {
          tags: ['auth'],
          summary: 'Create the first user (owner of a first workspace); later users join through invitations',
          body: SignupBody,
          response: { 201: SignedIn },
        },
      },
      async (request, reply) => {
        const { user, session } = await auth.signUp(request.body, clientOf(request));
        setSessionCookies(reply, publicUrl, session);
        request.log.info({ userId: user.id }, 'first user signed up');
        return reply
          .code(201)
          .send({ status: 'signed_in' as const, user: userView(user), csrfToken: session.csrfToken });
      },
    );

    r.post(
      '/auth/login',
      {
        config: { access: access.public },
        schema: {
          tags: ['auth'],
          summary: 'Sign in with e-mail and password',
          body: LoginBody,
          response: { 200: LoginResult },
        },
      },
      async (request, reply) => {
        const outcome = await auth.login(request.body, clientOf(request)).catch((error: unknown) => {
          if (error instanceof HubError && error.code === 'unauthenticated')
            request.log.info({ reason: 'invalid_credentials' }, 'sign-in refused');
          throw error;
        });
        setSessionCookies(reply, publicUrl, outcome.session);
        return outcome.status === 'signed_in'
          ? {
              status: 'signed_in' as const,
              user: userView(outcome.user),
              csrfToken: outcome.session.csrfToken,
            }
          : { status: 'totp_required' as const, csrfToken: outcome.session.csrfToken };
      },
    );

    r.post(
      '/auth/login/totp',
      {
        config: { access: access.pendingTotp },
        schema: {
          tags: ['auth'],
          summary: 'Second sign-in step: the authenticator code, or a one-time recovery code',
          body: SecondFactorBody,
          response: { 200: SignedIn },
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const session = await auth.completeSecondFactor(principal, request.body.code, clientOf(request));
        if (session === 'session_ended') {
          clearSessionCookies(reply, publicUrl);
          throw new HubError('too_many_attempts', 'Too many wrong codes; sign in again with your password.');
        }
        setSessionCookies(reply, publicUrl, session);
        return { status: 'signed_in' as const, user: userView(principal.user), csrfToken: session.csrfToken };
      },
    );

    r.post(
      '/auth/logout',
      {
        config: { access: access.user },
        schema: { tags: ['auth'], summary: 'End the current session', response: { 204: EmptyReply } },
      },
      async (request, reply) => {
        await auth.endSession(principalOf(request).sessionId);
        clearSessionCookies(reply, publicUrl);
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
        const preview = await auth.previewInvitation(request.body.token);
        return { ...preview, expiresAt: iso(preview.expiresAt) };
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
        const { user, workspaceId, session } = await auth.acceptInvitation(request.body, clientOf(request));
        setSessionCookies(reply, publicUrl, session);
        return {
          status: 'signed_in' as const,
          user: userView(user),
          workspaceId,
          csrfToken: session.csrfToken,
        };
      },
    );
  };
}
