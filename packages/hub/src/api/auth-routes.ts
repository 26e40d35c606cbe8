import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { LoginThrottle } from '../auth/login-throttle.ts';
import {
  assertPasswordStrength,
  hashPassword,
  MAX_PASSWORD_LENGTH,
  verifyPassword,
} from '../auth/passwords.ts';
import { clearSessionCookies, startSession } from '../auth/sessions.ts';
import { verifyTotp } from '../auth/totp.ts';
import { forbidden, HubError, unauthenticated } from '../errors.ts';
import type { HubContext } from '../hub-context.ts';
import { secretContext } from '../secrets/rotate-secrets.ts';
import type { UserRow } from '../storage/users-repository.ts';
import { access, principalOf } from './access.ts';
import type { RoutePlugin } from './route-plugin.ts';
import { UserView, userView } from './views.ts';
import { EmptyReply, type ZodTypeProvider } from './zod-schemas.ts';

export const Email = z.email().max(320);
export const Password = z.string().min(1).max(MAX_PASSWORD_LENGTH);
export const TotpCode = z
  .string()
  .regex(/^\s*\d{3}\s?\d{3}\s*$/, 'must be the 6-digit code from the authenticator app');

const SignupBody = z.object({
  email: Email,
  name: z.string().trim().min(1).max(200),
  password: Password,
  workspaceName: z.string().trim().min(1).max(200).optional(),
});
const LoginBody = z.object({ email: Email, password: Password });
const TotpBody = z.object({ code: TotpCode });
const SignedIn = z.object({ status: z.literal('signed_in'), user: UserView, csrfToken: z.string() });
const LoginResult = z.discriminatedUnion('status', [
  SignedIn,
  z.object({ status: z.literal('totp_required'), csrfToken: z.string() }).meta({
    description: 'Password accepted; send the authenticator code to POST /api/v1/auth/login/totp',
  }),
]);

const MAX_TOTP_ATTEMPTS_PER_LOGIN = 5;

/** Checks a TOTP code for a user and records the step so it cannot be replayed. */
export async function acceptTotpCode(ctx: HubContext, user: UserRow, code: string): Promise<boolean> {
  if (!user.totpSecretEnc) return false;
  const secret = ctx.secrets.open(user.totpSecretEnc, secretContext('users', 'totp_secret_enc', user.id));
  const step = verifyTotp(secret, code, ctx.clock.now(), user.totpLastStep);
  if (step === undefined) return false;
  await ctx.repos.users.update(user.id, { totpLastStep: step });
  return true;
}

export const authRoutes: RoutePlugin = async (app, { ctx }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const throttle = new LoginThrottle(ctx.repos.rateLimits);

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
      const body = request.body;
      assertPasswordStrength(body.password, body.email);
      const passwordHash = await hashPassword(body.password);
      const user = await ctx.db.transaction(async (tx) => {
        // Serialises concurrent sign-ups so exactly one can be the first user.
        await tx.execute(sql`select pg_advisory_xact_lock(4206202602)`);
        const existing = await ctx.repos.users.count(tx);
        if (existing > 0) {
          throw forbidden(
            'signup_closed',
            'Sign-up is closed: this hub has users. Ask an admin for an invitation.',
          );
        }
        const created = await ctx.repos.users.create(
          { email: body.email, name: body.name, passwordHash },
          tx,
        );
        await ctx.repos.workspaces.create(body.workspaceName ?? `${body.name}'s workspace`, created.id, tx);
        return created;
      });
      const { csrfToken } = await startSession(ctx, request, reply, user.id, 'active');
      request.log.info({ userId: user.id }, 'first user signed up');
      return reply.code(201).send({ status: 'signed_in' as const, user: userView(user), csrfToken });
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
      const { email, password } = request.body;
      const now = ctx.clock.now();
      await throttle.assertAllowed(email, request.ip, now);
      const user = await ctx.repos.users.findByEmail(email);
      const valid = await verifyPassword(user?.passwordHash, password);
      if (!user || !valid) {
        await throttle.recordFailure(email, request.ip, now);
        request.log.info({ reason: 'invalid_credentials' }, 'sign-in refused');
        throw unauthenticated('The e-mail address or password is wrong.');
      }
      if (user.totpEnabledAt) {
        const pending = await startSession(ctx, request, reply, user.id, 'totp_pending');
        return { status: 'totp_required' as const, csrfToken: pending.csrfToken };
      }
      await throttle.recordSuccess(email);
      const { csrfToken } = await startSession(ctx, request, reply, user.id, 'active');
      return { status: 'signed_in' as const, user: userView(user), csrfToken };
    },
  );

  r.post(
    '/auth/login/totp',
    {
      config: { access: access.pendingTotp },
      schema: {
        tags: ['auth'],
        summary: 'Second sign-in step: the authenticator code',
        body: TotpBody,
        response: { 200: SignedIn },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const now = ctx.clock.now();
      await throttle.assertAllowed(principal.user.email, request.ip, now);
      const attempts = await ctx.repos.sessions.countTotpAttempt(principal.sessionId!);
      if (attempts > MAX_TOTP_ATTEMPTS_PER_LOGIN) {
        await ctx.repos.sessions.delete(principal.sessionId!);
        clearSessionCookies(ctx, reply);
        throw new HubError('too_many_attempts', 'Too many wrong codes; sign in again with your password.', {
          status: 429,
        });
      }
      if (!(await acceptTotpCode(ctx, principal.user, request.body.code))) {
        await throttle.recordFailure(principal.user.email, request.ip, now);
        throw unauthenticated('The authenticator code is wrong or was already used; try the next one.');
      }
      await throttle.recordSuccess(principal.user.email);
      // The pending session is replaced, never upgraded in place: a new id after each privilege change.
      await ctx.repos.sessions.delete(principal.sessionId!);
      const { csrfToken } = await startSession(ctx, request, reply, principal.user.id, 'active');
      return { status: 'signed_in' as const, user: userView(principal.user), csrfToken };
    },
  );

  r.post(
    '/auth/logout',
    {
      config: { access: access.user },
      schema: { tags: ['auth'], summary: 'End the current session', response: { 204: EmptyReply } },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (principal.sessionId) await ctx.repos.sessions.delete(principal.sessionId);
      clearSessionCookies(ctx, reply);
      return reply.code(204).send(null);
    },
  );
};
