import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_APP_TITLE,
  DEMO_CONNECTION_NAME,
  demoAppsPlugin,
  ensureDemoApps,
} from '../../src/connections/demo-sandbox.ts';
import { exactRedirectUri } from '../../src/connections/redirect-uri.ts';
import { BACKENDS, signUpOwner } from '../support/test-hub.ts';
import { authorize, type RunningSimulator, startExactHub, startSim, type TestHub } from './exact-test-kit.ts';

const pglite = BACKENDS.find((b) => b.name === 'pglite')!;

describe('npm start demo: a ready exact-sim app in every workspace', () => {
  let t: TestHub;
  let sim: RunningSimulator;

  beforeAll(async () => {
    // The redirect URI must be known before the hub starts: pin the public URL (the test
    // kit follows only the path of Exact's redirect, so the host need not resolve).
    const publicUrl = 'http://koppel.test';
    sim = await startSim({ defaultApp: { redirectUri: exactRedirectUri(publicUrl) } });
    t = await startExactHub(pglite, {
      sim,
      env: { KOPPEL_PUBLIC_URL: publicUrl },
      features: [{ name: 'demo', rootRoutes: (s) => [demoAppsPlugin(s.connectionsDeps, sim)] }],
    });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('has the demo app and connection right after sign-up, and they authorize and test green', async () => {
    const { client, workspaceId } = await signUpOwner(t.base);
    const apps = await client.get(`/api/v1/workspaces/${workspaceId}/apps`);
    expect(apps.body).toEqual([
      expect.objectContaining({
        title: DEMO_APP_TITLE,
        clientId: sim.defaults.app.clientId,
        baseUrl: sim.url,
        hasClientSecret: true,
        hasWebhookSecret: true,
        redirectUri: sim.defaults.app.redirectUri,
      }),
    ]);
    const connections = await client.get(`/api/v1/workspaces/${workspaceId}/connections`);
    expect(connections.body).toEqual([
      expect.objectContaining({ name: DEMO_CONNECTION_NAME, status: 'not_authorized' }),
    ]);
    const connectionId = connections.body[0].id as string;

    expect((await authorize(client, connectionId, sim)).status).toBe(200);
    await client.request('PUT', `/api/v1/connections/${connectionId}/divisions`, {
      codes: [sim.defaults.divisions[0]],
    });
    const test = await client.post(`/api/v1/connections/${connectionId}/test`);
    expect(test.body.ok).toBe(true);

    // Idempotent: a second pass adds nothing.
    expect(await ensureDemoApps(t.hub.services.connectionsDeps, sim)).toBe(0);
    expect((await client.get(`/api/v1/workspaces/${workspaceId}/apps`)).body).toHaveLength(1);
  });
});
