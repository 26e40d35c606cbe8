import { z } from 'zod';
import type { ConnectionsDeps } from '../../../connections/connections-deps.ts';
import { access } from '../../../http/access.ts';
import type { RoutePlugin } from '../../../http/route-plugin.ts';
import type { ZodTypeProvider } from '../../../http/zod-schemas.ts';
import type { Role } from '../../../storage/schema.ts';
import { flowGuard, guardedFlow } from '../../flow-guards.ts';
import type { FlowsRepository } from '../../flows-repository.ts';
import { RunView, runView } from '../../flows-views.ts';
import type { ChangeFeedService } from './change-feed-service.ts';

const FlowParams = z.object({ flowId: z.uuid() });
const LimitQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });
const DeliveryView = z.object({
  streamId: z.string().meta({ description: '`flowId/division/entity`' }),
  batchId: z.string(),
  attemptedAt: z.iso.datetime(),
  events: z.number().int(),
  status: z
    .number()
    .int()
    .nullable()
    .meta({ description: "The receiver's HTTP status; null when it did not answer" }),
  bodyExcerpt: z
    .string()
    .nullable()
    .meta({ description: "The first 500 characters of the receiver's reply" }),
  error: z.string().nullable().meta({ description: 'Why there was no answer (refused, timeout …)' }),
  durationMs: z.number().int(),
});
const DeadLettersView = z.object({
  pending: z.number().int().meta({ description: 'Events waiting to be sent (or retried)' }),
  dead: z.number().int(),
  events: z.array(
    z.object({
      seq: z.string(),
      streamId: z.string(),
      eventId: z.string(),
      recordKey: z.string(),
      type: z.string(),
      attempts: z.number().int(),
      lastError: z.string().nullable(),
    }),
  ),
});
const RetryBody = z.object({
  eventIds: z
    .array(z.string().min(1).max(100))
    .max(10_000)
    .nullable()
    .optional()
    .meta({ description: 'Only these dead letters; omitted or null = all of the flow' }),
});
const RetryView = z.object({ requeued: z.number().int(), run: RunView.nullable() });

/** A change-feed flow's delivery log and dead letters (409 `wrong_package` on other flows). */
export function changeFeedRoutes(
  feeds: ChangeFeedService,
  flows: FlowsRepository,
  connections: ConnectionsDeps,
): RoutePlugin {
  return async (app) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const onFlow = <S extends object>(role: Role, summary: string, schema: S) => ({
      config: { access: access.user },
      preValidation: flowGuard(connections, flows, role),
      schema: { tags: ['flows'], summary, params: FlowParams, ...schema },
    });

    r.get(
      '/flows/:flowId/deliveries',
      onFlow('viewer', "A change feed's POSTs, newest first, with the receiver's answers", {
        querystring: LimitQuery,
        response: { 200: z.array(DeliveryView) },
      }),
      async (request) =>
        (await feeds.deliveries(guardedFlow(request), request.query.limit)).map((delivery) => ({
          ...delivery,
          attemptedAt: delivery.attemptedAt.toISOString(),
        })),
    );

    r.get(
      '/flows/:flowId/dead-letters',
      onFlow('viewer', "A change feed's backlog and its dead-lettered events", {
        querystring: LimitQuery,
        response: { 200: DeadLettersView },
      }),
      async (request) => feeds.deadLetters(guardedFlow(request), request.query.limit),
    );

    r.post(
      '/flows/:flowId/dead-letters/retry',
      onFlow('admin', 'Send dead-lettered events again (all, or the given ids) and queue a run', {
        body: RetryBody,
        response: { 200: RetryView },
      }),
      async (request) => {
        const { requeued, run } = await feeds.retry(guardedFlow(request), request.body.eventIds ?? null);
        return { requeued, run: run === null ? null : runView(run, []) };
      },
    );
  };
}
