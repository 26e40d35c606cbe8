import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accounts, ExactInputError, ExactNetworkError, items, MemoryTokenStore } from '../src/index.ts';
import { type FlakyProxy, startFlakyProxy } from './support/flaky-proxy.ts';
import { startTestSim, type TestSim } from './support/sim.ts';

let t: TestSim;
let proxy: FlakyProxy;
let division: number;
const store = new MemoryTokenStore();

beforeAll(async () => {
  t = await startTestSim({ defaultVolumes: { accounts: 80, contacts: 5, addresses: 5, items: 5 } });
  proxy = await startFlakyProxy(t.url);
  division = t.sim.defaults.divisions[0] as number;
  // Authorize directly against the simulator; API calls then go through the proxy.
  await t.client({ tokenStore: store }).connect(await t.authorizeCode());
});
afterAll(async () => {
  await proxy.close();
  await t.close();
});
beforeEach(() => {
  proxy.seen.length = 0;
  proxy.plan = () => 'forward';
});

function viaProxy(options: Parameters<TestSim['client']>[0] = {}) {
  return t.client({ region: proxy.url, tokenStore: store, sleep: async () => {}, ...options });
}

const apiCalls = () => proxy.seen.filter((line) => line.includes('/api/v1/'));

describe('network failures (real proxy in front of exact-sim)', () => {
  it('retries a GET after a cut connection', async () => {
    proxy.plan = (_req, index) => (index === 0 ? 'cut' : 'forward');
    const row = await viaProxy().division(division).query(items).select('ID').first();
    expect(row?.ID).toBeTruthy();
    expect(apiCalls()).toHaveLength(2);
  });

  it('does not retry a POST whose connection was cut, and says so', async () => {
    proxy.plan = () => 'cut';
    const error = await viaProxy()
      .division(division)
      .create(accounts, { Name: 'Once BV' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExactNetworkError);
    expect((error as ExactNetworkError).code).toBe('network_error');
    expect(apiCalls()).toHaveLength(1);
  });

  it('times out a stalled request, retries it, then reports a timeout', async () => {
    proxy.plan = () => 'stall';
    const exact = viaProxy({ timeoutMs: 150, retry: { attempts: 1 } });
    const error = await exact
      .division(division)
      .query(items)
      .first()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExactNetworkError);
    expect((error as ExactNetworkError).code).toBe('timeout');
    expect(apiCalls()).toHaveLength(2);
  });

  it('refuses to send the token to a __next link on another host', async () => {
    // The proxy forwards to the simulator, whose __next links name the simulator's own host.
    const pages = viaProxy().division(division).query(accounts).select('ID').pages();
    expect((await pages.next()).value?.rows).toHaveLength(60);
    await expect(pages.next()).rejects.toThrow(ExactInputError);
  });
});
