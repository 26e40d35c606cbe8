import { z } from 'zod';
import { access, membershipOf } from '../http/access.ts';
import type { RoutePlugin } from '../http/route-plugin.ts';
import { EmptyReply, iso, Timestamp, WorkspaceParams, type ZodTypeProvider } from '../http/zod-schemas.ts';
import type { Role } from '../storage/schema.ts';
import { connectionGuard, guardedConnection } from './connection-guards.ts';
import type { ConnectionsDeps } from './connections-deps.ts';
import type { ConnectionsService } from './connections-service.ts';
import {
  ConnectionTestView,
  ConnectionView,
  connectionView,
  DivisionView,
  divisionView,
} from './connections-views.ts';

const Name = z.string().trim().min(1).max(200);
const CreateConnectionBody = z.object({ name: Name, appId: z.uuid(), active: z.boolean().default(true) });
const UpdateConnectionBody = z.object({ name: Name.optional(), active: z.boolean().optional() });
const ConnectionParams = z.object({ connectionId: z.uuid() });
const LinkBody = z.object({
  codes: z
    .array(z.number().int().positive())
    .max(10_000)
    .meta({ description: 'Division codes to link; every other division is unlinked' }),
});
const EventView = z.object({
  id: z.uuid(),
  kind: z.string(),
  level: z.enum(['info', 'warning', 'error']),
  message: z.string(),
  details: z.unknown(),
  createdAt: Timestamp,
});
const RefreshDivisionsBody = z
  .object({
    via: z.number().int().min(1).max(2_147_483_647).optional().meta({
      description:
        'A division ticked on the consent screen, to read the list through when Exact refuses it through the current division',
    }),
  })
  .optional();
const EventsQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });

/** Connections: CRUD, divisions (list, refresh from Exact, link) and the connection test. */
export function connectionsRoutes(deps: ConnectionsDeps, connections: ConnectionsService): RoutePlugin {
  return async (app) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    /** Route options for one connection: signed in, then `role` in the connection's workspace. */
    const onConnection = <S extends object>(role: Role, summary: string, schema: S) => ({
      config: { access: access.user },
      preValidation: connectionGuard(deps, role),
      schema: { tags: ['connections'], summary, params: ConnectionParams, ...schema },
    });

    r.get(
      '/workspaces/:workspaceId/connections',
      {
        config: { access: access.role('viewer') },
        schema: {
          tags: ['connections'],
          summary: "The workspace's connections",
          params: WorkspaceParams,
          response: { 200: z.array(ConnectionView) },
        },
      },
      async (request) => (await connections.list(membershipOf(request).workspaceId)).map(connectionView),
    );

    r.post(
      '/workspaces/:workspaceId/connections',
      {
        config: { access: access.role('admin') },
        schema: {
          tags: ['connections'],
          summary: 'Create a connection on an Exact app; authorize it next (GET /oauth/exact/start)',
          params: WorkspaceParams,
          body: CreateConnectionBody,
          response: { 201: ConnectionView },
        },
      },
      async (request, reply) => {
        const row = await connections.create(membershipOf(request).workspaceId, request.body);
        return reply.code(201).send(connectionView(row));
      },
    );

    r.get(
      '/connections/:connectionId',
      onConnection('viewer', 'One connection with its status, Exact user and last test', {
        response: { 200: ConnectionView },
      }),
      async (request) => connectionView(guardedConnection(request)),
    );

    r.patch(
      '/connections/:connectionId',
      onConnection('admin', 'Rename a connection or switch it on or off (Active)', {
        body: UpdateConnectionBody,
        response: { 200: ConnectionView },
      }),
      async (request) => {
        return connectionView(await connections.update(guardedConnection(request), request.body));
      },
    );

    r.delete(
      '/connections/:connectionId',
      onConnection('admin', 'Delete a connection and its stored tokens', {
        response: { 204: EmptyReply },
      }),
      async (request, reply) => {
        await connections.delete(guardedConnection(request));
        return reply.code(204).send(null);
      },
    );

    r.get(
      '/connections/:connectionId/divisions',
      onConnection('viewer', 'Divisions Exact listed for the connection, with link and scope flags', {
        response: { 200: z.array(DivisionView) },
      }),
      async (request) => {
        return (await connections.listDivisions(guardedConnection(request))).map(divisionView);
      },
    );

    r.post(
      '/connections/:connectionId/divisions/refresh',
      onConnection(
        'admin',
        'Re-read system/Divisions from Exact (divisions no longer granted get inScope=false)',
        {
          body: RefreshDivisionsBody,
          response: { 200: z.array(DivisionView) },
        },
      ),
      async (request) => {
        const divisions = await connections.refreshDivisions(guardedConnection(request), request.body?.via);
        return divisions.map(divisionView);
      },
    );

    r.put(
      '/connections/:connectionId/divisions',
      onConnection('admin', 'Link exactly these divisions (any subset of what Exact listed)', {
        body: LinkBody,
        response: { 200: z.array(DivisionView) },
      }),
      async (request) => {
        const linked = await connections.linkDivisions(guardedConnection(request), request.body.codes);
        return linked.map(divisionView);
      },
    );

    r.post(
      '/connections/:connectionId/test',
      onConnection('admin', 'Test the connection: current/Me plus one cheap read per linked division', {
        response: { 200: ConnectionTestView },
      }),
      async (request) => {
        return connections.test(guardedConnection(request));
      },
    );

    r.get(
      '/connections/:connectionId/events',
      onConnection(
        'viewer',
        "The connection's recent events (authorizations, tests, token failures), newest first",
        {
          querystring: EventsQuery,
          response: { 200: z.array(EventView) },
        },
      ),
      async (request) => {
        const rows = await connections.events(guardedConnection(request), request.query.limit);
        return rows.map((e) => ({ ...e, createdAt: iso(e.createdAt) }));
      },
    );
  };
}
