import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegisteredRoute } from '../../src/api/server.ts';
import { type ApiClient, addMember, BACKENDS, signUpOwner } from '../support/test-hub.ts';
import {
  createAppAndConnection,
  type RunningSimulator,
  startExactHub,
  startSim,
  type TestHub,
} from './exact-test-kit.ts';

const key = (r: RegisteredRoute) => `${r.method} ${r.url}`;
const EXACT_ROUTE =
  /^\/(api\/v1\/(apps|connections|workspaces\/:workspaceId\/(apps|connections))|oauth\/exact)\b/;
/** The Exact half's only public route: Exact redirects an arbitrary browser there. */
const PUBLIC = ['GET /oauth/exact/callback'];
/** Reads a viewer may do; every other Exact route needs admin. */
const VIEWER_READS = new Set([
  'GET /api/v1/workspaces/:workspaceId/apps',
  'GET /api/v1/apps/:appId',
  'GET /api/v1/workspaces/:workspaceId/connections',
  'GET /api/v1/connections/:connectionId',
  'GET /api/v1/connections/:connectionId/divisions',
  'GET /api/v1/connections/:connectionId/events',
]);

describe.each(BACKENDS)('access control on every Exact route ($name)', (backend) => {
  let t: TestHub;
  let sim: RunningSimulator;
  let owner: ApiClient;
  let viewer: ApiClient;
  let outsider: ApiClient;
  let workspaceId: string;
  let ids: { appId: string; connectionId: string };
  let routes: RegisteredRoute[];

  /** A concrete URL with real ids, so role checks (not missing rows) decide the answer. */
  const fill = (route: RegisteredRoute) => {
    const url = route.url
      .replace(':workspaceId', workspaceId)
      .replace(':appId', ids.appId)
      .replace(':connectionId', ids.connectionId);
    return url === '/oauth/exact/start' ? `${url}?connection=${ids.connectionId}` : url;
  };
  const bodyFor = (route: RegisteredRoute) =>
    route.method === 'GET' || route.method === 'DELETE' ? undefined : {};

  beforeAll(async () => {
    sim = await startSim();
    t = await startExactHub(backend, { sim });
    const signedUp = await signUpOwner(t.base);
    owner = signedUp.client;
    workspaceId = signedUp.workspaceId;
    ids = await createAppAndConnection(owner, workspaceId, sim, { clientId: 'c', clientSecret: 's' });
    viewer = (await addMember(owner, workspaceId, 'viewer@example.nl', 'viewer')).client;
    outsider = (await addMember(owner, workspaceId, 'outsider@example.nl', 'admin')).client;
    const me = await outsider.get('/api/v1/me');
    expect((await owner.delete(`/api/v1/workspaces/${workspaceId}/members/${me.body.user.id}`)).status).toBe(
      204,
    );
    routes = t.hub.routes.filter((r) => r.method !== 'HEAD' && EXACT_ROUTE.test(r.url));
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('registers the Exact routes with only the OAuth callback public', () => {
    expect(routes.length).toBeGreaterThanOrEqual(16);
    expect(routes.filter((r) => r.access.kind === 'public').map(key)).toEqual(PUBLIC);
  });

  it('refuses anonymous, forged-cookie and forged-token requests with 401', async () => {
    const failures: string[] = [];
    for (const route of routes.filter((r) => r.access.kind !== 'public')) {
      for (const headers of [
        {},
        { cookie: 'koppel_session=kps_forged' },
        { authorization: 'Bearer kpt_forged' },
      ]) {
        const response = await fetch(t.base + fill(route), {
          method: route.method,
          headers,
          redirect: 'manual',
        });
        if (response.status !== 401)
          failures.push(`${key(route)} ${JSON.stringify(headers)} → ${response.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('answers 404 to a signed-in user who is not a member, on every route', async () => {
    const failures: string[] = [];
    for (const route of routes.filter((r) => r.access.kind !== 'public')) {
      const response = await outsider.request(route.method, fill(route), bodyFor(route), {
        accept: 'application/json',
      });
      if (response.status !== 404) failures.push(`${key(route)} → ${response.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('lets a viewer read and refuses every change with 403', async () => {
    const failures: string[] = [];
    for (const route of routes.filter((r) => r.access.kind !== 'public')) {
      const response = await viewer.request(route.method, fill(route), bodyFor(route), {
        accept: 'application/json',
      });
      const expected = VIEWER_READS.has(key(route)) ? 200 : 403;
      if (response.status !== expected)
        failures.push(`${key(route)} → ${response.status}, expected ${expected}`);
      else if (expected === 403 && response.body.error.code !== 'insufficient_role') {
        failures.push(`${key(route)} → ${response.body.error.code}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('documents every Exact route in the OpenAPI document, without secrets in app responses', async () => {
    const doc = (await (await fetch(`${t.base}/api/openapi.json`)).json()) as {
      paths: Record<
        string,
        Record<string, { responses?: Record<string, { content?: Record<string, { schema: unknown }> }> }>
      >;
    };
    for (const route of routes) {
      const path = route.url.replace(/:(\w+)/g, '{$1}');
      expect(doc.paths[path]?.[route.method.toLowerCase()], key(route)).toBeDefined();
    }
    const appSchema = JSON.stringify(doc.paths['/api/v1/apps/{appId}']!.get!.responses!['200']);
    expect(appSchema).toContain('hasClientSecret');
    expect(appSchema).toContain('redirectUri');
    expect(appSchema).not.toMatch(/"clientSecret"|"webhookSecret"/);
  });

  it('answers a browser that opens the authorize link without a session with a sign-in page', async () => {
    const url = `${t.base}/oauth/exact/start?connection=${ids.connectionId}`;
    const page = await fetch(url, {
      headers: { accept: 'text/html,application/xhtml+xml' },
      redirect: 'manual',
    });
    expect(page.status).toBe(401);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('Sign in first');
    const script = await fetch(url, { redirect: 'manual' });
    expect(script.status).toBe(401);
    expect(((await script.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
  });

  it('starts an authorization only from a browser session, never with an API token', async () => {
    const token = await owner.post('/api/v1/tokens', { name: 'script' });
    const response = await fetch(
      `${t.base}${fill({ method: 'GET', url: '/oauth/exact/start', access: { kind: 'session' } })}`,
      {
        headers: { authorization: `Bearer ${token.body.token}` },
        redirect: 'manual',
      },
    );
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('session_required');
  });
});
