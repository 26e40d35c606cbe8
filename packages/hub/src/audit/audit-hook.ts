import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuditService } from './audit-service.ts';
import { auditSubjectOf } from './audit-subjects.ts';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const WORKSPACE_DELETION = 'DELETE /api/v1/workspaces/:workspaceId';

const audited = (request: FastifyRequest): string | undefined => {
  const route = request.routeOptions.url;
  return STATE_CHANGING.has(request.method) && route?.startsWith('/api/v1/') ? route : undefined;
};
const paramsOf = (request: FastifyRequest) => (request.params ?? {}) as Record<string, string>;

/** The JSON a route answered, for the resource a 201 created; undefined for anything else. */
function createdResource(reply: FastifyReply, payload: unknown): unknown {
  if (reply.statusCode !== 201 || typeof payload !== 'string') return undefined;
  try {
    return JSON.parse(payload);
  } catch {
    return undefined;
  }
}

/**
 * Audit hooks: every state-changing request to a route under /api/v1, allowed or refused,
 * becomes an entry with its actor, workspace, URL parameters, body, and the row it acted on
 * before and after (or the resource it created) — written before the answer leaves, so
 * whoever sees the answer finds the entry.
 */
export function auditHooks(audit: AuditService) {
  const before = new WeakMap<FastifyRequest, unknown>();
  return {
    /** Runs once the request is authorized, just before the handler changes anything. */
    preHandler: async (request: FastifyRequest): Promise<void> => {
      const route = audited(request);
      const subject = route === undefined ? undefined : auditSubjectOf(route);
      if (subject) before.set(request, await audit.subjectRow(subject, paramsOf(request)));
    },
    onSend: async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
      const route = audited(request);
      if (route === undefined) return payload;
      const params = paramsOf(request);
      const subject = auditSubjectOf(route);
      const action = `${request.method} ${route}`;
      const ok = reply.statusCode < 400;
      // A deleted workspace takes its entries with it; its deletion is kept among the hub's own.
      const workspaceGone = action === WORKSPACE_DELETION && ok;
      await audit.record({
        workspaceId: workspaceGone ? null : (request.membership?.workspaceId ?? null),
        actorUserId: request.principal?.user.id ?? null,
        actorEmail: request.principal?.user.email ?? null,
        via: request.principal?.via ?? null,
        action,
        params: Object.keys(params).length > 0 ? params : null,
        changes: request.body ?? null,
        // Only for a change that happened: a refused request changed nothing, and its row may
        // belong to a workspace the caller cannot see (the route's own guard runs after this hook).
        before: ok ? (before.get(request) ?? null) : null,
        after: !ok
          ? null
          : subject
            ? await audit.subjectRow(subject, params)
            : (createdResource(reply, payload) ?? null),
        status: reply.statusCode,
      });
      return payload;
    },
  };
}
