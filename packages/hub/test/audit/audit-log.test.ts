import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegisteredRoute } from '../../src/api/server.ts';
import { STANDARD_FEATURES } from '../../src/app/features.ts';
import { auditLog } from '../../src/storage/schema.ts';
import {
  type ApiClient,
  addMember,
  BACKENDS,
  type LooseJson,
  signUpOwner,
  startTestHub,
  type TestHub,
} from '../support/test-hub.ts';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const fill = (url: string, workspaceId: string) =>
  url.replace(/:workspaceId/g, workspaceId).replace(/:[A-Za-z]+/g, () => randomUUID());

describe.each(BACKENDS)('the audit log ($name)', (backend) => {
  let t: TestHub;
  let owner: ApiClient;
  let viewer: ApiClient;
  let viewerId: string;
  let workspaceId: string;
  let routes: RegisteredRoute[];

  beforeAll(async () => {
    t = await startTestHub(backend, { hub: { features: STANDARD_FEATURES } });
    ({ client: owner, workspaceId } = await signUpOwner(t.base));
    viewer = (await addMember(owner, workspaceId, 'viewer@example.nl', 'viewer')).client;
    viewerId = (await viewer.get('/api/v1/me')).body.user.id;
    routes = t.hub.routes
      .filter((r) => STATE_CHANGING.has(r.method) && r.url.startsWith('/api/v1/'))
      // Signing out ends the walker's session: last, so every other route sees a signed-in actor.
      .sort((a, b) => Number(a.url.endsWith('/logout')) - Number(b.url.endsWith('/logout')));
  });
  afterAll(() => t?.close());

  const entries = (action: string) =>
    t.hub.services.platform.db.select().from(auditLog).where(eq(auditLog.action, action));

  it('writes an entry for every state-changing route, with the actor and the answer', async () => {
    expect(routes.length).toBeGreaterThan(25);
    const missing: string[] = [];
    for (const route of routes) {
      const action = `${route.method} ${route.url}`;
      const before = (await entries(action)).length;
      const response = await viewer.request(route.method, fill(route.url, workspaceId), {});
      const written = (await entries(action)).slice(before);
      const mine = written.find((entry) => entry.status === response.status);
      const signedIn = ['user', 'session', 'workspace'].includes(route.access.kind);
      if (signedIn && mine?.actorUserId !== viewerId) missing.push(action);
      else if (mine === undefined) missing.push(action);
    }
    expect(missing).toEqual([]);
  });

  it('shows owners and admins who changed what, secrets never', async () => {
    const connection = await owner.post(`/api/v1/workspaces/${workspaceId}/apps`, {
      title: 'Audit app',
      clientId: randomUUID(),
      clientSecret: 'very-secret-client-secret',
      webhookSecret: 'very-secret-webhook',
      region: 'nl',
    });
    expect(connection.status).toBe(201);
    const log = await owner.get(`/api/v1/workspaces/${workspaceId}/audit`);
    expect(log.status).toBe(200);
    const app = (log.body as LooseJson[]).find(
      (entry) => entry.action === 'POST /api/v1/workspaces/:workspaceId/apps' && entry.status === 201,
    );
    expect(app).toMatchObject({
      actorEmail: expect.stringContaining('@'),
      via: 'session',
      changes: { title: 'Audit app', clientSecret: '[redacted]', webhookSecret: '[redacted]' },
    });
    expect(JSON.stringify(log.body)).not.toContain('very-secret');
  });
});
