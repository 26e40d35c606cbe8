import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, BACKENDS, OWNER } from '../support/test-hub.ts';
import {
  connectionRow,
  type RunningSimulator,
  simControl,
  startAuthorizedConnection,
  type TestHub,
} from './exact-test-kit.ts';

const pglite = BACKENDS.find((b) => b.name === 'pglite')!;
const TOKEN_LATENCY_MS = 4_000;
const MINUTE = 60_000;

/** A fetch that tells when a call to Exact's token endpoint has gone out and when it came back. */
function watchedFetch() {
  const waiting: (() => void)[] = [];
  let inFlight = 0;
  const fetchFn: typeof fetch = async (input, init) => {
    const isToken = String(input instanceof Request ? input.url : input).includes('/api/oauth2/token');
    if (!isToken) return fetch(input, init);
    inFlight++;
    for (const wake of waiting.splice(0)) wake();
    try {
      return await fetch(input, init);
    } finally {
      inFlight--;
    }
  };
  return {
    fetch: fetchFn,
    get inFlight() {
      return inFlight;
    },
    tokenCallStarted: () => new Promise<void>((resolve) => waiting.push(resolve)),
  };
}

describe('a slow token endpoint on the embedded database', () => {
  let t: TestHub;
  let sim: RunningSimulator;
  let connectionId: string;
  const watch = watchedFetch();

  beforeAll(async () => {
    let authorized: { status: number };
    ({ sim, t, connectionId, authorized } = await startAuthorizedConnection(pglite, 'Slow', {
      fetch: watch.fetch,
    }));
    expect(authorized.status).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('does not stall other API requests while a refresh waits on Exact', async () => {
    const owner = new ApiClient(t.base);
    expect((await owner.post('/api/v1/auth/login', OWNER)).status).toBe(200);
    const before = (await connectionRow(t, connectionId)).tokenObtainedAt!;
    // The access token expires on both sides; the next call to Exact must refresh it, slowly.
    t.clock.advance(11 * MINUTE);
    await simControl(sim, 'POST', '/clock', { advanceMs: 11 * MINUTE });
    await simControl(sim, 'POST', '/faults', { latencyMs: TOKEN_LATENCY_MS });

    const started = watch.tokenCallStarted();
    let testDone = false;
    const test = owner.post(`/api/v1/connections/${connectionId}/test`).finally(() => {
      testDone = true;
    });
    await started;

    // While the refresh waits on Exact: sessions, workspaces, connections and readiness all answer.
    const others = await Promise.all([
      owner.get('/api/v1/me'),
      owner.get(`/api/v1/connections/${connectionId}`),
      owner.get(`/api/v1/connections/${connectionId}/events`),
      owner.post('/api/v1/workspaces', { name: 'Made during the refresh' }),
      new ApiClient(t.base).post('/api/v1/auth/login', OWNER),
      fetch(`${t.base}/readyz`).then((r) => ({ status: r.status })),
    ]);
    expect(others.map((r) => r.status)).toEqual([200, 200, 200, 201, 200, 200]);
    expect(watch.inFlight).toBe(1);
    expect(testDone).toBe(false);

    await simControl(sim, 'DELETE', '/faults');
    const result = await test;
    expect(result.status).toBe(200);
    expect(result.body.user.ok).toBe(true);
    expect((await connectionRow(t, connectionId)).tokenObtainedAt!.getTime()).toBeGreaterThan(
      before.getTime(),
    );
  });
});
