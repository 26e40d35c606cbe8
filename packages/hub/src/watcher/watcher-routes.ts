import { z } from 'zod';
import { RunView, runView } from '../flows/flows-views.ts';
import { access, membershipOf, principalOf } from '../http/access.ts';
import type { RoutePlugin } from '../http/route-plugin.ts';
import { WorkspaceParams, type ZodTypeProvider } from '../http/zod-schemas.ts';
import { RECORD_ERROR_STATUSES, RUN_STATUSES } from '../storage/schema.ts';
import type { WatcherService } from './watcher-service.ts';
import { ErrorGroupView, errorGroupView, RecordErrorView, recordErrorView } from './watcher-views.ts';

const Limit = z.coerce.number().int().min(1).max(500).default(50);
const Division = z.coerce.number().int().positive().optional();
const RunsQuery = z.object({
  status: z.enum(RUN_STATUSES).optional(),
  flowId: z.uuid().optional(),
  connectionId: z.uuid().optional(),
  division: Division,
  entity: z.string().min(1).max(100).optional(),
  from: z.iso.datetime({ offset: true }).optional().meta({ description: 'Queued at or after' }),
  to: z.iso.datetime({ offset: true }).optional().meta({ description: 'Queued at or before' }),
  limit: Limit,
});
const ErrorsQuery = z.object({
  status: z.enum(RECORD_ERROR_STATUSES).optional(),
  flowId: z.uuid().optional(),
  runId: z.uuid().optional(),
  division: Division,
  entity: z.string().min(1).max(100).optional(),
  limit: Limit,
});
const RunParams = WorkspaceParams.extend({ runId: z.uuid() });
const ErrorSelectionBody = z
  .object({
    ids: z.array(z.uuid()).min(1).max(1000).optional(),
    flowId: z.uuid().optional(),
    entity: z.string().min(1).max(100).optional(),
    message: z
      .string()
      .min(1)
      .max(10_000)
      .optional()
      .meta({ description: 'A group: every error with this message' }),
  })
  .refine((body) => body.ids !== undefined || body.message !== undefined || body.flowId !== undefined, {
    message: 'say which errors: ids, or a group (flowId and/or message)',
  });
const RunDetailView = RunView.extend({ errors: z.array(RecordErrorView) });
const RetryReply = z.object({
  errors: z.array(RecordErrorView),
  runs: z.array(RunView).meta({ description: 'The runs queued to send the errors again' }),
});

const date = (value: string | undefined) => (value === undefined ? undefined : new Date(value));

/** The watcher: runs across flows, run detail with per-record errors, retry and resolve. */
export function watcherRoutes(watcher: WatcherService): RoutePlugin {
  return async (app) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get(
      '/workspaces/:workspaceId/runs',
      {
        config: { access: access.role('viewer') },
        schema: {
          tags: ['watcher'],
          summary:
            'Runs of every flow, newest first, filterable by status, flow, connection, division, entity, time',
          params: WorkspaceParams,
          querystring: RunsQuery,
          response: { 200: z.array(RunView) },
        },
      },
      async (request) => {
        const { limit, from, to, ...filter } = request.query;
        const runs = await watcher.listRuns(
          membershipOf(request).workspaceId,
          { ...filter, from: date(from), to: date(to) },
          limit,
        );
        return runs.map(({ run, streams }) => runView(run, streams));
      },
    );

    r.get(
      '/workspaces/:workspaceId/runs/:runId',
      {
        config: { access: access.role('viewer') },
        schema: {
          tags: ['watcher'],
          summary: 'A run with its streams and the per-record errors it recorded',
          params: RunParams,
          response: { 200: RunDetailView },
        },
      },
      async (request) => {
        const { run, streams, errors } = await watcher.runDetail(
          membershipOf(request).workspaceId,
          request.params.runId,
        );
        return { ...runView(run, streams), errors: errors.map(recordErrorView) };
      },
    );

    r.post(
      '/workspaces/:workspaceId/runs/:runId/retry',
      {
        config: { access: access.role('admin') },
        schema: {
          tags: ['watcher'],
          summary: "Runs the run's streams again; its unresolved errors are sent again first",
          params: RunParams,
          response: { 202: RunView },
        },
      },
      async (request, reply) => {
        const run = await watcher.retryRun(membershipOf(request).workspaceId, request.params.runId);
        return reply.code(202).send(runView(run, []));
      },
    );

    r.get(
      '/workspaces/:workspaceId/errors',
      {
        config: { access: access.role('viewer') },
        schema: {
          tags: ['watcher'],
          summary: 'Per-record errors, latest first (resolved ones stay as history)',
          params: WorkspaceParams,
          querystring: ErrorsQuery,
          response: { 200: z.array(RecordErrorView) },
        },
      },
      async (request) => {
        const { limit, ...filter } = request.query;
        const errors = await watcher.listErrors(membershipOf(request).workspaceId, filter, limit);
        return errors.map(recordErrorView);
      },
    );

    r.get(
      '/workspaces/:workspaceId/errors/groups',
      {
        config: { access: access.role('viewer') },
        schema: {
          tags: ['watcher'],
          summary: 'Errors grouped by flow, entity and message, with counts (most frequent first)',
          params: WorkspaceParams,
          querystring: ErrorsQuery.omit({ limit: true }),
          response: { 200: z.array(ErrorGroupView) },
        },
      },
      async (request) =>
        (await watcher.groupErrors(membershipOf(request).workspaceId, request.query)).map(errorGroupView),
    );

    r.post(
      '/workspaces/:workspaceId/errors/retry',
      {
        config: { access: access.role('admin') },
        schema: {
          tags: ['watcher'],
          summary: 'Retries open errors (by ids or a group): one run per flow sends them again',
          params: WorkspaceParams,
          body: ErrorSelectionBody,
          response: { 202: RetryReply },
        },
      },
      async (request, reply) => {
        const { errors, runs } = await watcher.retryErrors(membershipOf(request).workspaceId, request.body);
        return reply
          .code(202)
          .send({ errors: errors.map(recordErrorView), runs: runs.map((run) => runView(run, [])) });
      },
    );

    r.post(
      '/workspaces/:workspaceId/errors/resolve',
      {
        config: { access: access.role('admin') },
        schema: {
          tags: ['watcher'],
          summary: 'Marks unresolved errors (by ids or a group) resolved; they stay in the history',
          params: WorkspaceParams,
          body: ErrorSelectionBody,
          response: { 200: z.array(RecordErrorView) },
        },
      },
      async (request) => {
        const resolved = await watcher.resolveErrors(
          membershipOf(request).workspaceId,
          request.body,
          principalOf(request).user.id,
        );
        return resolved.map(recordErrorView);
      },
    );
  };
}
