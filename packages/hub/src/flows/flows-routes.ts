import { z } from 'zod';
import { connectionGuard, guardedConnection } from '../connections/connection-guards.ts';
import type { ConnectionsDeps } from '../connections/connections-deps.ts';
import { HubError } from '../errors/hub-error.ts';
import { access, membershipOf } from '../http/access.ts';
import type { RoutePlugin } from '../http/route-plugin.ts';
import { EmptyReply, WorkspaceParams, type ZodTypeProvider } from '../http/zod-schemas.ts';
import type { Role } from '../storage/schema.ts';
import { flowGuard, guardedFlow, guardedRun, runGuard } from './flow-guards.ts';
import type { FlowsService } from './flows-service.ts';
import { FlowView, flowView, PackageView, packageView, RunView, runView } from './flows-views.ts';
import { PACKAGES } from './package-registry.ts';

const Name = z.string().trim().min(1).max(200);
const Divisions = z
  .array(z.number().int().positive())
  .max(10_000)
  .nullable()
  .meta({ description: 'Division codes (linked ones); null = every linked division, now and later' });
const Entities = z.array(z.string().min(1).max(100)).max(100);
const Settings = z
  .record(z.string(), z.unknown())
  .meta({ description: "The package's settings; omitted ones take their defaults (see GET /packages)" });
const Schedule = z.string().max(200).meta({ description: 'Five-field cron, UTC (default every 15 minutes)' });

const CreateFlowBody = z.object({
  packageId: z.string().min(1).max(100),
  name: Name.optional(),
  divisions: Divisions.optional(),
  entities: Entities.optional().meta({ description: "Default: the package's default set" }),
  destinationId: z
    .uuid()
    .nullable()
    .optional()
    .meta({ description: "null or omitted = the hub's own database" }),
  settings: Settings.optional(),
  schedule: Schedule.optional(),
  enabled: z.boolean().optional().meta({ description: 'Runs on its schedule (default true)' }),
});
const UpdateFlowBody = CreateFlowBody.omit({ packageId: true });
const ConnectionParams = z.object({ connectionId: z.uuid() });
const FlowParams = z.object({ flowId: z.uuid() });
const RunParams = z.object({ runId: z.uuid() });
const RunsQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) });
const TableParams = FlowParams.extend({ table: z.string().min(1).max(63) });
const PreviewQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) });
const TableView = z.object({
  schema: z.string(),
  table: z.string(),
  entity: z.string(),
  exists: z.boolean().meta({ description: "False until the flow's first run created the table" }),
  rows: z.number().int().meta({ description: 'Rows Exact still has (not soft-deleted)' }),
  deletedRows: z.number().int(),
});
const PreviewView = z.object({
  columns: z.array(z.string()),
  rows: z.array(z.record(z.string(), z.unknown())),
});

/** Packages, flows, runs and the Data page's tables. */
export function flowsRoutes(flows: FlowsService, connections: ConnectionsDeps): RoutePlugin {
  return async (app) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const onFlow = <S extends object>(role: Role, summary: string, schema: S) => ({
      config: { access: access.user },
      preValidation: flowGuard(connections, flows.repository, role),
      schema: { tags: ['flows'], summary, params: FlowParams, ...schema },
    });
    const onConnection = <S extends object>(role: Role, summary: string, schema: S) => ({
      config: { access: access.user },
      preValidation: connectionGuard(connections, role),
      schema: { tags: ['flows'], summary, params: ConnectionParams, ...schema },
    });

    r.get(
      '/packages',
      {
        config: { access: access.user },
        schema: {
          tags: ['flows'],
          summary: 'The packages (flow templates) with their entities and settings as JSON Schema',
          response: { 200: z.array(PackageView) },
        },
      },
      async () => PACKAGES.map(packageView),
    );

    r.get(
      '/workspaces/:workspaceId/flows',
      {
        config: { access: access.role('viewer') },
        schema: {
          tags: ['flows'],
          summary: "The workspace's flows",
          params: WorkspaceParams,
          response: { 200: z.array(FlowView) },
        },
      },
      async (request) => (await flows.listByWorkspace(membershipOf(request).workspaceId)).map(flowView),
    );

    r.get(
      '/connections/:connectionId/flows',
      onConnection('viewer', "The connection's flows", { response: { 200: z.array(FlowView) } }),
      async (request) => (await flows.listByConnection(guardedConnection(request).id)).map(flowView),
    );

    r.post(
      '/connections/:connectionId/flows',
      onConnection('admin', 'Set up a package on the connection (a flow)', {
        body: CreateFlowBody,
        response: { 201: FlowView },
      }),
      async (request, reply) =>
        reply.code(201).send(flowView(await flows.create(guardedConnection(request), request.body))),
    );

    r.get('/flows/:flowId', onFlow('viewer', 'One flow', { response: { 200: FlowView } }), async (request) =>
      flowView(guardedFlow(request)),
    );

    r.patch(
      '/flows/:flowId',
      onFlow('admin', "Change a flow's settings, entities, divisions, schedule, or switch it on or off", {
        body: UpdateFlowBody,
        response: { 200: FlowView },
      }),
      async (request) => {
        const flow = guardedFlow(request);
        const connection = await connections.exact.connections.findById(flow.connectionId);
        if (!connection)
          throw new HubError('connection_not_found', 'The flow’s connection no longer exists.');
        return flowView(await flows.update(flow, connection, request.body));
      },
    );

    r.delete(
      '/flows/:flowId',
      onFlow('admin', 'Delete a flow and its run history (replicated data stays)', {
        response: { 204: EmptyReply },
      }),
      async (request, reply) => {
        await flows.delete(guardedFlow(request));
        return reply.code(204).send(null);
      },
    );

    r.post(
      '/flows/:flowId/run',
      onFlow('admin', 'Run now: an incremental run of every stream', { response: { 202: RunView } }),
      async (request, reply) => {
        const run = await flows.requestRun(guardedFlow(request), { trigger: 'manual' });
        return reply.code(202).send(runView(run, []));
      },
    );

    r.post(
      '/flows/:flowId/resync',
      onFlow('admin', 'Full resync: re-read everything and remove what Exact no longer has', {
        response: { 202: RunView },
      }),
      async (request, reply) => {
        const run = await flows.requestRun(guardedFlow(request), { trigger: 'resync', resync: true });
        return reply.code(202).send(runView(run, []));
      },
    );

    r.get(
      '/flows/:flowId/runs',
      onFlow('viewer', "The flow's runs, newest first, each with its streams", {
        querystring: RunsQuery,
        response: { 200: z.array(RunView) },
      }),
      async (request) =>
        (await flows.listRuns(guardedFlow(request), request.query.limit)).map(({ run, streams }) =>
          runView(run, streams),
        ),
    );

    r.get(
      '/runs/:runId',
      {
        config: { access: access.user },
        preValidation: runGuard(connections, flows.repository, 'viewer'),
        schema: {
          tags: ['flows'],
          summary:
            'One run: per stream its status, rows read/written/deleted, API calls, cursors, duration, error',
          params: RunParams,
          response: { 200: RunView },
        },
      },
      async (request) => {
        const { run, streams } = await flows.runDetail(guardedRun(request));
        return runView(run, streams);
      },
    );

    r.get(
      '/flows/:flowId/tables',
      onFlow('viewer', "The flow's tables in its destination, with row counts (the Data page)", {
        response: { 200: z.array(TableView) },
      }),
      async (request) => flows.tables(guardedFlow(request)),
    );

    r.get(
      '/flows/:flowId/tables/:table/rows',
      onFlow('viewer', 'A preview of the latest rows of one of the flow’s tables (without _raw)', {
        params: TableParams,
        querystring: PreviewQuery,
        response: { 200: PreviewView },
      }),
      async (request) => flows.preview(guardedFlow(request), request.params.table, request.query.limit),
    );
  };
}
