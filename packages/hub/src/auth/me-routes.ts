import { z } from 'zod';
import { access, principalOf } from '../http/access.ts';
import type { RoutePlugin } from '../http/route-plugin.ts';
import { EmptyReply, type ZodTypeProvider } from '../http/zod-schemas.ts';
import { csrfTokenFor } from '../secrets/opaque-tokens.ts';
import type { WorkspacesService } from '../workspaces/workspaces-service.ts';
import { WorkspaceView, workspaceView } from '../workspaces/workspaces-views.ts';
import type { AccountService } from './account-service.ts';
import { Password, SecondFactorCode, TotpCode } from './auth-routes.ts';
import { ApiTokenView, apiTokenView, SessionView, sessionView, UserView, userView } from './auth-views.ts';

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
const RecoveryCodes = z.array(z.string()).meta({
  description:
    'One-time recovery codes, each usable once instead of an authenticator code; shown only in this response',
});
const TotpEnabled = UserView.extend({ recoveryCodes: RecoveryCodes });
const CreateTokenBody = z.object({
  name: z.string().trim().min(1).max(100),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
const CreatedToken = ApiTokenView.extend({
  token: z.string().meta({ description: 'The token itself; shown only in this response' }),
});
const TokenParams = z.object({ tokenId: z.uuid() });

/** The signed-in user: profile, password, two-factor sign-in, sessions and API tokens. */
export function meRoutes(account: AccountService, workspaces: WorkspacesService): RoutePlugin {
  return async (app) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

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
        const memberOf = await workspaces.listForUser(principal.user.id);
        return {
          user: userView(principal.user),
          workspaces: memberOf.map((w) => workspaceView(w, w.role)),
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
        return userView(await account.rename(principalOf(request).user, request.body.name));
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
        await account.changePassword(principal.user, principal.sessionId, request.body, {
          ip: request.ip,
          userAgent: request.headers['user-agent'],
        });
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
        return account.startTotpEnrolment(principalOf(request).user);
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
          response: { 200: TotpEnabled },
        },
      },
      async (request) => {
        const { user, recoveryCodes } = await account.confirmTotp(
          principalOf(request).user,
          request.body.code,
        );
        return { ...userView(user), recoveryCodes };
      },
    );

    r.get(
      '/me/totp/recovery-codes',
      {
        config: { access: access.session },
        schema: {
          tags: ['me'],
          summary: 'How many one-time recovery codes are left unused',
          response: { 200: z.object({ remaining: z.number().int() }) },
        },
      },
      async (request) => {
        return { remaining: await account.recoveryCodesLeft(principalOf(request).user) };
      },
    );

    r.post(
      '/me/totp/recovery-codes',
      {
        config: { access: access.session },
        schema: {
          tags: ['me'],
          summary:
            'Replace the recovery codes with a new set (needs the password); the old codes stop working',
          body: z.object({ password: Password }),
          response: { 200: z.object({ recoveryCodes: RecoveryCodes }) },
        },
      },
      async (request) => {
        return {
          recoveryCodes: await account.regenerateRecoveryCodes(
            principalOf(request).user,
            request.body.password,
          ),
        };
      },
    );

    r.post(
      '/me/totp/disable',
      {
        config: { access: access.session },
        schema: {
          tags: ['me'],
          summary: 'Turn two-factor sign-in off (needs the password and a current code or a recovery code)',
          body: z.object({ password: Password, code: SecondFactorCode }),
          response: { 200: UserView },
        },
      },
      async (request) => {
        return userView(await account.disableTotp(principalOf(request).user, request.body));
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
        const rows = await account.listSessions(principal.user.id);
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
        await account.endSession(principalOf(request).user.id, request.params.sessionId);
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
        const rows = await account.listTokens(principalOf(request).user.id);
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
        const { row, token } = await account.createToken(principalOf(request).user.id, request.body);
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
        await account.deleteToken(principalOf(request).user.id, request.params.tokenId);
        return reply.code(204).send(null);
      },
    );
  };
}
