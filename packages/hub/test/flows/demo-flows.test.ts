import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowsFeature } from '../../src/app/features.ts';
import { demoAppsPlugin } from '../../src/connections/demo-sandbox.ts';
import { exactRedirectUri } from '../../src/connections/redirect-uri.ts';
import { ensureDemoFlows } from '../../src/flows/demo-flows.ts';
import {
  authorize,
  type RunningSimulator,
  startExactHub,
  startSim,
  type TestHub,
} from '../connections/exact-test-kit.ts';
import { freePort } from '../support/free-port.ts';
import { BACKENDS, signUpOwner } from '../support/test-hub.ts';
import { finishedRun } from './flow-test-kit.ts';

const pglite = BACKENDS.find((b) => b.name === 'pglite')!;

describe('npm start demo: the sandbox connection replicates into the embedded database at once', () => {
  let t: TestHub;
  let sim: RunningSimulator;

  beforeAll(async () => {
    // The sandbox app's redirect URI must be known before the hub starts, as with npm start.
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    sim = await startSim({ defaultApp: { redirectUri: exactRedirectUri(publicUrl) } });
    t = await startExactHub(pglite, {
      sim,
      env: { KOPPEL_PORT: String(port), KOPPEL_PUBLIC_URL: publicUrl },
      features: [
        flowsFeature,
        {
          name: 'demo',
          rootRoutes: (s) => [
            demoAppsPlugin(s.connectionsDeps, sim, async () => {
              await ensureDemoFlows(s.flows.service, s.connectionsDeps);
            }),
          ],
        },
      ],
    });
    await t.hub.startWorker({ pollingIntervalSeconds: 0.5 });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('has a Replicate to database flow right after sign-up that runs once the connection is authorized', async () => {
    const { client, workspaceId } = await signUpOwner(t.base);
    const [connection] = (await client.get(`/api/v1/workspaces/${workspaceId}/connections`)).body;
    const flows = (await client.get(`/api/v1/connections/${connection.id}/flows`)).body;
    expect(flows).toEqual([
      expect.objectContaining({
        packageId: 'replicate',
        destinationId: null,
        divisions: null,
        enabled: true,
      }),
    ]);
    expect(await ensureDemoFlows(t.hub.services.flows.service, t.hub.services.connectionsDeps)).toBe(0);

    expect((await authorize(client, connection.id, sim)).status).toBe(200);
    await client.request('PUT', `/api/v1/connections/${connection.id}/divisions`, {
      codes: [sim.defaults.divisions[0]],
    });
    const run = await finishedRun(client, (await client.post(`/api/v1/flows/${flows[0].id}/run`)).body.id);
    expect(run.status).toBe('succeeded');
    const tables = (await client.get(`/api/v1/flows/${flows[0].id}/tables`)).body;
    expect(tables.find((table: { table: string }) => table.table === 'accounts').rows).toBe(25);
  });
});
