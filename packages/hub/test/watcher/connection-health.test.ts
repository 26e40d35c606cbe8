import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watcherFeature } from '../../src/app/features.ts';
import { exactRedirectUri } from '../../src/connections/redirect-uri.ts';
import {
  authorize,
  createAppAndConnection,
  type RunningSimulator,
  registerSimApp,
  simControl,
  startExactHub,
  startSim,
  type TestHub,
} from '../connections/exact-test-kit.ts';
import { eventually } from '../flows/flow-test-kit.ts';
import { type ApiClient, BACKENDS, type LooseJson, signUpOwner } from '../support/test-hub.ts';

describe.each(BACKENDS)('connection health after a restart on $name', (backend) => {
  let sim: RunningSimulator;
  let t: TestHub;
  let owner: ApiClient;
  let connectionId: string;

  beforeAll(async () => {
    sim = await startSim();
    t = await startExactHub(backend, { features: [watcherFeature], sim });
    let workspaceId: string;
    ({ client: owner, workspaceId } = await signUpOwner(t.base));
    const simApp = await registerSimApp(sim, exactRedirectUri(t.publicUrl));
    ({ connectionId } = await createAppAndConnection(owner, workspaceId, sim, simApp));
    expect((await authorize(owner, connectionId, sim)).status).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  const refusals = async () =>
    ((await owner.get(`/api/v1/connections/${connectionId}/events?limit=100`)).body as LooseJson[]).filter(
      (event) => event.kind === 'token_refresh_failed',
    );

  it('shows needs_reauth after the start-up check when the tokens died meanwhile, recorded once', async () => {
    // The hub was down while Exact dropped the token chain and the access token expired.
    await simControl(sim, 'POST', '/faults', { revokeRefreshTokens: true });
    await simControl(sim, 'DELETE', '/faults');
    t.clock.advance(11 * 60_000);
    expect((await owner.get(`/api/v1/connections/${connectionId}`)).body.status).toBe('active');

    // A worker starts: its start-up sweep checks the connection without anyone pressing Test.
    await t.hub.startWorker({ pollingIntervalSeconds: 0.5 });
    await eventually(
      async () => (await owner.get(`/api/v1/connections/${connectionId}`)).body.status === 'needs_reauth',
      'the health check to find the dead token chain',
    );
    expect(await refusals()).toHaveLength(1);

    // Pressing Test afterwards reports the same failure without recording it again.
    const tested = await owner.post(`/api/v1/connections/${connectionId}/test`);
    expect(tested.body.ok).toBe(false);
    expect(await refusals()).toHaveLength(1);
  });
});
