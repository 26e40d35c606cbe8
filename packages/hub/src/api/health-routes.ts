import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { HubError } from '../errors/hub-error.ts';
import { access } from '../http/access.ts';
import type { RoutePlugin } from '../http/route-plugin.ts';
import type { ZodTypeProvider } from '../http/zod-schemas.ts';
import type { Platform } from '../platform/platform.ts';
import { migrationStatus, pingDatabase } from '../storage/database.ts';
import type { HubMetrics } from './metrics.ts';

const Readiness = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z
    .object({
      database: z.object({ ok: z.boolean(), message: z.string() }),
      migrations: z.object({ ok: z.boolean(), message: z.string() }),
    })
    .optional()
    .meta({
      description:
        'Only for the metrics token (Authorization: Bearer) or a signed-in workspace owner or admin: they name the database location',
    }),
});

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * Whether the request carries the metrics bearer token. Hashing both sides first gives
 * equal-length buffers, so the comparison takes the same time whatever was sent.
 */
function hasMetricsToken(authorization: string | undefined, token: string): boolean {
  const sent = /^bearer (.+)$/i.exec(authorization ?? '')?.[1]?.trim();
  return sent !== undefined && timingSafeEqual(sha256(sent), sha256(token));
}

/**
 * Liveness, readiness and the OpenAPI document are public. Prometheus metrics are public
 * routes too (scrapers hold no session) but answer only with KOPPEL_METRICS_TOKEN as bearer.
 */
export function healthRoutes(
  platform: Platform,
  metrics: HubMetrics,
  isAdmin: (request: FastifyRequest) => Promise<boolean>,
): RoutePlugin {
  return async (app) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get(
      '/healthz',
      {
        config: { access: access.public },
        schema: {
          tags: ['operations'],
          summary: 'The process is up',
          response: { 200: z.object({ status: z.literal('ok') }) },
        },
      },
      async () => ({ status: 'ok' as const }),
    );

    r.get(
      '/readyz',
      {
        config: { access: access.public },
        schema: {
          tags: ['operations'],
          summary: 'The database is reachable and every migration is applied',
          response: { 200: Readiness, 503: Readiness },
        },
      },
      async (request, reply) => {
        const database = await pingDatabase(platform.database).then(
          () => ({ ok: true, message: `reachable (${platform.database.location})` }),
          (error: Error) => ({ ok: false, message: `unreachable: ${error.message}` }),
        );
        const migrations = database.ok
          ? await migrationStatus(platform.database).then(
              (s) => ({
                ok: s.pending === 0,
                message:
                  s.pending === 0
                    ? `${s.applied} applied`
                    : `${s.pending} of ${s.expected} pending; run koppel migrate`,
              }),
              (error: Error) => ({ ok: false, message: `cannot read migration state: ${error.message}` }),
            )
          : { ok: false, message: 'not checked: database unreachable' };
        const ready = database.ok && migrations.ok;
        const token = platform.config.metricsToken;
        // Details name the database (path, or host and user): only for operators.
        const detailed =
          (token !== undefined && hasMetricsToken(request.headers.authorization, token)) ||
          (await isAdmin(request));
        return reply.code(ready ? 200 : 503).send({
          status: ready ? ('ready' as const) : ('not_ready' as const),
          ...(detailed ? { checks: { database, migrations } } : {}),
        });
      },
    );

    r.get(
      '/metrics',
      {
        config: { access: access.public },
        schema: { tags: ['operations'], summary: 'Prometheus metrics', hide: true },
      },
      async (request, reply) => {
        const token = platform.config.metricsToken;
        if (token === undefined) {
          throw new HubError('metrics_disabled');
        }
        if (!hasMetricsToken(request.headers.authorization, token)) {
          throw new HubError('metrics_unauthorized');
        }
        const { contentType, body } = await metrics.render();
        return reply.type(contentType).send(body);
      },
    );

    r.get(
      '/api/openapi.json',
      {
        config: { access: access.public },
        schema: { tags: ['operations'], summary: 'This document', hide: true },
      },
      async () => app.swagger(),
    );
  };
}
