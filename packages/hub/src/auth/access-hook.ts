import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.ts';
import { HubError } from '../errors/hub-error.ts';
import { CSRF_COOKIE, CSRF_HEADER, type Principal, roleAtLeast, SESSION_COOKIE } from '../http/access.ts';
import { csrfTokenFor, hashOpaqueToken, safeEqual, TOKEN_PREFIX } from '../secrets/opaque-tokens.ts';
import type { WorkspacesRepository } from '../workspaces/workspaces-repository.ts';
import type { ApiTokensRepository } from './api-tokens-repository.ts';
import type { SessionsRepository } from './sessions-repository.ts';
import type { UsageStamps } from './usage-stamps.ts';

export interface AccessHookDeps {
  sessions: SessionsRepository;
  apiTokens: ApiTokensRepository;
  workspaces: Pick<WorkspacesRepository, 'roleOf' | 'listForUser'>;
  clock: Clock;
  /** Decides when a session's or token's "last used" stamp is written (at most once a minute). */
  touches: UsageStamps;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

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

/**
 * For public routes that tell operators more than strangers (readiness details): whether the
 * request is signed in (session or API token) as an owner or admin of some workspace.
 */
export async function isWorkspaceAdmin(request: FastifyRequest, deps: AccessHookDeps): Promise<boolean> {
  const principal = await authenticate(request, deps, 'active');
  if (!principal) return false;
  const memberships = await deps.workspaces.listForUser(principal.user.id);
  return memberships.some((m) => roleAtLeast(m.role, 'admin'));
}

async function authenticate(
  request: FastifyRequest,
  deps: AccessHookDeps,
  sessionState: 'active' | 'totp_pending',
): Promise<Principal | undefined> {
  const now = deps.clock.now();
  // A change made by another process reaches this one's recent reads only when they expire, so
  // whatever changes something is checked against the database.
  const recent = SAFE_METHODS.has(request.method);
  const header = request.headers.authorization;
  if (header !== undefined) {
    // An Authorization header is decisive: a bad token is refused, never silently replaced by a cookie.
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match || sessionState !== 'active' || !match[1]!.startsWith(TOKEN_PREFIX.apiToken)) return undefined;
    const found = await deps.apiTokens.findLiveWithUser(hashOpaqueToken(match[1]!), now, { recent });
    if (!found) return undefined;
    const { token, user } = found;
    if (deps.touches.due(token.id, token.lastUsedAt, now)) await deps.apiTokens.markUsed(token.id, now);
    return { user, via: 'api_token', sessionId: undefined, sessionToken: undefined, apiTokenId: token.id };
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (!cookie?.startsWith(TOKEN_PREFIX.session)) return undefined;
  const found = await deps.sessions.findLiveWithUser(hashOpaqueToken(cookie), now, { recent });
  if (!found || found.session.state !== sessionState) return undefined;
  const { session, user } = found;
  if (deps.touches.due(session.id, session.lastSeenAt, now)) await deps.sessions.touch(session.id, now);
  return { user, via: 'session', sessionId: session.id, sessionToken: cookie, apiTokenId: undefined };
}
