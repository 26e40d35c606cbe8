import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.ts';
import { HubError } from '../errors/hub-error.ts';
import { CSRF_COOKIE, CSRF_HEADER, type Principal, roleAtLeast, SESSION_COOKIE } from '../http/access.ts';
import { csrfTokenFor, hashOpaqueToken, safeEqual, TOKEN_PREFIX } from '../secrets/opaque-tokens.ts';
import type { WorkspacesRepository } from '../workspaces/workspaces-repository.ts';
import type { ApiTokensRepository } from './api-tokens-repository.ts';
import type { SessionsRepository } from './sessions-repository.ts';
import type { UsersRepository } from './users-repository.ts';

export interface AccessHookDeps {
  users: UsersRepository;
  sessions: SessionsRepository;
  apiTokens: ApiTokensRepository;
  workspaces: Pick<WorkspacesRepository, 'roleOf'>;
  clock: Clock;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const TOUCH_INTERVAL_MS = 60_000;

/** The onRequest hook: authenticates, checks CSRF, and enforces the route's declared access. */
export function accessHook(deps: AccessHookDeps) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    request.principal = null;
    request.membership = null;
    const rule = request.routeOptions.config.access;
    // No rule: the request matched no route and goes to the 404 handler.
    if (!rule || rule.kind === 'public') return;

    const principal = await authenticate(
      request,
      deps,
      rule.kind === 'pendingTotp' ? 'totp_pending' : 'active',
    );
    if (!principal) {
      throw rule.kind === 'pendingTotp'
        ? new HubError(
            'unauthenticated',
            'No login is waiting for a two-factor code; start again with POST /api/v1/auth/login.',
          )
        : new HubError('unauthenticated');
    }
    if (principal.via === 'session' && !SAFE_METHODS.has(request.method)) {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !safeEqual(sent, csrfTokenFor(principal.sessionToken!))) {
        throw new HubError(
          'csrf_token_invalid',
          `Requests signed in with a session cookie must send the ${CSRF_HEADER} header with the csrfToken from login or GET /api/v1/me (also in the ${CSRF_COOKIE} cookie).`,
        );
      }
    }
    request.principal = principal;
    if (rule.kind === 'session' && principal.via !== 'session') {
      throw new HubError(
        'session_required',
        'This action needs a signed-in browser session; API tokens cannot do it.',
      );
    }
    if (rule.kind === 'workspace') {
      // Every role route has :workspaceId (checked when the server gets ready).
      const workspaceId = (request.params as Record<string, string>).workspaceId ?? '';
      const role = UUID.test(workspaceId)
        ? await deps.workspaces.roleOf(workspaceId, principal.user.id)
        : undefined;
      // Non-members get 404, not 403, so workspace ids cannot be probed.
      if (!role)
        throw new HubError(
          'workspace_not_found',
          'No workspace with this id, or you are not a member of it.',
        );
      if (!roleAtLeast(role, rule.role)) {
        throw new HubError(
          'insufficient_role',
          `This action needs the ${rule.role} role in the workspace; you are ${role}.`,
        );
      }
      request.membership = { workspaceId, role };
    }
  };
}

async function authenticate(
  request: FastifyRequest,
  deps: AccessHookDeps,
  sessionState: 'active' | 'totp_pending',
): Promise<Principal | undefined> {
  const now = deps.clock.now();
  const header = request.headers.authorization;
  if (header !== undefined) {
    // An Authorization header is decisive: a bad token is refused, never silently replaced by a cookie.
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match || sessionState !== 'active' || !match[1]!.startsWith(TOKEN_PREFIX.apiToken)) return undefined;
    const token = await deps.apiTokens.findLive(hashOpaqueToken(match[1]!), now);
    if (!token) return undefined;
    const user = await deps.users.findById(token.userId);
    if (!user) return undefined;
    if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
      await deps.apiTokens.markUsed(token.id, now);
    }
    return { user, via: 'api_token', sessionId: undefined, sessionToken: undefined, apiTokenId: token.id };
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (!cookie?.startsWith(TOKEN_PREFIX.session)) return undefined;
  const session = await deps.sessions.findLive(hashOpaqueToken(cookie), now);
  if (!session || session.state !== sessionState) return undefined;
  const user = await deps.users.findById(session.userId);
  if (!user) return undefined;
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS)
    await deps.sessions.touch(session.id, now);
  return { user, via: 'session', sessionId: session.id, sessionToken: cookie, apiTokenId: undefined };
}
