import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowsFeature, watcherFeature } from '../../src/app/features.ts';
import { flowRunStreams, flowRuns } from '../../src/storage/schema.ts';
import type { RunningSimulator, TestHub } from '../connections/exact-test-kit.ts';
import { finishedRun, startFlowHub } from '../flows/flow-test-kit.ts';
import { type ApiClient, addMember, BACKENDS, type LooseJson } from '../support/test-hub.ts';

const HOUR_MS = 3_600_000;

describe.each(BACKENDS)('the workspace at a glance on $name', (backend) => {
  let sim: RunningSimulator;
  let t: TestHub;
  let owner: ApiClient;
  let workspaceId: string;
  let connectionId: string;
  let division: number;

  beforeAll(async () => {
    ({ sim, t, owner, workspaceId, connectionId, division } = await startFlowHub(
      backend,
      {},
      { features: [flowsFeature, watcherFeature], appLimits: { dailyLimit: 5000 } },
    ));
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  const overview = async (client: ApiClient, ws = workspaceId, query = '') => {
    const response = await client.get(`/api/v1/workspaces/${ws}/overview${query}`);
    expect(response.status).toBe(200);
    return response.body as LooseJson;
  };

  it('is empty, not an error, for a workspace without connections', async () => {
    const created = await owner.post('/api/v1/workspaces', { name: 'Nothing yet' });
    expect(created.status).toBe(201);
    const empty = await overview(owner, created.body.id);
    expect(empty).toMatchObject({ connections: [], flows: [], openErrors: 0, budgets: [] });
    expect(empty.hourly).toHaveLength(72);
    expect(empty.hourly.every((h: LooseJson) => h.rowsMoved === 0 && h.apiCalls === 0)).toBe(true);
  });

  it("shows health, last and next run, today's budget and the hours' traffic from real runs", async () => {
    const flow = (
      await owner.post(`/api/v1/connections/${connectionId}/flows`, {
        packageId: 'replicate',
        entities: ['accounts'],
        enabled: true,
        schedule: '0 3 * * *',
      })
    ).body;
    const run = await finishedRun(owner, (await owner.post(`/api/v1/flows/${flow.id}/run`)).body.id);
    expect(run.status).toBe('succeeded');
    const moved = run.streams[0].rowsWritten + run.streams[0].rowsDeleted;
    const calls = run.streams[0].apiCalls;
    expect(moved).toBeGreaterThan(0);

    // A run from long before the window must not count (and is not read: the window bounds the scan).
    const old = randomUUID();
    const longAgo = new Date(Date.now() - 30 * 24 * HOUR_MS);
    const db = t.hub.services.platform.db;
    await db.insert(flowRuns).values({
      id: old,
      flowId: flow.id,
      trigger: 'manual',
      status: 'succeeded',
      queuedAt: longAgo,
      finishedAt: longAgo,
    });
    await db.insert(flowRunStreams).values({
      runId: old,
      division,
      entity: 'accounts',
      status: 'succeeded',
      rowsWritten: 1_000_000,
      apiCalls: 1_000_000,
      finishedAt: longAgo,
    });

    const viewer = (await addMember(owner, workspaceId, 'glance-viewer@example.nl', 'viewer')).client;
    const glance = await overview(viewer, workspaceId, '?days=2');
    expect(glance.connections).toEqual([
      { id: connectionId, name: expect.any(String), status: 'active', active: true },
    ]);
    const [listed] = glance.flows;
    expect(listed).toMatchObject({
      id: flow.id,
      enabled: true,
      openErrors: 0,
      lastRun: { id: run.id, status: 'succeeded', finishedAt: expect.any(String) },
    });
    const next = new Date(listed.nextRunAt);
    expect(next.getUTCHours()).toBe(3);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(24 * HOUR_MS);

    const budget = glance.budgets.find((b: LooseJson) => b.division === division);
    expect(budget).toMatchObject({ limit: 5000, reserve: 500 });
    expect(budget.used).toBeGreaterThanOrEqual(calls);
    expect(budget.used + budget.remaining).toBe(5000);

    expect(glance.hourly).toHaveLength(48);
    const sum = (key: string) => glance.hourly.reduce((total: number, h: LooseJson) => total + h[key], 0);
    expect(sum('rowsMoved')).toBe(moved);
    expect(sum('apiCalls')).toBe(calls);
    const hours = glance.hourly.map((h: LooseJson) => new Date(h.hour).getTime());
    expect(hours[47] - hours[0]).toBe(47 * HOUR_MS);
    expect(hours[47]).toBeLessThanOrEqual(Date.now());
  });

  it('refuses what it cannot answer', async () => {
    const tooMany = await owner.get(`/api/v1/workspaces/${workspaceId}/overview?days=90`);
    expect(tooMany.status).toBe(400);
    const anonymous = await fetch(`${t.base}/api/v1/workspaces/${workspaceId}/overview`);
    expect(anonymous.status).toBe(401);
    const stranger = await owner.get(`/api/v1/workspaces/${randomUUID()}/overview`);
    expect(stranger.status).toBe(404);
  });
});
