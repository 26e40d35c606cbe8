import { z } from 'zod';
import { access, membershipOf } from '../http/access.ts';
import type { RoutePlugin } from '../http/route-plugin.ts';
import { iso, Timestamp, WorkspaceParams, type ZodTypeProvider } from '../http/zod-schemas.ts';
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
});

/** The workspace's audit log, for owners and admins. */
export function auditRoutes(audit: AuditService): RoutePlugin {
  return async (app) => {
    app.withTypeProvider<ZodTypeProvider>().get(
      '/workspaces/:workspaceId/audit',
      {
        config: { access: access.role('admin') },
        schema: {
          tags: ['audit'],
          summary: 'Who changed what in the workspace, newest first (secrets never shown)',
          params: WorkspaceParams,
          querystring: z.object({
            limit: z.coerce.number().int().min(1).max(500).default(100),
            before: z.iso.datetime({ offset: true }).optional().meta({ description: 'Older than (paging)' }),
          }),
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
  };
}
