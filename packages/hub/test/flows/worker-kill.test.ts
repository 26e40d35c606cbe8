import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowsFeature } from '../../src/app/features.ts';
import { exactRedirectUri } from '../../src/connections/redirect-uri.ts';
import { REPLICA_TABLES } from '../../src/flows/packages/replicate/replica-tables.ts';
import { RUN_LEASE_MS } from '../../src/flows/run-lease.ts';
import {
  authorize,
  createAppAndConnection,
  type RunningSimulator,
  simControl,
  startExactHub,
  startSim,
  type TestHub,
} from '../connections/exact-test-kit.ts';
import { type ApiClient, BACKENDS, type LooseJson, signUpOwner } from '../support/test-hub.ts';
import { finishedRun, replicaCount } from './flow-test-kit.ts';
import { replicaDigests, sourceDigests } from './replica-kit.ts';
import { startWorker, type WorkerProcess } from './worker-process.ts';

const postgres = BACKENDS.find((backend) => backend.name === 'postgres')!;
const DIVISION = 400001;
const LINES = 20_000;
const LINES_TABLE = REPLICA_TABLES.filter((table) => table.name === 'transaction_lines');

/** Committed rows of the replica; none before the run created the table. */
async function committedLines(t: TestHub): Promise<number> {
  return replicaCount(t, 'transaction_lines').catch(() => 0);
}

/** Polls until `check` answers a value, or fails after `timeoutMs`. */
async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('a koppel worker killed with SIGKILL in the middle of a run', () => {
  let sim: RunningSimulator;
  let t: TestHub;
  let owner: ApiClient;
  let connectionId: string;
  let env: Record<string, string>;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    sim = await startSim({
      clock: { frozen: false },
      defaultDivisions: [
        { code: DIVISION, description: 'Kill BV', volumes: { accounts: 5, transactionLines: LINES } },
      ],
    });
    // The HTTP process runs no jobs: the worker processes do.
    t = await startExactHub(postgres, { features: [flowsFeature], sim });
    let workspaceId: string;
    ({ client: owner, workspaceId } = await signUpOwner(t.base));
    const simApp = await simControl<{ clientId: string; clientSecret: string; webhookSecret: string }>(
      sim,
      'POST',
      '/apps',
      { name: 'Kill test app', redirectUri: exactRedirectUri(t.publicUrl), minutelyLimit: 100_000 },
    );
    ({ connectionId } = await createAppAndConnection(owner, workspaceId, sim, simApp));
    expect((await authorize(owner, connectionId, sim, [DIVISION])).status).toBe(200);
    await owner.request('PUT', `/api/v1/connections/${connectionId}/divisions`, { codes: [DIVISION] });
    env = {
      DATABASE_URL: t.config.databaseUrl!,
      KOPPEL_SECRET_KEY: t.config.secretKey!,
      KOPPEL_LOG_LEVEL: 'info',
      KOPPEL_EXACT_BASE_URLS: sim.url,
    };
  }, 120_000);
  afterAll(async () => {
    for (const worker of workers) worker.child.kill('SIGKILL');
    await Promise.all(workers.map((worker) => worker.exited));
    await t?.close();
    await sim?.close();
  });

  it('marks the run interrupted and a new run resumes from the last committed page: nothing lost, nothing twice', async () => {
    const first = await startWorker(env);
    workers.push(first);
    // Slow pages, so the kill lands in the middle of the load.
    await simControl(sim, 'POST', '/faults', { latencyMs: 150 });
    const flow = (
      await owner.post(`/api/v1/connections/${connectionId}/flows`, {
        packageId: 'replicate',
        entities: ['transaction_lines'],
        enabled: false,
      })
    ).body;
    const killedRunId: string = (await owner.post(`/api/v1/flows/${flow.id}/run`)).body.id;
    await eventually(
      'the first pages to commit',
      async () => ((await committedLines(t)) >= 3_000 ? true : undefined),
      90_000,
    );
    first.child.kill('SIGKILL');
    await first.exited;
    await simControl(sim, 'DELETE', '/faults');
    const committed = await replicaCount(t, 'transaction_lines');
    expect(committed).toBeLessThan(LINES);
    expect((await owner.get(`/api/v1/runs/${killedRunId}`)).body.status).toBe('running');

    const killedAt = Date.now();
    workers.push(await startWorker(env));
    const interrupted = await eventually(
      'the lost run to be marked',
      async () => {
        const run = (await owner.get(`/api/v1/runs/${killedRunId}`)).body;
        return run.status === 'running' ? undefined : run;
      },
      // The lease, then the next minutely sweep (pg-boss sends cron jobs within seconds).
      RUN_LEASE_MS + 90_000,
    );
    expect(interrupted.status).toBe('interrupted');
    expect(interrupted.error.code).toBe('worker_lost');
    // Promptly: not when the run's job expires (hours), but after the lease and a sweep.
    expect(Date.now() - killedAt).toBeLessThan(RUN_LEASE_MS + 90_000);

    const runs = (await owner.get(`/api/v1/flows/${flow.id}/runs`)).body as LooseJson[];
    const resumedId = runs.find((run) => run.trigger === 'retry')?.id as string;
    expect(resumedId).toBeDefined();
    const resumed = await finishedRun(owner, resumedId, 90_000);
    expect(resumed.status).toBe('succeeded');
    const [stream] = resumed.streams;
    expect(stream.cursorBefore.rows).not.toBe('0');
    // Exactly once: the resumed run writes only what the killed worker had not committed.
    expect(committed + stream.rowsWritten).toBe(LINES);
    const { client } = await t.hub.services.exact.connectionClient(connectionId);
    const destination = await t.hub.services.flows.destinations.open('', null);
    expect(await replicaDigests(destination, DIVISION, 'exact', LINES_TABLE)).toEqual(
      await sourceDigests(client.division(DIVISION), LINES_TABLE),
    );
    expect((await owner.get(`/api/v1/flows/${flow.id}`)).body.status).toBe('succeeded');
  }, 300_000);
});
