import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowsFeature } from '../../src/app/features.ts';
import { exactRedirectUri } from '../../src/connections/redirect-uri.ts';
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
import { startWorker, type WorkerProcess } from './worker-process.ts';

const postgres = BACKENDS.find((backend) => backend.name === 'postgres')!;
/** Issue #8: three workers replicating 30 divisions; small volumes keep the test to minutes. */
const DIVISIONS = Array.from({ length: 30 }, (_, index) => 300001 + index);
const ACCOUNTS = 20;
/** Low enough that the three flows together overrun it in every division: they must wait, not collide. */
const MINUTELY_LIMIT = 12;
const TOKEN_LIFETIME_MS = 60_000;
/** Exact refuses a refresh before the last 30 s of a token's life (facts §1.4). */
const REFRESH_MIN_AGE_MS = 30_000;

describe('three koppel worker processes replicating 30 divisions on Postgres', () => {
  let sim: RunningSimulator;
  let t: TestHub;
  let owner: ApiClient;
  let connectionId: string;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    sim = await startSim({
      // Real time: rate-limit windows and token lifetimes pass as they do at Exact.
      clock: { frozen: false },
      oauth: { accessTokenLifetimeMs: TOKEN_LIFETIME_MS, refreshMinAgeMs: REFRESH_MIN_AGE_MS },
      defaultDivisions: DIVISIONS.map((code) => ({
        code,
        description: `Werkmaatschappij ${code}`,
        volumes: { accounts: ACCOUNTS, contacts: 10, items: 10, transactionLines: 300 },
      })),
    });
    t = await startExactHub(postgres, { features: [flowsFeature], sim });
    let workspaceId: string;
    ({ client: owner, workspaceId } = await signUpOwner(t.base));
    const simApp = await simControl<{ clientId: string; clientSecret: string; webhookSecret: string }>(
      sim,
      'POST',
      '/apps',
      { name: 'Workers test app', redirectUri: exactRedirectUri(t.publicUrl), minutelyLimit: MINUTELY_LIMIT },
    );
    ({ connectionId } = await createAppAndConnection(owner, workspaceId, sim, simApp));
    expect((await authorize(owner, connectionId, sim, DIVISIONS)).status).toBe(200);
    await owner.request('PUT', `/api/v1/connections/${connectionId}/divisions`, { codes: DIVISIONS });
    const env = {
      DATABASE_URL: t.config.databaseUrl!,
      KOPPEL_SECRET_KEY: t.config.secretKey!,
      KOPPEL_LOG_LEVEL: 'info',
      KOPPEL_EXACT_BASE_URLS: sim.url,
    };
    workers.push(...(await Promise.all([startWorker(env), startWorker(env), startWorker(env)])));
  }, 120_000);
  afterAll(async () => {
    for (const worker of workers) worker.child.kill('SIGTERM');
    await Promise.all(workers.map((worker) => worker.exited));
    await t?.close();
    await sim?.close();
  });

  it('shares the rate budget (no 429) and refreshes each token once per expiry', async () => {
    const before = (await simControl(sim, 'GET', '/stats')) as LooseJson;
    const started = Date.now();
    const entitySets = [
      ['accounts', 'contacts', 'addresses'],
      ['items', 'gl_accounts', 'sales_orders'],
      ['transaction_lines', 'sales_invoices'],
    ];
    const runIds: string[] = [];
    for (const entities of entitySets) {
      const flow = (
        await owner.post(`/api/v1/connections/${connectionId}/flows`, {
          packageId: 'replicate',
          entities,
          enabled: false,
        })
      ).body;
      runIds.push((await owner.post(`/api/v1/flows/${flow.id}/run`)).body.id);
    }
    const runs = [];
    for (const id of runIds) runs.push(await finishedRun(owner, id, 170_000));
    const seconds = (Date.now() - started) / 1000;

    const failures = runs.flatMap((run) =>
      run.streams.filter((stream: LooseJson) => stream.status !== 'succeeded'),
    );
    expect(failures).toEqual([]);
    expect(runs.map((run) => run.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(runs.flatMap((run) => run.streams)).toHaveLength(DIVISIONS.length * 8);
    expect(await replicaCount(t, 'accounts')).toBe(DIVISIONS.length * ACCOUNTS);
    // The work was spread over more than one process.
    const busy = workers.filter((worker) => worker.output().includes('flow run finished'));
    expect(busy.length).toBeGreaterThanOrEqual(2);

    const after = (await simControl(sim, 'GET', '/stats')) as LooseJson;
    expect(after.api.rateLimited - before.api.rateLimited).toBe(0);
    expect(after.api.byStatus['429'] ?? 0).toBe(0);
    // More calls than one minute's budget in each division: the workers had to wait for windows.
    expect(after.api.calls - before.api.calls).toBeGreaterThan(DIVISIONS.length * MINUTELY_LIMIT);
    const refreshes =
      (after.token.byGrantType.refresh_token ?? 0) - (before.token.byGrantType.refresh_token ?? 0);
    // One refresh per token lifetime at most (a token is refreshable only in its last 30 s).
    expect(refreshes).toBeLessThanOrEqual(Math.ceil((seconds * 1000) / REFRESH_MIN_AGE_MS) + 1);
    expect(after.token.failures).toEqual(before.token.failures);
    expect((await owner.get(`/api/v1/connections/${connectionId}`)).body.status).toBe('active');
  }, 200_000);
});
