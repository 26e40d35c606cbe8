// A hub connection authorized at exact-sim keeps working after the simulator restarts with
// its --state file (issue 11): `npm start` keeps that file in the hub's data directory, so
// a restart must not leave the dashboard showing green connections whose tokens are dead.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accounts } from '@koppel/exact';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exactRedirectUri } from '../../src/connections/redirect-uri.ts';
import { freePort } from '../support/free-port.ts';
import { type ApiClient, BACKENDS, signUpOwner } from '../support/test-hub.ts';
import {
  authorize,
  createAppAndConnection,
  type RunningSimulator,
  registerSimApp,
  startExactHub,
  startSim,
  type TestHub,
} from './exact-test-kit.ts';

const PGLITE = BACKENDS.filter((backend) => backend.name === 'pglite');

describe.each(PGLITE)('an authorized connection across an exact-sim restart on $name', (backend) => {
  const dir = mkdtempSync(join(tmpdir(), 'koppel-sim-restart-'));
  const stateFile = join(dir, 'exact-sim-state.json');
  let port: number;
  let sim: RunningSimulator | undefined;
  let t: TestHub;
  let owner: ApiClient;
  let connectionId: string;
  let division: number;

  beforeAll(async () => {
    port = await freePort();
    sim = await startSim({ port, stateFile });
    t = await startExactHub(backend, { sim });
    const signedUp = await signUpOwner(t.base);
    owner = signedUp.client;
    const app = await registerSimApp(sim, exactRedirectUri(t.publicUrl));
    ({ connectionId } = await createAppAndConnection(owner, signedUp.workspaceId, sim, app));
    expect((await authorize(owner, connectionId, sim)).status).toBe(200);
    division = sim.defaults.divisions[0] as number;
    const linked = await owner.request('PUT', `/api/v1/connections/${connectionId}/divisions`, {
      codes: [division],
    });
    expect(linked.status).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('tests green and reads the records written before the restart', async () => {
    const { client } = await t.hub.services.exact.connectionClient(connectionId);
    const created = await client.division(division).create(accounts, { Name: 'Restart Proof BV' });
    expect((await owner.post(`/api/v1/connections/${connectionId}/test`)).body.ok).toBe(true);

    await sim?.close();
    sim = undefined;
    // A simulator without the file would not know the app, the tokens or the account.
    sim = await startSim({ port, stateFile });

    const test = await owner.post(`/api/v1/connections/${connectionId}/test`);
    expect(test.status).toBe(200);
    expect(test.body).toMatchObject({ ok: true, user: { ok: true }, scope: { ok: true } });
    expect(test.body.divisions).toEqual([expect.objectContaining({ code: division, ok: true })]);
    const again = await t.hub.services.exact.connectionClient(connectionId);
    const read = await again.client
      .division(division)
      .get(accounts, created.ID as string, { select: ['Name'] });
    expect(read.Name).toBe('Restart Proof BV');
  });
});
