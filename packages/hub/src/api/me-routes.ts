import { z } from 'zod';
import { LoginThrottle } from '../auth/login-throttle.ts';
import { csrfTokenFor, newOpaqueToken, TOKEN_PREFIX } from '../auth/opaque-tokens.ts';
import { assertPasswordStrength, hashPassword, verifyPassword } from '../auth/passwords.ts';
import { generateTotpSecret, otpauthUri, verifyTotp } from '../auth/totp.ts';
import { badRequest, conflict, notFound, unauthenticated } from '../errors.ts';
import { secretContext } from '../secrets/rotate-secrets.ts';
import { access, principalOf } from './access.ts';
import { acceptTotpCode, Password, TotpCode } from './auth-routes.ts';
import type { RoutePlugin } from './route-plugin.ts';
import {
  ApiTokenView,
  apiTokenView,
  SessionView,
  sessionView,
  UserView,
  userView,
  WorkspaceView,
  workspaceView,
} from './views.ts';
import { EmptyReply, type ZodTypeProvider } from './zod-schemas.ts';

const MeResult = z.object({
  user: UserView,
  workspaces: z.array(WorkspaceView),
  via: z.enum(['session', 'api_token']),
  csrfToken: z.string().nullable().meta({ description: 'Send as X-Koppel-CSRF on state-changing requests' }),
});
const TotpEnrolment = z.object({
  secret: z.string().meta({ description: 'Base32 shared secret, shown once for manual entry' }),
  otpauthUri: z.string().meta({ description: 'otpauth:// URI to render as a QR code' }),
});
const CreateTokenBody = z.object({
  name: z.string().trim().min(1).max(100),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
const CreatedToken = ApiTokenView.extend({
  token: z.string().meta({ description: 'The token itself; shown only in this response' }),
});
const TokenParams = z.object({ tokenId: z.uuid() });

export const meRoutes: RoutePlugin = async (app, { ctx }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const throttle = new LoginThrottle(ctx.repos.rateLimits);

  r.get(
    '/me',
    {
      config: { access: access.user },
      schema: {
        tags: ['me'],
        summary: 'The signed-in user and their workspaces',
        response: { 200: MeResult },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const workspaces = await ctx.repos.workspaces.listForUser(principal.user.id);
      return {
        user: userView(principal.user),
        workspaces: workspaces.map((w) => workspaceView(w, w.role)),
        via: principal.via,
        csrfToken: principal.sessionToken ? csrfTokenFor(principal.sessionToken) : null,
      };
    },
  );

  r.patch(
    '/me',
    {
      config: { access: access.user },
      schema: {
        tags: ['me'],
        summary: 'Change your display name',
        body: z.object({ name: z.string().trim().min(1).max(200) }),
        response: { 200: UserView },
      },
    },
    async (request) => {
      const { user } = principalOf(request);
      await ctx.repos.users.update(user.id, { name: request.body.name });
      return userView((await ctx.repos.users.findById(user.id))!);
    },
  );

  r.post(
    '/me/password',
    {
      config: { access: access.session },
      schema: {
        tags: ['me'],
        summary: 'Change your password; signs out every other session',
        body: z.object({ currentPassword: Password, newPassword: Password }),
        response: { 204: EmptyReply },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { user } = principal;
      const now = ctx.clock.now();
      await throttle.assertAllowed(user.email, request.ip, now);
      if (!(await verifyPassword(user.passwordHash, request.body.currentPassword))) {
        await throttle.recordFailure(user.email, request.ip, now);
        throw unauthenticated('The current password is wrong.');
      }
      assertPasswordStrength(request.body.newPassword, user.email);
      await ctx.repos.users.update(user.id, { passwordHash: await hashPassword(request.body.newPassword) });
      await ctx.repos.sessions.deleteForUser(user.id, { except: principal.sessionId });
      return reply.code(204).send(null);
    },
  );

  r.post(
    '/me/totp',
    {
      config: { access: access.session },
      schema: {
        tags: ['me'],
        summary: 'Start two-factor enrolment: returns a new secret to add to an authenticator app',
        response: { 200: TotpEnrolment },
      },
    },
    async (request) => {
      const { user } = principalOf(request);
      if (user.totpEnabledAt) {
        throw conflict(
          'totp_already_enabled',
          'Two-factor sign-in is already on; disable it first to enrol again.',
        );
      }
      const secret = generateTotpSecret();
      await ctx.repos.users.update(user.id, {
        totpPendingSecretEnc: ctx.secrets.seal(
          secret,
          secretContext('users', 'totp_pending_secret_enc', user.id),
        ),
      });
      return { secret, otpauthUri: otpauthUri(secret, user.email) };
    },
  );

  r.post(
    '/me/totp/confirm',
    {
      config: { access: access.session },
      schema: {
        tags: ['me'],
        summary: 'Finish enrolment with a code from the authenticator app; turns two-factor sign-in on',
        body: z.object({ code: TotpCode }),
        response: { 200: UserView },
      },
    },
    async (request) => {
      const { user } = principalOf(request);
      if (!user.totpPendingSecretEnc) {
        throw badRequest('totp_not_enrolling', 'Start enrolment with POST /api/v1/me/totp first.');
      }
      const secret = ctx.secrets.open(
        user.totpPendingSecretEnc,
        secretContext('users', 'totp_pending_secret_enc', user.id),
      );
      const step = verifyTotp(secret, request.body.code, ctx.clock.now(), null);
      if (step === undefined) {
        throw badRequest(
          'totp_code_invalid',
          'The code does not match; check the phone clock and try the next code.',
        );
      }
      await ctx.repos.users.update(user.id, {
        totpSecretEnc: ctx.secrets.seal(secret, secretContext('users', 'totp_secret_enc', user.id)),
        totpPendingSecretEnc: null,
        totpEnabledAt: ctx.clock.now(),
        totpLastStep: step,
      });
      const updated = await ctx.repos.users.findById(user.id);
      return userView(updated!);
    },
  );

  r.post(
    '/me/totp/disable',
    {
      config: { access: access.session },
      schema: {
        tags: ['me'],
        summary: 'Turn two-factor sign-in off (needs the password and a current code)',
        body: z.object({ password: Password, code: TotpCode }),
        response: { 200: UserView },
      },
    },
    async (request) => {
      const { user } = principalOf(request);
      if (!user.totpEnabledAt) throw badRequest('totp_not_enabled', 'Two-factor sign-in is not on.');
      if (!(await verifyPassword(user.passwordHash, request.body.password))) {
        throw unauthenticated('The password is wrong.');
      }
      if (!(await acceptTotpCode(ctx, user, request.body.code))) {
        throw unauthenticated('The authenticator code is wrong or was already used.');
      }
      await ctx.repos.users.update(user.id, {
        totpSecretEnc: null,
        totpPendingSecretEnc: null,
        totpEnabledAt: null,
        totpLastStep: null,
      });
      const updated = await ctx.repos.users.findById(user.id);
      return userView(updated!);
    },
  );

  r.get(
    '/me/sessions',
    {
      config: { access: access.user },
      schema: {
        tags: ['me'],
        summary: 'Your signed-in browser sessions',
        response: { 200: z.array(SessionView) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const rows = await ctx.repos.sessions.listActiveForUser(principal.user.id, ctx.clock.now());
      return rows.map((row) => sessionView(row, principal.sessionId));
    },
  );

  r.delete(
    '/me/sessions/:sessionId',
    {
      config: { access: access.session },
      schema: {
        tags: ['me'],
        summary: 'Sign out one of your sessions (e.g. a lost laptop)',
        params: z.object({ sessionId: z.uuid() }),
        response: { 204: EmptyReply },
      },
    },
    async (request, reply) => {
      const deleted = await ctx.repos.sessions.deleteForUserById(
        principalOf(request).user.id,
        request.params.sessionId,
      );
      if (!deleted) throw notFound('session_not_found', 'You have no session with this id.');
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/tokens',
    {
      config: { access: access.user },
      schema: {
        tags: ['tokens'],
        summary: "The user's API tokens",
        response: { 200: z.array(ApiTokenView) },
      },
    },
    async (request) => {
      const rows = await ctx.repos.apiTokens.listForUser(principalOf(request).user.id);
      return rows.map(apiTokenView);
    },
  );

  r.post(
    '/tokens',
    {
      config: { access: access.session },
      schema: {
        tags: ['tokens'],
        summary: 'Create an API token for scripts (Authorization: Bearer); the token is shown once',
        body: CreateTokenBody,
        response: { 201: CreatedToken },
      },
    },
    async (request, reply) => {
      const { user } = principalOf(request);
      const { token, hash } = newOpaqueToken(TOKEN_PREFIX.apiToken);
      const expiresAt = request.body.expiresInDays
        ? new Date(ctx.clock.now().getTime() + request.body.expiresInDays * 86_400_000)
        : null;
      const row = await ctx.repos.apiTokens.create({
        userId: user.id,
        name: request.body.name,
        tokenHash: hash,
        tokenPrefix: token.slice(0, 10),
        expiresAt,
      });
      return reply.code(201).send({ ...apiTokenView(row), token });
    },
  );

  r.delete(
    '/tokens/:tokenId',
    {
      config: { access: access.user },
      schema: {
        tags: ['tokens'],
        summary: 'Revoke an API token',
        params: TokenParams,
        response: { 204: EmptyReply },
      },
    },
    async (request, reply) => {
      const deleted = await ctx.repos.apiTokens.delete(principalOf(request).user.id, request.params.tokenId);
      if (!deleted) throw notFound('token_not_found', 'You have no API token with this id.');
      return reply.code(204).send(null);
    },
  );
};
