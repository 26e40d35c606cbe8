import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, type RunningSimulator, simControl, type TestHub } from '../connections/exact-test-kit.ts';
import { type ApiClient, BACKENDS } from '../support/test-hub.ts';
import { finishedRun, replicaCount, startFlowHub } from './flow-test-kit.ts';

describe.each(BACKENDS)('a flow whose connection needs re-authorization on $name', (backend) => {
  let sim: RunningSimulator;
  let t: TestHub;
  let owner: ApiClient;
  let connectionId: string;
  let division: number;

  beforeAll(async () => {
    ({ sim, t, owner, connectionId, division } = await startFlowHub(backend));
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('stops with needs_reauth and resumes after re-authorization with nothing lost', async () => {
    const flow = (
      await owner.post(`/api/v1/connections/${connectionId}/flows`, {
        packageId: 'replicate',
        entities: ['accounts'],
      })
    ).body;
    expect(
      (await finishedRun(owner, (await owner.post(`/api/v1/flows/${flow.id}/run`)).body.id)).status,
    ).toBe('succeeded');
    const before = await replicaCount(t, 'accounts');

    // Exact drops the refresh token; the hub finds out when its access token has expired.
    await simControl(sim, 'POST', '/faults', { revokeRefreshTokens: true });
    await simControl(sim, 'DELETE', '/faults');
    t.clock.advance(11 * 60_000);
    await simControl(sim, 'POST', '/mutations', { division, entity: 'crm/Accounts', creates: 3 });
    const refused = await finishedRun(owner, (await owner.post(`/api/v1/flows/${flow.id}/run`)).body.id);
    expect(refused.status).toBe('needs_reauth');
    expect((await owner.get(`/api/v1/flows/${flow.id}`)).body.status).toBe('needs_reauth');
    expect((await owner.get(`/api/v1/connections/${connectionId}`)).body.status).toBe('needs_reauth');
    // The schedule's tick does not queue runs that cannot succeed.
    expect(await t.hub.services.flows.service.runOnSchedule(flow.id)).toBeUndefined();

    expect((await authorize(owner, connectionId, sim)).status).toBe(200);
    const resumed = await t.hub.services.flows.service.runOnSchedule(flow.id);
    const run = await finishedRun(owner, resumed!.id);
    expect(run).toMatchObject({ status: 'succeeded', trigger: 'schedule' });
    expect(run.streams[0].rowsWritten).toBe(3);
    expect(await replicaCount(t, 'accounts')).toBe(before + 3);
    expect((await owner.get(`/api/v1/flows/${flow.id}`)).body.status).toBe('succeeded');
  });
});
