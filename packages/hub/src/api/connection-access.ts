import type { FastifyRequest } from 'fastify';
import type { ExactAppRow } from '../connections/apps-repository.ts';
import type { ConnectionRow } from '../connections/connections-repository.ts';
import { exactAccess } from '../connections/exact-access.ts';
import { forbidden, type HubError, notFound } from '../errors.ts';
import type { HubContext } from '../hub-context.ts';
import type { Role } from '../storage/schema.ts';
import { principalOf, roleAtLeast } from './access.ts';

/**
 * Apps and connections have their own URLs (`/apps/:appId`, `/connections/:connectionId`), so
 * their routes declare `access.user` and check the role here, in the workspace that owns the
 * resource, with the platform's rules: a non-member gets 404 (ids cannot be probed), a member
 * below `role` gets 403.
 */
async function requireRole(
  ctx: HubContext,
  request: FastifyRequest,
  workspaceId: string,
  role: Role,
  missing: HubError,
): Promise<void> {
  const { user } = principalOf(request);
  const actual = await ctx.repos.workspaces.roleOf(workspaceId, user.id);
  if (!actual) throw missing;
  if (!roleAtLeast(actual, role)) {
    throw forbidden(
      'insufficient_role',
      `This action needs the ${role} role in the workspace; you are ${actual}.`,
    );
  }
  request.membership = { workspaceId, role: actual };
}

export async function connectionFor(
  ctx: HubContext,
  request: FastifyRequest,
  connectionId: string,
  role: Role,
): Promise<ConnectionRow> {
  const missing = notFound(
    'connection_not_found',
    'No connection with this id, or you are not a member of its workspace.',
  );
  const connection = await exactAccess(ctx).connections.findById(connectionId);
  if (!connection) throw missing;
  await requireRole(ctx, request, connection.workspaceId, role, missing);
  return connection;
}

export async function appFor(
  ctx: HubContext,
  request: FastifyRequest,
  appId: string,
  role: Role,
): Promise<ExactAppRow> {
  const missing = notFound(
    'app_not_found',
    'No Exact app with this id, or you are not a member of its workspace.',
  );
  const app = await exactAccess(ctx).apps.findById(appId);
  if (!app) throw missing;
  await requireRole(ctx, request, app.workspaceId, role, missing);
  return app;
}
