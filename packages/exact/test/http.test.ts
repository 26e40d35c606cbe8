import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  accounts,
  ExactApiError,
  ExactClient,
  ExactInputError,
  items,
  MemoryTokenStore,
} from '../src/index.ts';
import { startTestSim, type TestSim } from './support/sim.ts';

let t: TestSim;
let first: number;
let second: number;
beforeAll(async () => {
  t = await startTestSim({ defaultVolumes: { accounts: 20, contacts: 5, addresses: 5, items: 5 } });
  [first, second] = t.sim.defaults.divisions as [number, number];
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.control('DELETE', '/faults');
});

async function apiError(promise: Promise<unknown>): Promise<ExactApiError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ExactApiError);
  return error as ExactApiError;
}

async function injected(): Promise<number> {
  return ((await t.stats()) as unknown as { faults: { injectedErrors: number } }).faults.injectedErrors;
}

describe('answers exact-sim never gives', () => {
  it('reports a $count answer that is not a bare integer as invalid_response', async () => {
    const server = createServer((_req, res) => res.end('<count>5</count>'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const tokenStore = new MemoryTokenStore();
      await tokenStore.save('local', {
        accessToken: 'a',
        refreshToken: 'r',
        expiresAt: Date.now() + 600_000,
        obtainedAt: Date.now(),
      });
      const exact = new ExactClient({
        region: `http://127.0.0.1:${port}`,
        clientId: 'local',
        clientSecret: 'secret',
        redirectUri: 'https://koppel.example/callback',
        tokenStore,
      });
      const error = await apiError(exact.division(7).query(accounts).count());
      expect(error.code).toBe('invalid_response');
      expect(error.endpoint).toBe('crm/Accounts/$count');
      expect(error.exactMessage).toContain('Expected a bare integer from $count, got "<count>5</count>"');
    } finally {
      server.close();
    }
  });
});

describe('HTTP behaviour against exact-sim', () => {
  it("gives Exact's message, status, endpoint and division for a division outside the consent", async () => {
    const exact = t.client();
    await exact.connect(await t.authorizeCode(t.app, [first]));
    const error = await apiError(exact.division(second).query(accounts).first());
    expect(error.code).toBe('forbidden');
    expect(error.status).toBe(403);
    expect(error.exactMessage).toMatch(/not within division scope/);
    expect(error.endpoint).toBe('crm/Accounts');
    expect(error.division).toBe(second);
    expect(error.message).toContain(`division ${second}`);
  });

  it('carries the Reason header', async () => {
    const exact = await t.connectedClient();
    const error = await apiError(exact.division(999_999).query(accounts).first());
    expect(error.status).toBe(403);
    expect(error.reason).toBe('NoDivisionAccess');
  });

  it('maps a missing record to not_found', async () => {
    const exact = await t.connectedClient();
    const error = await apiError(exact.division(first).get(accounts, '00000000-0000-4000-8000-000000000001'));
    expect(error.code).toBe('not_found');
    expect(error.status).toBe(404);
  });

  it('retries idempotent requests on 5xx with backoff, then reports the failure', async () => {
    const delays: number[] = [];
    const exact = await t.connectedClient({
      sleep: async (ms) => {
        delays.push(ms);
      },
      random: () => 0.5,
      retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 1000 },
    });
    await t.control('POST', '/faults', { errorRate: 1, status: 503 });
    const before = await injected();
    const error = await apiError(exact.division(first).query(items).first());
    expect(error.code).toBe('server_error');
    expect((await injected()) - before).toBe(4);
    expect(delays).toEqual([50, 100, 200]);
  });

  it('never retries a POST', async () => {
    const exact = await t.connectedClient({ sleep: async () => {} });
    await t.control('POST', '/faults', { errorRate: 1, status: 500 });
    const before = await injected();
    await apiError(exact.division(first).create(accounts, { Name: 'Not twice BV' }));
    expect((await injected()) - before).toBe(1);
  });

  it('recovers when a retry succeeds', async () => {
    const exact = await t.connectedClient({
      sleep: async () => {
        await t.control('DELETE', '/faults');
      },
    });
    await t.control('POST', '/faults', { errorRate: 1, status: 502 });
    expect(await exact.division(first).query(items).select('ID').first()).toBeDefined();
  });

  it('rejects bad divisions before sending anything', () => {
    const exact = t.client();
    expect(() => exact.division(0)).toThrow(ExactInputError);
    expect(() => exact.division(1.5)).toThrow(/positive integer/);
  });
});
