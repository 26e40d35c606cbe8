// Shared by the flows API tests: waiting on observable state (a run's status, a condition).
import type { SimulatorOptions } from '@koppel/exact-sim';
import { expect } from 'vitest';
import type { Feature } from '../../src/app/feature.ts';
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
import { type ApiClient, type Backend, type LooseJson, signUpOwner } from '../support/test-hub.ts';

export interface FlowHub {
  sim: RunningSimulator;
  t: TestHub;
  owner: ApiClient;
  workspaceId: string;
  connectionId: string;
  /** The one linked division. */
  division: number;
}

/**
 * exact-sim and a hub with the flows feature and a worker: an owner, a connection on the sim
 * authorized and with its first division linked.
 */
export async function startFlowHub(
  backend: Backend,
  env: Record<string, string> = {},
  options: {
    features?: readonly Feature[];
    appLimits?: { minutelyLimit?: number; dailyLimit?: number };
    simOptions?: SimulatorOptions;
  } = {},
): Promise<FlowHub> {
  const sim = await startSim(options.simOptions ?? {});
  const t = await startExactHub(backend, { env, features: [...(options.features ?? [flowsFeature])], sim });
  const { client: owner, workspaceId } = await signUpOwner(t.base);
  const simApp = await simControl<{ clientId: string; clientSecret: string; webhookSecret: string }>(
    sim,
    'POST',
    '/apps',
    { name: 'Flows test app', redirectUri: exactRedirectUri(t.publicUrl), ...options.appLimits },
  );
  const { connectionId } = await createAppAndConnection(owner, workspaceId, sim, simApp);
  expect((await authorize(owner, connectionId, sim)).status).toBe(200);
  const division = sim.defaults.divisions[0] as number;
  const linked = await owner.request('PUT', `/api/v1/connections/${connectionId}/divisions`, {
    codes: [division],
  });
  expect(linked.status).toBe(200);
  await t.hub.startWorker({ pollingIntervalSeconds: 0.5 });
  return { sim, t, owner, workspaceId, connectionId, division };
}

/** Live rows of a replica table in the hub's own database. */
export async function replicaCount(t: TestHub, table: string): Promise<number> {
  const destination = await t.hub.services.flows.destinations.open('', null);
  const result = await destination.driver.query<{ n: string }>(
    `select count(*) as n from exact.${table} where _deleted_at is null`,
  );
  return Number(result.rows[0]?.n);
}

/** Polls the run until it leaves queued/running (the worker runs it through pg-boss). */
export async function finishedRun(client: ApiClient, runId: string, timeoutMs = 60_000): Promise<LooseJson> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await client.get(`/api/v1/runs/${runId}`);
    expect(run.status).toBe(200);
    if (run.body.status !== 'queued' && run.body.status !== 'running') return run.body;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${run.body.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits for `probe` to return a truthy value (checked every 100 ms). */
export async function eventually<T>(probe: () => Promise<T>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A paused "Import into Exact" flow on the connection for the given entities. */
export async function createImportFlow(
  owner: ApiClient,
  connectionId: string,
  entities: readonly string[],
): Promise<LooseJson> {
  const created = await owner.post(`/api/v1/connections/${connectionId}/flows`, {
    packageId: 'exact-import',
    entities,
    enabled: false,
  });
  expect(created.status).toBe(201);
  return created.body;
}

/** An upload as a browser sends a file: a multipart form with the client's session and CSRF header. */
export async function uploadFile(
  owner: ApiClient,
  url: string,
  fields: Record<string, string>,
  file: { name: string; text: string; type: string },
): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([file.text], { type: file.type }), file.name);
  return fetch(`${owner.base}${url}`, {
    method: 'POST',
    body: form,
    headers: {
      cookie: [...owner.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
      'x-koppel-csrf': owner.csrfToken as string,
    },
  });
}
