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

  /** Reads through the proxy with one retry while the proxy stalls every request. */
  async function stalledRead(options: Parameters<typeof viaProxy>[0]): Promise<ExactNetworkError> {
    proxy.plan = () => 'stall';
    const error = await viaProxy({ retry: { attempts: 1 }, ...options })
      .division(division)
      .query(items)
      .first()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExactNetworkError);
    return error as ExactNetworkError;
  }

  it('times out a stalled request, retries it, then reports a timeout', async () => {
    expect((await stalledRead({ timeoutMs: 150 })).code).toBe('timeout');
    expect(apiCalls()).toHaveLength(2);
  });

  it('measures the timeout on the injected timer', async () => {
    const scheduled: number[] = [];
    let cancelled = 0;
    const error = await stalledRead({
      timeoutMs: 60_000,
      // A simulated clock that reaches every 60 s deadline after 50 real milliseconds.
      timer: (ms, fire) => {
        scheduled.push(ms);
        const handle = setTimeout(fire, 50);
        return () => {
          cancelled++;
          clearTimeout(handle);
        };
      },
    });
    expect(error.code).toBe('timeout');
    expect(scheduled).toEqual([60_000, 60_000]);
    expect(cancelled).toBe(2);
    expect(apiCalls()).toHaveLength(2);
  });

  it('cancels the timer of every answered request', async () => {
    let pending = 0;
    const exact = t.client({
      tokenStore: store,
      timer: (ms, fire) => {
        pending++;
        const handle = setTimeout(fire, ms);
        return () => {
          pending--;
          clearTimeout(handle);
        };
      },
    });
    const rows = await exact.division(division).query(accounts).select('ID').all();
    expect(rows).toHaveLength(80);
    expect(pending).toBe(0);
  });

  it('refuses to send the token to a __next link on another host', async () => {
    // The proxy forwards to the simulator, whose __next links name the simulator's own host.
    const pages = viaProxy().division(division).query(accounts).select('ID').pages();
    expect((await pages.next()).value?.rows).toHaveLength(60);
    await expect(pages.next()).rejects.toThrow(ExactInputError);
  });
});
