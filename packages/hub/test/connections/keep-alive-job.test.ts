import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../support/test-hub.ts';
import {
  connectionRow,
  type RunningSimulator,
  simControl,
  startAuthorizedConnection,
  type TestHub,
} from './exact-test-kit.ts';

const KEEP_ALIVE = 'exact-token-keep-alive';

describe.each(BACKENDS)('the keep-alive job through pg-boss ($name)', (backend) => {
  let t: TestHub;
  let sim: RunningSimulator;
  let connectionId: string;

  beforeAll(async () => {
    let authorized: { status: number };
    ({ sim, t, connectionId, authorized } = await startAuthorizedConnection(backend, 'Idle'));
    expect(authorized.status).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('is scheduled hourly and refreshes a connection idle for more than a week', async () => {
    const definition = t.hub.services.jobs.definitions.find((d) => d.name === KEEP_ALIVE);
    expect(definition?.cron).toBe('23 * * * *');
    const obtainedAt = async () => (await connectionRow(t, connectionId)).tokenObtainedAt!;
    const before = await obtainedAt();
    t.clock.advance(8 * 24 * 3600_000);
    await simControl(sim, 'POST', '/clock', { advanceMs: 11 * 60_000 });
    await t.hub.startWorker({ pollingIntervalSeconds: 0.5 });
    await t.hub.services.jobs.send(KEEP_ALIVE);
    await expect
      .poll(async () => (await obtainedAt()).getTime(), { timeout: 20_000, interval: 250 })
      .toBeGreaterThan(before.getTime());
    const stats = await simControl(sim, 'GET', '/stats');
    expect(stats.token.byGrantType.refresh_token).toBe(1);
  });
});
