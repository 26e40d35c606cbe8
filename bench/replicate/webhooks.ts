// Webhook → replica latency: a hub on Postgres with a worker, exact-sim beside it, a
// "Replicate to database" flow subscribed to Exact's Accounts webhooks. Accounts are created
// through exact-sim's /_sim/mutations, four a second (a create always changes something; an
// update may leave a record as it was); for each, the time until its row is in the replica.
// Prints p50/p95/max. Numbers only.
// Usage: npm run bench:replicate:webhooks [-- <mutations>]
import { simControl } from '../../packages/hub/test/connections/exact-test-kit.ts';
import { eventually, finishedRun, startFlowHub } from '../../packages/hub/test/flows/flow-test-kit.ts';
import { freePort } from '../../packages/hub/test/support/free-port.ts';
import { BACKENDS } from '../../packages/hub/test/support/test-hub.ts';

const mutations = Number(process.argv[2] ?? 200);
const postgres = BACKENDS.find((backend) => backend.name === 'postgres')!;
const port = await freePort();
// Limits that never pause a run: this measures the path from Exact's notification to the
// replica, not the 60-a-minute budget (bench:replicate:budget does).
const { sim, t, owner, connectionId, division } = await startFlowHub(
  postgres,
  { KOPPEL_PORT: String(port), KOPPEL_PUBLIC_URL: `http://127.0.0.1:${port}`, KOPPEL_LOG_LEVEL: 'warn' },
  { appLimits: { minutelyLimit: 100_000, dailyLimit: 10_000_000 } },
);
try {
  const flow = (
    await owner.post(`/api/v1/connections/${connectionId}/flows`, {
      packageId: 'replicate',
      entities: ['accounts'],
      schedule: '0 0 1 1 *',
    })
  ).body;
  const destination = await t.hub.services.flows.destinations.open('', null);
  const { client } = await t.hub.services.exact.connectionClient(connectionId);
  await eventually(
    async () => (await client.division(division).subscriptions()).length > 0,
    'the subscription',
  );
  await finishedRun(owner, (await owner.post(`/api/v1/flows/${flow.id}/run`)).body.id);

  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  for (let i = 0; i < mutations; i++) {
    const started = Date.now();
    const { created } = await simControl<{ created: string[] }>(sim, 'POST', '/mutations', {
      division,
      entity: 'crm/Accounts',
      creates: 1,
    });
    const key = created[0] as string;
    pending.push(
      eventually(
        async () => {
          const row = await destination.driver.query(
            'select 1 from exact.accounts where division = $1 and id = $2',
            [division, key],
          );
          return row.rows.length > 0;
        },
        `account ${key} in the replica`,
        60_000,
      ).then(() => {
        latencies.push(Date.now() - started);
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await Promise.all(pending);
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] as number;
  const runs = (await owner.get(`/api/v1/flows/${flow.id}/runs?limit=200`)).body.length;
  process.stdout.write(
    [
      '',
      `bench/replicate webhooks — ${mutations} accounts created, 4 a second, Postgres, worker polling every 0.5 s`,
      `latency p50        ${at(0.5)} ms`,
      `latency p95        ${at(0.95)} ms`,
      `latency max        ${latencies.at(-1)} ms`,
      `runs               ${runs} (webhook runs are debounced while one is queued)`,
      '',
    ].join('\n'),
  );
} finally {
  await t.close();
  await sim.close();
}
