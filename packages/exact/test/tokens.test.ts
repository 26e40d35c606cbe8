import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  accounts,
  ExactTokenError,
  type LockedTokens,
  MemoryTokenStore,
  type TokenSet,
  type TokenStore,
} from '../src/index.ts';
import { startTestSim, type TestSim } from './support/sim.ts';

let t: TestSim;
let division: number;
beforeAll(async () => {
  t = await startTestSim();
  division = t.sim.defaults.divisions[0] as number;
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.control('DELETE', '/faults');
});

async function tokenCalls(): Promise<number> {
  return (await t.stats()).token.calls;
}

/** A second handle on the same storage and lock, as another process would have. */
function otherProcessView(store: TokenStore): TokenStore {
  return {
    load: (key) => store.load(key),
    save: (key, tokens) => store.save(key, tokens),
    withRefreshLock: (key, fn) => store.withRefreshLock(key, fn),
  };
}

describe('token handling against exact-sim', () => {
  it('does not refresh while more than 25 s remain', async () => {
    const exact = await t.connectedClient({ tokenStore: new MemoryTokenStore() });
    const before = await tokenCalls();
    await t.advance(570_000);
    await exact.me();
    expect(await tokenCalls()).toBe(before);
  });

  it('8 concurrent callers on an expiring token cause exactly one token call', async () => {
    const exact = await t.connectedClient({ tokenStore: new MemoryTokenStore() });
    await t.advance(580_000);
    const before = await tokenCalls();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => exact.division(division).query(accounts).first()),
    );
    expect(results.every((row) => row !== undefined)).toBe(true);
    expect((await tokenCalls()) - before).toBe(1);
  });

  it('after a 401 (clock out of step with Exact) refreshes once for 8 callers and retries', async () => {
    let localNow = t.clock.now();
    const statuses: number[] = [];
    const exact = await t.connectedClient({
      tokenStore: new MemoryTokenStore(),
      clock: { now: () => localNow },
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        statuses.push(response.status);
        return response;
      },
    });
    // Exact's clock moves 11 minutes, the local one does not: the token looks fresh locally.
    await t.advance(660_000);
    localNow += 1;
    statuses.length = 0;
    const before = await tokenCalls();
    const users = await Promise.all(Array.from({ length: 8 }, () => exact.me()));
    expect(new Set(users.map((user) => user.UserID)).size).toBe(1);
    expect((await tokenCalls()) - before).toBe(1);
    // Some calls refused (the rest waited for the budget's first answer and went with the new
    // token), one token call, and every caller served.
    const refused = statuses.filter((status) => status === 401).length;
    expect(refused).toBeGreaterThanOrEqual(1);
    expect(refused).toBeLessThanOrEqual(8);
    expect(statuses.filter((status) => status === 200)).toHaveLength(9);
  });

  it('keeps the token Exact calls unexpired when the local clock runs ahead, and refreshes later', async () => {
    let aheadMs = 0;
    const exact = await t.connectedClient({
      tokenStore: new MemoryTokenStore(),
      clock: { now: () => t.clock.now() + aheadMs },
    });
    // The local clock steps 8 s ahead after the token came: at 568 s by Exact's clock 24 s remain locally.
    aheadMs = 8_000;
    await t.advance(568_000);
    const before = await t.stats();
    expect(await Promise.all([exact.me(), exact.me()])).toHaveLength(2);
    await exact.me();
    const held = await t.stats();
    // One refused refresh, shared by the callers and not repeated while the token is held.
    expect(held.token.calls - before.token.calls).toBe(1);
    expect(held.token.failures.refresh_too_early ?? 0).toBe(
      (before.token.failures.refresh_too_early ?? 0) + 1,
    );
    expect(held.api.byStatus['401'] ?? 0).toBe(before.api.byStatus['401'] ?? 0);
    await t.advance(6_000);
    await exact.me();
    const after = await t.stats();
    expect(after.token.calls - held.token.calls).toBe(1);
    expect(after.token.failures).toEqual(held.token.failures);
  });

  it('skips the refresh when another process already stored a new pair', async () => {
    const shared = new MemoryTokenStore();
    const first = await t.connectedClient({ tokenStore: shared, connectionKey: 'conn' });
    const second = t.client({ tokenStore: otherProcessView(shared), connectionKey: 'conn' });
    await t.advance(590_000);
    const before = await tokenCalls();
    await first.me();
    await second.me();
    expect((await tokenCalls()) - before).toBe(1);
  });

  it('persists the new pair before releasing the lock', async () => {
    const inner = new MemoryTokenStore();
    const events: string[] = [];
    const recording: TokenStore = {
      load: (key) => inner.load(key),
      save: (key, tokens) => inner.save(key, tokens),
      withRefreshLock: (key, fn) =>
        inner.withRefreshLock(key, async (locked) => {
          events.push('locked');
          const view: LockedTokens = {
            load: () => locked.load(),
            save: async (tokens: TokenSet) => {
              events.push('saved');
              await locked.save(tokens);
            },
          };
          try {
            return await fn(view);
          } finally {
            events.push('released');
          }
        }),
    };
    const exact = await t.connectedClient({ tokenStore: recording });
    await t.advance(590_000);
    await exact.me();
    expect(events).toEqual(['locked', 'saved', 'released']);
  });

  it('surfaces a dropped token response as a re-authorization error, without looping', async () => {
    const exact = await t.connectedClient({ tokenStore: new MemoryTokenStore() });
    await t.advance(590_000);
    await t.control('POST', '/faults', { dropTokenResponse: true });
    const before = await t.stats();
    const error = await exact.me().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExactTokenError);
    expect((error as ExactTokenError).code).toBe('token_response_lost');
    expect((error as ExactTokenError).reauthorizationRequired).toBe(true);
    const after = await t.stats();
    expect(after.token.calls - before.token.calls).toBe(1);
    expect(after.token.dropped - before.token.dropped).toBe(1);
    // Next call: the stored refresh token was consumed by the lost refresh → reused, not a loop.
    await t.control('DELETE', '/faults');
    const again = await exact.me().catch((e: unknown) => e);
    expect((again as ExactTokenError).code).toBe('refresh_token_reused');
    expect((await t.stats()).token.calls - after.token.calls).toBe(1);
  });

  it('asks for authorization when no tokens are stored', async () => {
    const error = await t
      .client()
      .me()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExactTokenError);
    expect((error as ExactTokenError).code).toBe('not_authorized');
  });
});
