import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HubError } from '../errors/hub-error.ts';
import type { Role, users } from '../storage/schema.ts';

/**
 * Who may call a route. Every route declares one in `config.access`; a route without it makes
 * the server refuse to start (see api/server.ts), so nothing is public by accident.
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
  user: typeof users.$inferSelect;
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
