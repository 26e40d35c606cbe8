import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import helmet from 'helmet';
import type { AppServices } from '../app/app-services.ts';
import { auditHook } from '../audit/audit-hook.ts';
import { accessHook, isWorkspaceAdmin } from '../auth/access-hook.ts';
import { UsageStamps } from '../auth/usage-stamps.ts';
import { type Access, CSRF_HEADER, SESSION_COOKIE } from '../http/access.ts';
import { rejectControlCharacters } from '../http/control-characters.ts';
import { errorHandler, notFoundHandler } from '../http/error-reply.ts';
import { DebugRequestLog } from '../http/request-log.ts';
import {
  ERROR_COMPONENTS,
  openApiTransform,
  zodSerializerCompiler,
  zodValidatorCompiler,
} from '../http/zod-schemas.ts';
import { healthRoutes } from './health-routes.ts';
import type { HubMetrics } from './metrics.ts';

export interface RegisteredRoute {
  method: string;
  url: string;
  access: Access;
}

/**
 * The HTTP server over the application's services: health and metrics, then every feature's
 * routes (under /api/v1, or at the root), behind the access hook. Only the CLI (and tests)
 * build it; a worker process never does.
 */
export async function buildServer(
  services: AppServices,
  metrics: HubMetrics,
): Promise<{ app: FastifyInstance; routes: RegisteredRoute[] }> {
  const { config, logger, clock } = services.platform;
  const routes: RegisteredRoute[] = [];
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    requestIdHeader: false,
    logController: new DebugRequestLog(),
    routerOptions: { ignoreTrailingSlash: true },
    // A URL Fastify cannot decode gets the same error shape as everything else.
    frameworkErrors: errorHandler,
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
        `routes without config.access: ${names}; declare who may call them (see http/access.ts)`,
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
  // First, so the headers are set on every answer, refusals by the access hook included.
  const https = services.platform.publicUrl.value.startsWith('https://');
  // Helmet's middleware, built once: @fastify/helmet built it (parsing the policy) per request.
  const securityHeaders = helmet({
    // No framing at all (clickjacking), no Referer carrying OAuth codes to other sites.
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // Helmet's default policy, plus no framing; upgrading requests only makes sense behind https.
    contentSecurityPolicy: {
      directives: { frameAncestors: ["'none'"], ...(https ? {} : { upgradeInsecureRequests: null }) },
    },
    hsts: https ? { maxAge: 365 * 24 * 3600 } : false,
  });
  app.addHook('onRequest', (request, reply, done) =>
    securityHeaders(request.raw, reply.raw, (error) => done(error as Error | undefined)),
  );
  // After the cookie plugin, whose own onRequest hook parses the cookies this one reads.
  await app.register(fastifyCookie);
  const accessDeps = { ...services.repositories, clock, touches: new UsageStamps() };
  app.addHook('onRequest', accessHook(accessDeps));
  app.addHook('preValidation', rejectControlCharacters);
  app.addHook('onSend', async (request, reply) => {
    // API answers may carry one-time secrets (new tokens, invitation links): never cache them.
    if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control'))
      reply.header('cache-control', 'no-store');
  });
  app.addHook('onSend', auditHook(services.audit));
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
        schemas: ERROR_COMPONENTS,
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          apiToken: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { apiToken: [] }],
    },
    transform: openApiTransform,
  });

  await app.register(
    healthRoutes(services.platform, metrics, (request) => isWorkspaceAdmin(request, accessDeps)),
  );
  for (const feature of services.features) {
    for (const plugin of feature.apiRoutes?.(services) ?? [])
      await app.register(plugin, { prefix: '/api/v1' });
  }
  for (const feature of services.features) {
    for (const plugin of feature.rootRoutes?.(services) ?? []) await app.register(plugin);
  }
  return { app: app as unknown as FastifyInstance, routes };
}
