import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import type { HubContext } from '../hub-context.ts';
import { type Access, accessHook, CSRF_HEADER, SESSION_COOKIE } from './access.ts';
import { authRoutes } from './auth-routes.ts';
import { errorHandler, notFoundHandler } from './error-handler.ts';
import { healthRoutes } from './health-routes.ts';
import { invitationRoutes } from './invitation-routes.ts';
import { meRoutes } from './me-routes.ts';
import type { HubMetrics } from './metrics.ts';
import type { RoutePlugin } from './route-plugin.ts';
import { workspaceRoutes } from './workspace-routes.ts';
import { openApiTransform, zodSerializerCompiler, zodValidatorCompiler } from './zod-schemas.ts';

/** The platform's `/api/v1` route plugins; createHub's `routes` option appends more. */
export const PLATFORM_ROUTES: RoutePlugin[] = [authRoutes, meRoutes, workspaceRoutes, invitationRoutes];

export interface RegisteredRoute {
  method: string;
  url: string;
  access: Access;
}

export interface BuildServerOptions {
  /** Extra plugins registered under /api/v1. */
  apiRoutes?: RoutePlugin[];
  /** Extra plugins registered at the root (OAuth callback, webhook receivers, static UI). */
  rootRoutes?: RoutePlugin[];
}

export async function buildServer(
  ctx: HubContext,
  metrics: HubMetrics,
  options: BuildServerOptions = {},
): Promise<{ app: FastifyInstance; routes: RegisteredRoute[] }> {
  const routes: RegisteredRoute[] = [];
  const app = Fastify({
    loggerInstance: ctx.logger,
    bodyLimit: ctx.config.bodyLimitBytes,
    trustProxy: ctx.config.trustProxy,
    requestIdHeader: false,
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(zodSerializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  app.decorateRequest('principal', null);
  app.decorateRequest('membership', null);

  // Fail closed: a route that does not say who may call it stops the server from starting.
  // Checked when the server gets ready, after every plugin's own onRoute hooks (declareAccess) ran.
  const declared: RouteOptions[] = [];
  app.addHook('onRoute', (route) => {
    declared.push(route);
  });
  app.addHook('onReady', async () => {
    const missing = declared.filter((route) => !route.config?.access);
    if (missing.length > 0) {
      const names = missing.map((route) => `${[route.method].flat().join('|')} ${route.url}`).join(', ');
      throw new Error(
        `routes without config.access: ${names}; declare who may call them (see api/access.ts)`,
      );
    }
    const unscoped = declared.filter(
      (route) => route.config?.access?.kind === 'workspace' && !route.url.includes(':workspaceId'),
    );
    if (unscoped.length > 0) {
      throw new Error(
        `routes with a workspace role but no :workspaceId parameter: ${unscoped.map((r) => r.url).join(', ')}`,
      );
    }
    for (const route of declared) {
      for (const method of [route.method].flat())
        routes.push({ method, url: route.url, access: route.config!.access! });
    }
  });
  // After the cookie plugin, whose own onRequest hook parses the cookies this one reads.
  await app.register(fastifyCookie);
  app.addHook('onRequest', accessHook(ctx));
  app.addHook('onSend', async (request, reply) => {
    // No sniffing, no framing (clickjacking), no Referer carrying OAuth codes to other sites.
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    // API answers may carry one-time secrets (new tokens, invitation links): never cache them.
    if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control'))
      reply.header('cache-control', 'no-store');
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Koppel hub API',
        version: '1',
        description: `Errors are {"error": {"code", "message", "details"}}. Cookie sessions must send the ${CSRF_HEADER} header on state-changing requests.`,
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          apiToken: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { apiToken: [] }],
    },
    transform: openApiTransform,
  });

  await app.register(healthRoutes(metrics), { ctx });
  for (const plugin of [...PLATFORM_ROUTES, ...(options.apiRoutes ?? [])]) {
    await app.register(plugin, { ctx, prefix: '/api/v1' });
  }
  for (const plugin of options.rootRoutes ?? []) await app.register(plugin, { ctx });
  return { app: app as unknown as FastifyInstance, routes };
}
