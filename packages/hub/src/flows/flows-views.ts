import { z } from 'zod';
import { iso, Timestamp } from '../http/zod-schemas.ts';
import { FLOW_STATUSES, RUN_STATUSES, RUN_TRIGGERS } from '../storage/schema.ts';
import type { FlowPackage } from './flow-package.ts';
import type { FlowRow, FlowRunRow, FlowRunStreamRow } from './flows-repository.ts';
import { packageById } from './package-registry.ts';
import { visibleSettings } from './secret-settings.ts';

/** Response shapes of packages, flows and runs. */

export const PackageView = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  entities: z.array(
    z.object({
      name: z.string(),
      title: z.string(),
      byDefault: z.boolean().meta({ description: "In the package's default set for a new flow" }),
      webhookTopic: z.string().nullable(),
      scope: z
        .string()
        .nullable()
        .meta({ description: "Exact's scope: the app permission reading the entity needs" }),
      endpoint: z
        .string()
        .nullable()
        .meta({ description: 'The Exact endpoint it is read from, e.g. sync/Project/Projects' }),
    }),
  ),
  settingsSchema: z
    .record(z.string(), z.unknown())
    .meta({ description: 'JSON Schema of the settings (defaults and a description per setting)' }),
});
export const packageView = (pkg: FlowPackage): z.input<typeof PackageView> => ({
  id: pkg.id,
  title: pkg.title,
  description: pkg.description,
  entities: pkg.entities.map((entity) => ({
    name: entity.name,
    title: entity.title,
    byDefault: entity.byDefault,
    webhookTopic: entity.webhookTopic ?? null,
    scope: entity.scope ?? null,
    endpoint: entity.endpoint ?? null,
  })),
  settingsSchema: z.toJSONSchema(pkg.settings, { io: 'input' }) as Record<string, unknown>,
});

const Cursor = z.object({ rows: z.string(), deleted: z.string() }).nullable();
const StreamErrorView = z.object({ code: z.string(), message: z.string() }).nullable();

export const FlowView = z.object({
  id: z.uuid(),
  workspaceId: z.uuid(),
  connectionId: z.uuid(),
  packageId: z.string(),
  name: z.string(),
  divisions: z
    .array(z.number().int())
    .nullable()
    .meta({ description: 'Division codes; null = every linked division' }),
  entities: z.array(z.string()),
  destinationId: z.uuid().nullable().meta({ description: "null = the hub's own database" }),
  settings: z.record(z.string(), z.unknown()).meta({ description: 'Secret settings are never shown' }),
  secretsSet: z
    .array(z.string())
    .meta({ description: 'Secret settings that are set (their values are never shown)' }),
  schedule: z.string().meta({ description: 'Five-field cron, UTC' }),
  enabled: z.boolean(),
  status: z.enum(FLOW_STATUSES),
  lastRunId: z.uuid().nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export const flowView = (flow: FlowRow): z.input<typeof FlowView> => ({
  id: flow.id,
  workspaceId: flow.workspaceId,
  connectionId: flow.connectionId,
  packageId: flow.packageId,
  name: flow.name,
  divisions: flow.divisions,
  entities: flow.entities,
  destinationId: flow.destinationId,
  ...visibleSettings(packageById(flow.packageId), flow.settings as Record<string, unknown>),
  schedule: flow.schedule,
  enabled: flow.enabled,
  status: flow.status,
  lastRunId: flow.lastRunId,
  createdAt: iso(flow.createdAt),
  updatedAt: iso(flow.updatedAt),
});

export const RunStreamView = z.object({
  division: z.number().int(),
  entity: z.string(),
  status: z.enum(['succeeded', 'failed', 'skipped']),
  rowsRead: z.number().int(),
  rowsWritten: z.number().int(),
  rowsDeleted: z.number().int(),
  apiCalls: z.number().int(),
  cursorBefore: Cursor.meta({ description: 'Highest Timestamp applied from the sync and deleted feeds' }),
  cursorAfter: Cursor,
  durationMs: z.number().int(),
  error: StreamErrorView,
  finishedAt: Timestamp,
});

export const RunView = z.object({
  id: z.uuid(),
  flowId: z.uuid(),
  trigger: z.enum(RUN_TRIGGERS),
  resync: z.boolean(),
  only: z
    .array(z.string())
    .nullable()
    .meta({ description: 'Streams (`division/entity`) the run is limited to' }),
  status: z.enum(RUN_STATUSES),
  error: StreamErrorView,
  queuedAt: Timestamp,
  startedAt: Timestamp.nullable(),
  finishedAt: Timestamp.nullable(),
  totals: z.object({
    rowsRead: z.number().int(),
    rowsWritten: z.number().int(),
    rowsDeleted: z.number().int(),
    apiCalls: z.number().int(),
  }),
  streams: z.array(RunStreamView),
});
export const runView = (run: FlowRunRow, streams: FlowRunStreamRow[]): z.input<typeof RunView> => ({
  id: run.id,
  flowId: run.flowId,
  trigger: run.trigger,
  resync: run.resync,
  only: run.only,
  status: run.status,
  error: (run.error as { code: string; message: string } | null) ?? null,
  queuedAt: iso(run.queuedAt),
  startedAt: iso(run.startedAt),
  finishedAt: iso(run.finishedAt),
  totals: {
    rowsRead: streams.reduce((sum, stream) => sum + stream.rowsRead, 0),
    rowsWritten: streams.reduce((sum, stream) => sum + stream.rowsWritten, 0),
    rowsDeleted: streams.reduce((sum, stream) => sum + stream.rowsDeleted, 0),
    apiCalls: streams.reduce((sum, stream) => sum + stream.apiCalls, 0),
  },
  streams: streams.map((stream) => ({
    division: stream.division,
    entity: stream.entity,
    status: stream.status as 'succeeded' | 'failed' | 'skipped',
    rowsRead: stream.rowsRead,
    rowsWritten: stream.rowsWritten,
    rowsDeleted: stream.rowsDeleted,
    apiCalls: stream.apiCalls,
    cursorBefore: stream.cursorBefore as { rows: string; deleted: string } | null,
    cursorAfter: stream.cursorAfter as { rows: string; deleted: string } | null,
    durationMs: stream.durationMs,
    error: (stream.error as { code: string; message: string } | null) ?? null,
    finishedAt: iso(stream.finishedAt),
  })),
});
