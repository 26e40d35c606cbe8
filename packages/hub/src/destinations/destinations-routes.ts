import { z } from 'zod';
import { HubError } from '../errors/hub-error.ts';
import { access, membershipOf } from '../http/access.ts';
import type { RoutePlugin } from '../http/route-plugin.ts';
import { EmptyReply, iso, Timestamp, WorkspaceParams, type ZodTypeProvider } from '../http/zod-schemas.ts';
import type { DestinationRow } from './destinations-repository.ts';
import type { DestinationsService } from './destinations-service.ts';
import { describeConnectionString } from './postgres-destination.ts';

const Name = z.string().trim().min(1).max(200);
const ConnectionString = z
  .string()
  .min(1)
  .max(2000)
  .meta({ description: 'postgres://user:password@host:5432/database (stored encrypted, never returned)' });
const CreateBody = z.object({
  name: Name,
  kind: z.literal('postgres').default('postgres'),
  connectionString: ConnectionString,
});
const UpdateBody = z.object({ name: Name.optional(), connectionString: ConnectionString.optional() });
const DestinationParams = WorkspaceParams.extend({ destinationId: z.uuid() });

export const DestinationTestView = z.object({
  ok: z.boolean(),
  serverVersion: z.string().nullable(),
  database: z.string().nullable(),
  user: z.string().nullable(),
  canCreateSchema: z.boolean(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
const DestinationView = z.object({
  id: z.uuid(),
  workspaceId: z.uuid(),
  name: z.string(),
  kind: z.literal('postgres'),
  location: z.string().meta({ description: 'The connection string without its password' }),
  lastTest: DestinationTestView.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
const HubDatabaseView = z.object({
  name: z.string(),
  location: z.string(),
  note: z.string(),
});

/** Destinations of a workspace (CRUD and Test), and the hub's own database every flow may use. */
export function destinationsRoutes(destinations: DestinationsService): RoutePlugin {
  return async (app) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const view = (row: DestinationRow): z.input<typeof DestinationView> => ({
      id: row.id,
      workspaceId: row.workspaceId,
      name: row.name,
      kind: row.kind,
      location: describeConnectionString(destinations.repository.connectionStringOf(row)),
      lastTest: (row.lastTest as z.input<typeof DestinationTestView> | null) ?? null,
      createdAt: iso(row.createdAt),
      updatedAt: iso(row.updatedAt),
    });
    const found = async (workspaceId: string, id: string) => {
      const row = await destinations.repository.findInWorkspace(workspaceId, id);
      if (!row) throw new HubError('destination_not_found', 'No destination with this id in the workspace.');
      return row;
    };

    r.get(
      '/workspaces/:workspaceId/destinations',
      {
        config: { access: access.role('viewer') },
        schema: {
          tags: ['destinations'],
          summary: "The workspace's destinations (the hub's own database needs none: destinationId null)",
          params: WorkspaceParams,
          response: { 200: z.array(DestinationView) },
        },
      },
      async (request) => (await destinations.repository.list(membershipOf(request).workspaceId)).map(view),
    );

    r.get(
      '/workspaces/:workspaceId/destinations/hub',
      {
        config: { access: access.role('viewer') },
        schema: {
          tags: ['destinations'],
          summary: "The hub's own database, which flows use when their destinationId is null",
          params: WorkspaceParams,
          response: { 200: HubDatabaseView },
        },
      },
      async () => ({
        name: 'Hub database',
        location: destinations.hubLocation,
        note: 'Used when a flow has no destination (destinationId null); nothing to configure.',
      }),
    );

    r.post(
      '/workspaces/:workspaceId/destinations',
      {
        config: { access: access.role('admin') },
        schema: {
          tags: ['destinations'],
          summary: 'Add a Postgres destination; press Test next (POST …/test)',
          params: WorkspaceParams,
          body: CreateBody,
          response: { 201: DestinationView },
        },
      },
      async (request, reply) => {
        const { name, connectionString } = request.body;
        const row = await destinations.create(membershipOf(request).workspaceId, { name, connectionString });
        return reply.code(201).send(view(row));
      },
    );

    r.get(
      '/workspaces/:workspaceId/destinations/:destinationId',
      {
        config: { access: access.role('viewer') },
        schema: {
          tags: ['destinations'],
          summary: 'One destination',
          params: DestinationParams,
          response: { 200: DestinationView },
        },
      },
      async (request) => view(await found(membershipOf(request).workspaceId, request.params.destinationId)),
    );

    r.patch(
      '/workspaces/:workspaceId/destinations/:destinationId',
      {
        config: { access: access.role('admin') },
        schema: {
          tags: ['destinations'],
          summary: 'Rename a destination or replace its connection string',
          params: DestinationParams,
          body: UpdateBody,
          response: { 200: DestinationView },
        },
      },
      async (request) => {
        const row = await found(membershipOf(request).workspaceId, request.params.destinationId);
        const { name, connectionString } = request.body;
        return view(
          await destinations.update(row, {
            ...(name === undefined ? {} : { name }),
            ...(connectionString === undefined ? {} : { connectionString }),
          }),
        );
      },
    );

    r.delete(
      '/workspaces/:workspaceId/destinations/:destinationId',
      {
        config: { access: access.role('admin') },
        schema: {
          tags: ['destinations'],
          summary: 'Delete a destination no flow uses (its data stays in the database)',
          params: DestinationParams,
          response: { 204: EmptyReply },
        },
      },
      async (request, reply) => {
        await destinations.delete(
          await found(membershipOf(request).workspaceId, request.params.destinationId),
        );
        return reply.code(204).send(null);
      },
    );

    r.post(
      '/workspaces/:workspaceId/destinations/:destinationId/test',
      {
        config: { access: access.role('admin') },
        schema: {
          tags: ['destinations'],
          summary: 'Test: connect, and check the right to create the flow’s schema',
          params: DestinationParams,
          response: { 200: DestinationTestView },
        },
      },
      async (request) =>
        destinations.test(await found(membershipOf(request).workspaceId, request.params.destinationId)),
    );
  };
}
