import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuditService } from './audit-service.ts';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * An onSend hook: every state-changing request to a route under /api/v1, allowed or refused,
 * becomes an audit entry with its actor, workspace, URL parameters and body — written before
 * the answer leaves, so whoever sees the answer finds the entry.
 */
export function auditHook(audit: AuditService) {
  return async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    const route = request.routeOptions.url;
    if (!STATE_CHANGING.has(request.method) || route === undefined || !route.startsWith('/api/v1/'))
      return payload;
    const params = request.params as Record<string, string> | undefined;
    await audit.record({
      workspaceId: request.membership?.workspaceId ?? null,
      actorUserId: request.principal?.user.id ?? null,
      actorEmail: request.principal?.user.email ?? null,
      via: request.principal?.via ?? null,
      action: `${request.method} ${route}`,
      params: params && Object.keys(params).length > 0 ? params : null,
      changes: request.body ?? null,
      status: reply.statusCode,
    });
    return payload;
  };
}
