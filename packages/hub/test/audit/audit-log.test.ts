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
  POSTGRES_ADMIN_URL,
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

  const logEntry = async (
    action: string,
    status: number,
    path = `/api/v1/workspaces/${workspaceId}/audit`,
  ) => {
    const log = await owner.get(`${path}?limit=500`);
    expect(log.status).toBe(200);
    return { entry: (log.body as LooseJson[]).find((e) => e.action === action && e.status === status), log };
  };

  it('keeps the row before and after a change, and the resource a creation made, secrets never', async () => {
    const withPassword = (password: string) => {
      const url = new URL(POSTGRES_ADMIN_URL);
      url.password = password;
      return url.toString();
    };
    const ws = `/api/v1/workspaces/${workspaceId}`;
    const created = await owner.post(`${ws}/destinations`, {
      name: 'Warehouse',
      connectionString: withPassword('first-db-password'),
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const creation = await logEntry('POST /api/v1/workspaces/:workspaceId/destinations', 201);
    expect(creation.entry).toMatchObject({ before: null, after: { id, name: 'Warehouse' } });

    expect(
      (
        await owner.request('PATCH', `${ws}/destinations/${id}`, {
          name: 'Data warehouse',
          connectionString: withPassword('second-db-password'),
        })
      ).status,
    ).toBe(200);
    const { entry: changed } = await logEntry(
      'PATCH /api/v1/workspaces/:workspaceId/destinations/:destinationId',
      200,
    );
    expect(changed).toMatchObject({
      params: { workspaceId, destinationId: id },
      changes: { name: 'Data warehouse', connectionString: '[redacted]' },
      before: { id, name: 'Warehouse', connection_string_enc: '[redacted]' },
      after: { id, name: 'Data warehouse', connection_string_enc: '[redacted, changed]' },
    });

    // Renaming alone leaves the sealed secret as it was: the log does not claim it changed.
    await owner.request('PATCH', `${ws}/destinations/${id}`, { name: 'Warehouse 2' });
    const renamed = (await owner.get(`${ws}/audit?limit=1`)).body[0];
    expect(renamed.after).toMatchObject({ name: 'Warehouse 2', connection_string_enc: '[redacted]' });

    expect((await owner.delete(`${ws}/destinations/${id}`)).status).toBe(204);
    const { entry: deleted } = await logEntry(
      'DELETE /api/v1/workspaces/:workspaceId/destinations/:destinationId',
      204,
    );
    expect(deleted).toMatchObject({ before: { id, name: 'Warehouse 2' }, after: null });

    // A refused change records no rows: it changed nothing.
    // (The route walk above signed its viewer out.)
    const reader = (await addMember(owner, workspaceId, 'reader@example.nl', 'viewer')).client;
    const refused = await reader.request('PATCH', `/api/v1/workspaces/${workspaceId}`, { name: 'Mine now' });
    expect(refused.status).toBe(403);
    const refusals = await entries('PATCH /api/v1/workspaces/:workspaceId');
    const refusal = refusals.find((entry) => entry.actorEmail === 'reader@example.nl');
    expect(refusal).toMatchObject({ status: 403, before: null, after: null });

    // An invitation's answer holds its link with the token in it: the log keeps neither.
    const invited = await owner.post(`${ws}/invitations`, { email: 'later@example.nl', role: 'viewer' });
    const { entry: invitation, log } = await logEntry(
      'POST /api/v1/workspaces/:workspaceId/invitations',
      201,
    );
    expect(invitation?.after).toMatchObject({ email: 'later@example.nl', token: '[redacted]' });
    expect(invitation?.after.url).toContain('#token=kpi_[redacted]');
    const text = JSON.stringify(log.body);
    for (const secret of ['first-db-password', 'second-db-password', invited.body.token]) {
      expect(text).not.toContain(secret);
    }
  });

  it("shows the hub's own entries (no workspace) to owners and admins of a workspace, not to viewers", async () => {
    const token = await owner.post('/api/v1/tokens', { name: 'CI' });
    expect(token.status).toBe(201);
    const spare = await owner.post('/api/v1/workspaces', { name: 'Short-lived' });
    expect((await owner.delete(`/api/v1/workspaces/${spare.body.id}`)).status).toBe(204);

    const { entry: signup, log } = await logEntry('POST /api/v1/auth/signup', 201, '/api/v1/audit');
    expect(signup).toMatchObject({ changes: { password: '[redacted]' } });
    const entries = log.body as LooseJson[];
    // Within a workspace only what reached no workspace: refused attempts, and its deletion.
    const done = entries.filter(
      (entry) => entry.status < 400 && entry.action.includes('/workspaces/:workspaceId'),
    );
    expect(done.map((entry) => entry.action)).toEqual(['DELETE /api/v1/workspaces/:workspaceId']);
    expect(entries.find((e) => e.action === 'POST /api/v1/tokens' && e.status === 201)).toMatchObject({
      actorEmail: expect.stringContaining('@'),
      after: { name: 'CI', token: '[redacted]' },
    });
    expect(
      entries.find((e) => e.action === 'DELETE /api/v1/workspaces/:workspaceId' && e.status === 204),
    ).toMatchObject({ params: { workspaceId: spare.body.id }, before: { name: 'Short-lived' }, after: null });
    expect(JSON.stringify(entries)).not.toContain(token.body.token);

    const reader = (await addMember(owner, workspaceId, 'hub-reader@example.nl', 'viewer')).client;
    const refused = await reader.get('/api/v1/audit');
    expect([refused.status, refused.body.error.code]).toEqual([403, 'insufficient_role']);
  });
});
