import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubMetrics } from '../src/api/metrics.ts';
import { buildServer, type RegisteredRoute } from '../src/api/server.ts';
import type { AppServices } from '../src/app/app-services.ts';
import type { Feature } from '../src/app/feature.ts';
import { STANDARD_FEATURES } from '../src/app/features.ts';
import { access, declareAccess } from '../src/http/access.ts';
import type { RoutePlugin } from '../src/http/route-plugin.ts';
import {
  type ApiClient,
  addMember,
  BACKENDS,
  signUpOwner,
  startTestHub,
  type TestHub,
} from './support/test-hub.ts';

/** The only routes anyone may call without signing in. Adding one here is a security decision. */
const PUBLIC_ALLOW_LIST = [
  'GET /healthz',
  'GET /readyz',
  'GET /metrics',
  'GET /api/openapi.json',
  'POST /api/v1/auth/signup',
  // Whether the first account may still be created, so the sign-in page offers it only then.
  'GET /api/v1/auth/signup',
  'POST /api/v1/auth/login',
  'POST /api/v1/invitations/lookup',
  'POST /api/v1/invitations/accept',
  // Exact sends the user back here; the state parameter, bound to the session, authenticates it.
  'GET /oauth/exact/callback',
  // Exact posts flow notifications here; each is verified by its HashCode under the app's webhook secret.
  'POST /webhooks/exact/flows/:flowId',
  // The dashboard's files and its index.html for client-side routes (never under /api/ or /oauth/).
  'GET /*',
];

const key = (r: RegisteredRoute) => `${r.method} ${r.url}`;

/** A concrete URL for a route pattern: `:workspaceId` from the caller, other ids random. */
function fill(url: string, workspaceId: string): string {
  return url.replace(/:workspaceId/g, workspaceId).replace(/:[A-Za-z]+/g, () => randomUUID());
}

describe.each(BACKENDS)('access control on every route ($name)', (backend) => {
  let t: TestHub;
  let owner: ApiClient;
  let viewer: ApiClient;
  let outsider: ApiClient;
  let workspaceId: string;
  let routes: RegisteredRoute[];

  beforeAll(async () => {
    // The hub as `koppel start` runs it: the platform plus every feature module.
    t = await startTestHub(backend, { hub: { features: STANDARD_FEATURES } });
    const signedUp = await signUpOwner(t.base);
    owner = signedUp.client;
    workspaceId = signedUp.workspaceId;
    viewer = (await addMember(owner, workspaceId, 'viewer@example.nl', 'viewer')).client;
    outsider = (await addMember(owner, workspaceId, 'outsider@example.nl', 'admin')).client;
    // The outsider leaves, so they are a signed-in user who is not a member.
    const me = await outsider.get('/api/v1/me');
    expect(
      (await outsider.delete(`/api/v1/workspaces/${workspaceId}/members/${me.body.user.id}`)).status,
    ).toBe(204);
    routes = t.hub.routes.filter((r) => r.method !== 'HEAD');
  });
  afterAll(() => t?.close());

  it('has exactly the allow-listed public routes', () => {
    const publicRoutes = routes.filter((r) => r.access.kind === 'public').map(key);
    expect(publicRoutes.sort()).toEqual([...PUBLIC_ALLOW_LIST].sort());
    expect(routes.length).toBeGreaterThan(20);
  });

  it('refuses anonymous requests on every other route with 401', async () => {
    const anonymous = routes.filter((r) => r.access.kind !== 'public');
    const failures: string[] = [];
    for (const route of anonymous) {
      const response = await fetch(t.base + fill(route.url, workspaceId), {
        method: route.method,
        headers:
          route.method === 'GET' || route.method === 'DELETE' ? {} : { 'content-type': 'application/json' },
        body: route.method === 'GET' || route.method === 'DELETE' ? undefined : '{}',
      });
      const body = (await response.json()) as { error?: { code: string } };
      if (response.status !== 401 || body.error?.code !== 'unauthenticated') {
        failures.push(`${key(route)} → ${response.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses a forged session cookie and a forged bearer token on every protected route', async () => {
    for (const route of routes.filter((r) => r.access.kind !== 'public')) {
      for (const headers of [
        { cookie: 'koppel_session=kps_forged' },
        { authorization: 'Bearer kpt_forged' },
      ]) {
        const response = await fetch(t.base + fill(route.url, workspaceId), {
          method: route.method,
          headers,
        });
        expect(response.status, `${key(route)} ${JSON.stringify(headers)}`).toBe(401);
      }
    }
  });

  it('refuses a signed-in non-member on every workspace route with 404', async () => {
    const workspaceRoutes = routes.filter((r) => r.access.kind === 'workspace');
    expect(workspaceRoutes.length).toBeGreaterThan(8);
    for (const route of workspaceRoutes) {
      const response = await outsider.request(
        route.method,
        fill(route.url, workspaceId),
        route.method === 'GET' ? undefined : {},
      );
      expect(response.status, key(route)).toBe(404);
      expect(response.body.error.code).toBe('workspace_not_found');
    }
  });

  it('refuses a viewer on every route that needs admin or owner with 403', async () => {
    const privileged = routes.filter((r) => r.access.kind === 'workspace' && r.access.role !== 'viewer');
    expect(privileged.length).toBeGreaterThan(4);
    for (const route of privileged) {
      const response = await viewer.request(
        route.method,
        fill(route.url, workspaceId),
        route.method === 'GET' ? undefined : {},
      );
      expect(response.status, key(route)).toBe(403);
      expect(response.body.error.code).toBe('insufficient_role');
    }
  });

  it('refuses to start a server with a route that declares no access rule', async () => {
    const careless = async (app: FastifyInstance) => {
      app.get('/careless', async () => ({ ok: true }));
    };
    const { app } = await buildServer(
      withFeature(t.hub.services, { name: 'careless', apiRoutes: () => [careless] }),
      new HubMetrics(),
    );
    await expect(app.ready()).rejects.toThrow(/routes without config\.access: .*GET \/api\/v1\/careless/);
    await app.close().catch(() => {});
  });

  it('refuses to start a server with a role route outside a workspace', async () => {
    const misplaced = async (app: FastifyInstance) => {
      app.get('/reports', { config: { access: access.role('admin') } }, async () => ({}));
    };
    const { app } = await buildServer(
      withFeature(t.hub.services, { name: 'misplaced', apiRoutes: () => [misplaced] }),
      new HubMetrics(),
    );
    await expect(app.ready()).rejects.toThrow(
      /workspace role but no :workspaceId parameter: \/api\/v1\/reports/,
    );
    await app.close().catch(() => {});
  });

  it('lets a third-party plugin (the static UI) be declared public as a whole', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'koppel-static-'));
    writeFileSync(path.join(root, 'index.html'), '<h1>Koppel</h1>');
    const webUi = async (app: FastifyInstance) => {
      declareAccess(app, access.public);
      await app.register(fastifyStatic, { root, prefix: '/ui/' });
    };
    const { app, routes: registered } = await buildServer(
      withFeature(t.hub.services, { name: 'web-ui', rootRoutes: () => [webUi as RoutePlugin] }),
      new HubMetrics(),
    );
    await app.ready();
    expect(registered.filter((r) => r.url.startsWith('/ui/')).every((r) => r.access.kind === 'public')).toBe(
      true,
    );
    // The platform routes keep their own rules.
    expect(registered.find((r) => r.url === '/api/v1/me')!.access.kind).toBe('user');
    const page = await app.inject({ method: 'GET', url: '/ui/index.html' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Koppel');
    await app.close();
  });
});

/** The same services with one more feature (its routes only; the jobs are registered already). */
function withFeature(services: AppServices, feature: Feature): AppServices {
  return { ...services, features: [...services.features, feature] };
}
