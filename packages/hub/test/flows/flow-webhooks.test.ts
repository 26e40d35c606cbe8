import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, simControl, type TestHub } from '../connections/exact-test-kit.ts';
import { freePort } from '../support/free-port.ts';
import { type ApiClient, BACKENDS } from '../support/test-hub.ts';
import { eventually, finishedRun, replicaCount, startFlowHub } from './flow-test-kit.ts';

describe.each(BACKENDS)("Exact webhooks trigger a flow's stream on $name", (backend) => {
  let sim: RunningSimulator;
  let t: TestHub;
  let owner: ApiClient;
  let connectionId: string;
  let division: number;

  beforeAll(async () => {
    const port = await freePort();
    ({ sim, t, owner, connectionId, division } = await startFlowHub(backend, {
      KOPPEL_PORT: String(port),
      KOPPEL_PUBLIC_URL: `http://127.0.0.1:${port}`,
    }));
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  const subscriptions = async () => {
    const { client } = await t.hub.services.exact.connectionClient(connectionId);
    return client.division(division).subscriptions();
  };
  const replicaAccounts = () => replicaCount(t, 'accounts');

  it('subscribes, and a mutation reaches the replica without waiting for the schedule', async () => {
    const flow = (
      await owner.post(`/api/v1/connections/${connectionId}/flows`, {
        packageId: 'replicate',
        entities: ['accounts', 'addresses'],
        // Far from any test's lifetime: only the webhook can trigger the second run.
        schedule: '0 0 1 1 *',
      })
    ).body;
    const subscribed = await eventually(
      async () =>
        (await subscriptions()).find((s) => s.CallbackURL?.endsWith(`/webhooks/exact/flows/${flow.id}`)),
      'the subscription',
    );
    expect(subscribed!.Topic).toBe('Accounts');
    const first = await finishedRun(owner, (await owner.post(`/api/v1/flows/${flow.id}/run`)).body.id);
    expect(first.status).toBe('succeeded');
    const before = await replicaAccounts();

    await simControl(sim, 'POST', '/mutations', { division, entity: 'crm/Accounts', creates: 2, deletes: 1 });
    await eventually(
      async () => (await replicaAccounts()) === before + 1,
      'the replica to take the mutation',
    );
    const runs = (await owner.get(`/api/v1/flows/${flow.id}/runs`)).body;
    const webhookRuns = runs.filter((run: { trigger: string }) => run.trigger === 'webhook');
    expect(webhookRuns.length).toBeGreaterThanOrEqual(1);
    expect(webhookRuns[0].only).toEqual([`${division}/accounts`]);

    await owner.patch(`/api/v1/flows/${flow.id}`, { enabled: false });
    await eventually(async () => (await subscriptions()).length === 0, 'the subscription to be removed');
  });

  it('answers the validation POST and refuses an unsigned notification', async () => {
    const flowId = (await owner.get(`/api/v1/connections/${connectionId}/flows`)).body[0].id;
    const url = `${t.base}/webhooks/exact/flows/${flowId}`;
    expect((await fetch(url, { method: 'POST' })).status).toBe(200);
    const forged = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"Content":{"Topic":"Accounts","Division":${division},"Action":"Update","Key":"00000000-0000-0000-0000-000000000000"},"HashCode":"${'A'.repeat(64)}"}`,
    });
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe(
      'webhook_signature_invalid',
    );
    const garbage = await fetch(url, { method: 'POST', body: 'hello' });
    expect([garbage.status, ((await garbage.json()) as { error: { code: string } }).error.code]).toEqual([
      400,
      'webhook_payload_invalid',
    ]);
    const connection = (await owner.get(`/api/v1/connections/${connectionId}`)).body;
    await owner.patch(`/api/v1/apps/${connection.appId}`, { webhookSecret: null });
    const unsigned = await fetch(url, { method: 'POST', body: 'hello' });
    expect([unsigned.status, ((await unsigned.json()) as { error: { code: string } }).error.code]).toEqual([
      409,
      'webhook_secret_missing',
    ]);
  });
});
