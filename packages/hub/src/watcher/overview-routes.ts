import { z } from 'zod';
import { access, membershipOf } from '../http/access.ts';
import type { RoutePlugin } from '../http/route-plugin.ts';
import { iso, Timestamp, WorkspaceParams, type ZodTypeProvider } from '../http/zod-schemas.ts';
import { CONNECTION_STATUSES, FLOW_STATUSES, RUN_STATUSES } from '../storage/schema.ts';
import type { Overview, OverviewService } from './overview-service.ts';

const OverviewView = z.object({
  at: Timestamp,
  connections: z.array(
    z.object({ id: z.uuid(), name: z.string(), status: z.enum(CONNECTION_STATUSES), active: z.boolean() }),
  ),
  flows: z.array(
    z.object({
      id: z.uuid(),
      name: z.string(),
      connectionId: z.uuid(),
      packageId: z.string(),
      enabled: z.boolean(),
      status: z.enum(FLOW_STATUSES),
      lastRun: z
        .object({
          id: z.uuid(),
          status: z.enum(RUN_STATUSES),
          queuedAt: Timestamp,
          finishedAt: Timestamp.nullable(),
        })
        .nullable(),
      nextRunAt: Timestamp.nullable().meta({ description: 'From the schedule; null when disabled' }),
      openErrors: z.number().int(),
    }),
  ),
  openErrors: z.number().int().meta({ description: 'Per-record errors not resolved yet' }),
  budgets: z.array(
    z.object({
      clientId: z.string(),
      division: z.number().int(),
      divisionName: z.string().nullable(),
      limit: z.number().int().meta({ description: "Exact's daily limit for the app in this division" }),
      used: z.number().int(),
      remaining: z.number().int(),
      reserve: z.number().int().meta({ description: 'Kept for people: background runs stop here' }),
      resetAt: Timestamp.nullable(),
    }),
  ),
  hourly: z.array(
    z.object({
      hour: Timestamp,
      rowsMoved: z.number().meta({ description: 'Rows written or deleted in destinations' }),
      apiCalls: z.number().meta({ description: 'Calls to Exact' }),
    }),
  ),
});

const overviewView = (overview: Overview): z.input<typeof OverviewView> => ({
  at: iso(overview.at),
  connections: overview.connections.map(({ id, name, status, active }) => ({ id, name, status, active })),
  flows: overview.flows.map((flow) => ({
    id: flow.id,
    name: flow.name,
    connectionId: flow.connectionId,
    packageId: flow.packageId,
    enabled: flow.enabled,
    status: flow.status,
    lastRun:
      flow.lastRunId === null || flow.lastRunStatus === null || flow.lastRunQueuedAt === null
        ? null
        : {
            id: flow.lastRunId,
            status: flow.lastRunStatus,
            queuedAt: iso(flow.lastRunQueuedAt),
            finishedAt: iso(flow.lastRunFinishedAt),
          },
    nextRunAt: iso(flow.nextRunAt),
    openErrors: flow.openErrors,
  })),
  openErrors: overview.openErrors,
  budgets: overview.budgets.map((budget) => ({ ...budget, resetAt: iso(budget.resetAt) })),
  hourly: overview.hourly.map((hour) => ({ ...hour, hour: iso(hour.hour) })),
});

/** The home page's data: the workspace at a glance. */
export function overviewRoutes(overview: OverviewService): RoutePlugin {
  return async (app) => {
    app.withTypeProvider<ZodTypeProvider>().get(
      '/workspaces/:workspaceId/overview',
      {
        config: { access: access.role('viewer') },
        schema: {
          tags: ['watcher'],
          summary:
            "Connections' health, flows' last and next run, open errors, today's API budget per division, rows and calls per hour",
          params: WorkspaceParams,
          querystring: z.object({
            days: z.coerce
              .number()
              .int()
              .min(1)
              .max(14)
              .default(3)
              .meta({ description: 'Days the hourly series covers' }),
          }),
          response: { 200: OverviewView },
        },
      },
      async (request) =>
        overviewView(await overview.overview(membershipOf(request).workspaceId, request.query.days)),
    );
  };
}
