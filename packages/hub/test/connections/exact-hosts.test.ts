import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningSimulator } from '@koppel/exact-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, addMember, BACKENDS, signUpOwner, type TestHub } from '../support/test-hub.ts';
import { callback, startAuthorize, startExactHub, startSim } from './exact-test-kit.ts';

/** A host that is not Exact: it answers every request with a teapot and a body it wants echoed. */
async function startTeapot(): Promise<{ url: string; requests: number; close(): Promise<void> }> {
  const state = { requests: 0 };
  const server: Server = createServer((request, response) => {
    state.requests++;
    request.resume();
    response.writeHead(418, { 'content-type': 'text/plain' }).end('TEAPOT-BODY-<script>alert(1)</script>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get requests() {
      return state.requests;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const app = (baseUrl: string | null) => ({
  title: 'Probe',
  clientId: 'probe-client',
  clientSecret: 'probe-secret',
  region: 'nl',
  baseUrl,
});

describe.each(BACKENDS)('which hosts the hub talks to, and who creates workspaces, on $name', (backend) => {
  let sim: RunningSimulator;
  let teapot: Awaited<ReturnType<typeof startTeapot>>;
  let t: TestHub;
  let owner: ApiClient;
  let workspaceId: string;

  beforeAll(async () => {
    [sim, teapot] = await Promise.all([startSim(), startTeapot()]);
    t = await startExactHub(backend, { sim, env: { KOPPEL_EXACT_BASE_URLS: `${sim.url},${teapot.url}/` } });
    ({ client: owner, workspaceId } = await signUpOwner(t.base));
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([sim?.close(), teapot?.close()]);
  });

  it('accepts only Exact regional hosts and the base URLs the operator allowed', async () => {
    const apps = `/api/v1/workspaces/${workspaceId}/apps`;
    const simPort = Number(new URL(sim.url).port);
    for (const refused of [
      'http://127.0.0.1:9',
      `http://127.0.0.1:${simPort + 1}`,
      'https://evil.example',
      'http://169.254.169.254',
    ]) {
      const response = await owner.post(apps, app(refused));
      expect(response.status, refused).toBe(400);
      expect(response.body.error.code).toBe('exact_host_not_allowed');
    }
    expect((await owner.post(apps, app(null))).status).toBe(201);
    expect((await owner.post(apps, app('https://start.exactonline.be'))).status).toBe(201);
    const allowed = await owner.post(apps, app(`${sim.url}/`));
    expect(allowed.status).toBe(201);
    const moved = await owner.patch(`/api/v1/apps/${allowed.body.id}`, { baseUrl: 'http://127.0.0.1:9' });
    expect(moved.body.error.code).toBe('exact_host_not_allowed');
  });

  it('never repeats what a remote token endpoint answered', async () => {
    const created = await owner.post(`/api/v1/workspaces/${workspaceId}/apps`, app(teapot.url));
    const connection = await owner.post(`/api/v1/workspaces/${workspaceId}/connections`, {
      name: 'Teapot',
      appId: created.body.id,
    });
    const url = await startAuthorize(owner, connection.body.id);
    const state = url.searchParams.get('state')!;
    const before = teapot.requests;
    const result = await callback(owner, `/oauth/exact/callback?code=abc&state=${encodeURIComponent(state)}`);
    expect(teapot.requests).toBe(before + 1);
    expect(result.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(result.body)).not.toContain('TEAPOT');
    const logs = t.logs.text;
    expect(logs).not.toContain('TEAPOT');
  });

  it('lets only owners and admins of a workspace create workspaces by default', async () => {
    const viewer = await addMember(owner, workspaceId, `viewer-${backend.name}@example.nl`, 'viewer');
    const refused = await viewer.client.post('/api/v1/workspaces', { name: 'Mine now' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('workspace_creation_not_allowed');
    const admin = await addMember(owner, workspaceId, `admin-${backend.name}@example.nl`, 'admin');
    expect((await admin.client.post('/api/v1/workspaces', { name: 'Second customer' })).status).toBe(201);
  });
});

describe('KOPPEL_WORKSPACE_CREATORS=everyone', () => {
  let t: TestHub;
  afterAll(() => t?.close());

  it('lets any signed-in user create a workspace', async () => {
    t = await startExactHub(BACKENDS[0]!, { env: { KOPPEL_WORKSPACE_CREATORS: 'everyone' } });
    const { client, workspaceId } = await signUpOwner(t.base);
    const viewer = await addMember(client, workspaceId, 'viewer@example.nl', 'viewer');
    expect((await viewer.client.post('/api/v1/workspaces', { name: 'My own' })).status).toBe(201);
  });
});
