import { z } from 'zod';
import { HubError } from '../errors/hub-error.ts';
import { access, membershipOf, principalOf, roleAtLeast } from '../http/access.ts';
import type { RoutePlugin } from '../http/route-plugin.ts';
import { iso, Timestamp, WorkspaceParams, type ZodTypeProvider } from '../http/zod-schemas.ts';
import type { Role } from '../storage/schema.ts';
import type { AuditEntryRow } from './audit-repository.ts';
import type { AuditService } from './audit-service.ts';

const AuditEntryView = z.object({
  id: z.uuid(),
  at: Timestamp,
  actorUserId: z.uuid().nullable(),
  actorEmail: z.string().nullable(),
  via: z.string().nullable().meta({ description: 'session or api_token' }),
  action: z.string().meta({ description: 'METHOD /route, e.g. PATCH /api/v1/flows/:flowId' }),
  params: z.record(z.string(), z.string()).nullable(),
  changes: z.unknown().meta({ description: 'The request body, secrets replaced by [redacted]' }),
  status: z.number().int().meta({ description: 'The answer: 2xx done, 4xx refused' }),
  before: z.unknown().meta({
    description: 'The row the route changed or deleted, as it was (secret columns [redacted]); null for none',
  }),
  after: z.unknown().meta({
    description:
      'That row afterwards (null once deleted), or the resource a 201 created; a replaced secret reads "[redacted, changed]"',
  }),
});
const auditEntryView = (row: AuditEntryRow): z.input<typeof AuditEntryView> => ({
  id: row.id,
  at: iso(row.at),
  actorUserId: row.actorUserId,
  actorEmail: row.actorEmail,
  via: row.via,
  action: row.action,
  params: row.params as Record<string, string> | null,
  changes: row.changes,
  status: row.status,
  before: row.before,
  after: row.after,
});
const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.iso.datetime({ offset: true }).optional().meta({ description: 'Older than (paging)' }),
});

/** Whose roles make them an admin of the hub itself: an owner or admin of some workspace. */
export interface HubRoles {
  listForUser(userId: string): Promise<{ role: Role }[]>;
}

/** The workspace's audit log for its owners and admins; the hub's own entries for the hub's. */
export function auditRoutes(audit: AuditService, roles: HubRoles): RoutePlugin {
  return async (app) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get(
      '/workspaces/:workspaceId/audit',
      {
        config: { access: access.role('admin') },
        schema: {
          tags: ['audit'],
          summary: 'Who changed what in the workspace, newest first (secrets never shown)',
          params: WorkspaceParams,
          querystring: AuditQuery,
          response: { 200: z.array(AuditEntryView) },
        },
      },
      async (request) => {
        const { limit, before } = request.query;
        const rows = await audit.list(
          membershipOf(request).workspaceId,
          limit,
          before ? new Date(before) : undefined,
        );
        return rows.map(auditEntryView);
      },
    );

    r.get(
      '/audit',
      {
        config: { access: access.user },
        schema: {
          tags: ['audit'],
          summary:
            "The hub's own entries, outside any workspace (sign-up, sign-in, API tokens, new and deleted workspaces), for owners and admins of a workspace",
          querystring: AuditQuery,
          response: { 200: z.array(AuditEntryView) },
        },
      },
      async (request) => {
        const memberships = await roles.listForUser(principalOf(request).user.id);
        if (!memberships.some((m) => roleAtLeast(m.role, 'admin')))
          throw new HubError(
            'insufficient_role',
            "Only owners and admins of a workspace see the hub's audit log.",
          );
        const { limit, before } = request.query;
        const rows = await audit.list(null, limit, before ? new Date(before) : undefined);
        return rows.map(auditEntryView);
      },
    );
  };
}
