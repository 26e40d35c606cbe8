import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { csrfTokenFor, hashOpaqueToken, safeEqual, TOKEN_PREFIX } from '../auth/opaque-tokens.ts';
import { forbidden, HubError, notFound, unauthenticated } from '../errors.ts';
import type { HubContext } from '../hub-context.ts';
import type { Role } from '../storage/schema.ts';
import type { UserRow } from '../storage/users-repository.ts';

/**
 * Who may call a route. Every route declares one in `config.access`; a route without it makes
 * the server refuse to start (see server.ts), so nothing is public by accident.
 *
 * - `public`: anyone (sign-up, login, health, OpenAPI, OAuth callback, webhook receivers).
 * - `pendingTotp`: the half-logged-in session between password and TOTP code.
 * - `user`: any signed-in user (session cookie or API token).
 * - `session`: a signed-in user with a browser session; API tokens are refused
 *   (used where a leaked script token must not escalate: minting tokens, 2FA changes).
 * - `role(r)`: a member of the route's `:workspaceId` with role `r` or higher.
 */
export type Access =
  | { kind: 'public' }
  | { kind: 'pendingTotp' }
  | { kind: 'user' }
  | { kind: 'session' }
  | { kind: 'workspace'; role: Role };

export const access = {
  public: { kind: 'public' },
  pendingTotp: { kind: 'pendingTotp' },
  user: { kind: 'user' },
  session: { kind: 'session' },
  role: (role: Role): Access => ({ kind: 'workspace', role }),
} satisfies Record<string, Access | ((role: Role) => Access)>;

/**
 * Gives every route added afterwards in this plugin (and its children) `rule`, unless the route
 * declares its own. For third-party plugins that cannot set route config, e.g. the static UI:
 *   declareAccess(app, access.public); await app.register(fastifyStatic, { root });
 */
export function declareAccess(app: FastifyInstance, rule: Access): void {
  app.addHook('onRoute', (route) => {
    if (!route.config?.access) route.config = { ...route.config, access: rule };
  });
}

export const SESSION_COOKIE = 'koppel_session';
export const CSRF_COOKIE = 'koppel_csrf';
export const CSRF_HEADER = 'x-koppel-csrf';

const ROLE_RANK: Record<Role, number> = { viewer: 1, admin: 2, owner: 3 };

export function roleAtLeast(role: Role, required: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[required];
}

export interface Principal {
  user: UserRow;
  via: 'session' | 'api_token';
  sessionId: string | undefined;
  /** The raw cookie value, needed to derive the CSRF token; never logged. */
  sessionToken: string | undefined;
  apiTokenId: string | undefined;
}

export interface Membership {
  workspaceId: string;
  role: Role;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
    membership: Membership | null;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const TOUCH_INTERVAL_MS = 60_000;

/** The onRequest hook: authenticates, checks CSRF, and enforces the route's declared access. */
export function accessHook(ctx: HubContext) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    request.principal = null;
    request.membership = null;
    const rule = request.routeOptions.config.access;
    // No rule: the request matched no route and goes to the 404 handler.
    if (!rule || rule.kind === 'public') return;

    const principal = await authenticate(
      request,
      ctx,
      rule.kind === 'pendingTotp' ? 'totp_pending' : 'active',
    );
    if (!principal) {
      throw rule.kind === 'pendingTotp'
        ? unauthenticated(
            'No login is waiting for a two-factor code; start again with POST /api/v1/auth/login.',
          )
        : unauthenticated();
    }
    if (principal.via === 'session' && !SAFE_METHODS.has(request.method)) {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !safeEqual(sent, csrfTokenFor(principal.sessionToken!))) {
        throw forbidden(
          'csrf_token_invalid',
          `Requests signed in with a session cookie must send the ${CSRF_HEADER} header with the csrfToken from login or GET /api/v1/me (also in the ${CSRF_COOKIE} cookie).`,
        );
      }
    }
    request.principal = principal;
    if (rule.kind === 'session' && principal.via !== 'session') {
      throw forbidden(
        'session_required',
        'This action needs a signed-in browser session; API tokens cannot do it.',
      );
    }
    if (rule.kind === 'workspace') {
      // Every role route has :workspaceId (checked when the server gets ready).
      const workspaceId = (request.params as Record<string, string>).workspaceId ?? '';
      const role = UUID.test(workspaceId)
        ? await ctx.repos.workspaces.roleOf(workspaceId, principal.user.id)
        : undefined;
      // Non-members get 404, not 403, so workspace ids cannot be probed.
      if (!role)
        throw notFound('workspace_not_found', 'No workspace with this id, or you are not a member of it.');
      if (!roleAtLeast(role, rule.role)) {
        throw forbidden(
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
  ctx: HubContext,
  sessionState: 'active' | 'totp_pending',
): Promise<Principal | undefined> {
  const now = ctx.clock.now();
  const header = request.headers.authorization;
  if (header !== undefined) {
    // An Authorization header is decisive: a bad token is refused, never silently replaced by a cookie.
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match || sessionState !== 'active' || !match[1]!.startsWith(TOKEN_PREFIX.apiToken)) return undefined;
    const token = await ctx.repos.apiTokens.findLive(hashOpaqueToken(match[1]!), now);
    if (!token) return undefined;
    const user = await ctx.repos.users.findById(token.userId);
    if (!user) return undefined;
    if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
      await ctx.repos.apiTokens.markUsed(token.id, now);
    }
    return { user, via: 'api_token', sessionId: undefined, sessionToken: undefined, apiTokenId: token.id };
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (!cookie?.startsWith(TOKEN_PREFIX.session)) return undefined;
  const session = await ctx.repos.sessions.findLive(hashOpaqueToken(cookie), now);
  if (!session || session.state !== sessionState) return undefined;
  const user = await ctx.repos.users.findById(session.userId);
  if (!user) return undefined;
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS)
    await ctx.repos.sessions.touch(session.id, now);
  return { user, via: 'session', sessionId: session.id, sessionToken: cookie, apiTokenId: undefined };
}

/** The principal of a route whose access is not public; throws if the hook did not set one. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal)
    throw new HubError('internal_error', 'route used principalOf without an access rule');
  return request.principal;
}

export function membershipOf(request: FastifyRequest): Membership {
  if (!request.membership)
    throw new HubError('internal_error', 'route used membershipOf without a role rule');
  return request.membership;
}
