import type { FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import { HubError } from '../errors/hub-error.ts';
import { principalOf, roleAtLeast } from '../http/access.ts';
import type { Role } from '../storage/schema.ts';
import type { ExactAppRow } from './apps-repository.ts';
import type { ConnectionsDeps } from './connections-deps.ts';
import type { ConnectionRow } from './connections-repository.ts';

/**
 * Apps and connections have their own URLs (`/apps/:appId`, `/connections/:connectionId`), so
 * their routes declare `access.user` plus a guard (a preValidation hook, so it runs before the
 * body is looked at) that checks the role in the workspace owning the resource, with the
 * platform's rules: a non-member gets 404 (ids cannot be probed), a member below `role` gets 403.
 */
export async function requireRole(
  deps: Pick<ConnectionsDeps, 'workspaces'>,
  request: FastifyRequest,
  workspaceId: string,
  role: Role,
  missing: HubError,
): Promise<void> {
  const { user } = principalOf(request);
  const actual = await deps.workspaces.roleOf(workspaceId, user.id);
  if (!actual) throw missing;
  if (!roleAtLeast(actual, role)) {
    throw new HubError(
      'insufficient_role',
      `This action needs the ${role} role in the workspace; you are ${actual}.`,
    );
  }
  request.membership = { workspaceId, role: actual };
}

export async function connectionFor(
  deps: ConnectionsDeps,
  request: FastifyRequest,
  connectionId: string,
  role: Role,
): Promise<ConnectionRow> {
  const missing = new HubError(
    'connection_not_found',
    'No connection with this id, or you are not a member of its workspace.',
  );
  const connection = await deps.exact.connections.findById(connectionId);
  if (!connection) throw missing;
  await requireRole(deps, request, connection.workspaceId, role, missing);
  return connection;
}

export async function appFor(
  deps: ConnectionsDeps,
  request: FastifyRequest,
  appId: string,
  role: Role,
): Promise<ExactAppRow> {
  const missing = new HubError(
    'app_not_found',
    'No Exact app with this id, or you are not a member of its workspace.',
  );
  const app = await deps.exact.apps.findById(appId);
  if (!app) throw missing;
  await requireRole(deps, request, app.workspaceId, role, missing);
  return app;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const guarded = new WeakMap<FastifyRequest, { connection?: ConnectionRow; app?: ExactAppRow }>();

function rawId(request: FastifyRequest, from: 'params' | 'query', name: string): string | undefined {
  const value = (request[from] as Record<string, unknown> | undefined)?.[name];
  // A malformed id is left to schema validation, which answers 400.
  return typeof value === 'string' && UUID.test(value) ? value : undefined;
}

/** Loads the connection named by `:connectionId` (or `?connection=`) and checks the caller's role. */
export function connectionGuard(
  deps: ConnectionsDeps,
  role: Role,
  from: { part: 'params' | 'query'; name: string } = { part: 'params', name: 'connectionId' },
): preValidationAsyncHookHandler {
  return async (request) => {
    const id = rawId(request, from.part, from.name);
    if (id) guarded.set(request, { connection: await connectionFor(deps, request, id, role) });
  };
}

/** Loads the app named by `:appId` and checks the caller's role. */
export function appGuard(deps: ConnectionsDeps, role: Role): preValidationAsyncHookHandler {
  return async (request) => {
    const id = rawId(request, 'params', 'appId');
    if (id) guarded.set(request, { app: await appFor(deps, request, id, role) });
  };
}

/** The connection its guard loaded for this request. */
export function guardedConnection(request: FastifyRequest): ConnectionRow {
  const connection = guarded.get(request)?.connection;
  if (!connection)
    throw new HubError('internal_error', `route ${request.routeOptions.url} has no connectionGuard`);
  return connection;
}

export function guardedApp(request: FastifyRequest): ExactAppRow {
  const app = guarded.get(request)?.app;
  if (!app) throw new HubError('internal_error', `route ${request.routeOptions.url} has no appGuard`);
  return app;
}
