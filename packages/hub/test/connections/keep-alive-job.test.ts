import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exactRedirectUri } from '../../src/connections/redirect-uri.ts';
import { tokenKeepAliveJob } from '../../src/jobs/token-keep-alive-job.ts';
import { connections } from '../../src/storage/schema.ts';
import { BACKENDS, signUpOwner } from '../support/test-hub.ts';
import {
  authorize,
  createAppAndConnection,
  type RunningSimulator,
  registerSimApp,
  simControl,
  startExactHub,
  startSim,
  type TestHub,
} from './exact-test-kit.ts';

describe.each(BACKENDS)('the keep-alive job through pg-boss ($name)', (backend) => {
  let t: TestHub;
  let sim: RunningSimulator;
  let connectionId: string;

  beforeAll(async () => {
    [sim, t] = await Promise.all([startSim(), startExactHub(backend)]);
    const { client, workspaceId } = await signUpOwner(t.base);
    const simApp = await registerSimApp(sim, exactRedirectUri(t.config.publicUrl));
    ({ connectionId } = await createAppAndConnection(client, workspaceId, sim, simApp, 'Idle'));
    expect((await authorize(client, connectionId, sim)).status).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('is scheduled hourly and refreshes a connection idle for more than a week', async () => {
    const definition = t.hub.ctx.jobs.definitions.find((d) => d.name === tokenKeepAliveJob.name);
    expect(definition?.cron).toBe('23 * * * *');
    const obtainedAt = async () =>
      (await t.hub.db.select().from(connections).where(sql`${connections.id} = ${connectionId}`))[0]!
        .tokenObtainedAt!;
    const before = await obtainedAt();
    t.clock.advance(8 * 24 * 3600_000);
    await simControl(sim, 'POST', '/clock', { advanceMs: 11 * 60_000 });
    await t.hub.startWorker({ pollingIntervalSeconds: 0.5 });
    await t.hub.ctx.jobs.send(tokenKeepAliveJob.name);
    await expect
      .poll(async () => (await obtainedAt()).getTime(), { timeout: 20_000, interval: 250 })
      .toBeGreaterThan(before.getTime());
    const stats = await simControl(sim, 'GET', '/stats');
    expect(stats.token.byGrantType.refresh_token).toBe(1);
  });
});
