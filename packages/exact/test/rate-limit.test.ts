import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts, ExactRateLimitError, MemoryRateBudget } from '../src/index.ts';
import { RateGovernor } from '../src/rate-limit/rate-governor.ts';
import { createApp, startTestSim, type TestSim } from './support/sim.ts';

/** A governor whose clock stands still at `now`; its waits are short real sleeps. */
function frozenGovernor(now: number): RateGovernor {
  return new RateGovernor({
    budget: new MemoryRateBudget(),
    clientId: 'app',
    clock: { now: () => now },
    sleep: () => new Promise((resolve) => setTimeout(resolve, 5)),
  });
}

let t: TestSim;
let division: number;
beforeAll(async () => {
  t = await startTestSim({ defaultVolumes: { accounts: 30, contacts: 5, addresses: 5, items: 5 } });
  division = t.sim.defaults.divisions[0] as number;
});
afterAll(() => t.close());

async function rateLimited(): Promise<number> {
  return (await t.stats()).api.rateLimited;
}

describe('rate limits against exact-sim', () => {
  it('a 60-call minute budget never produces a 429 over a 200-call read', async () => {
    const app = await createApp(t, { minutelyLimit: 60 });
    // Local clock far from Exact's: waits must come from the Date header.
    const exact = await t.connectedClient({ clock: { now: () => Date.now() } }, app);
    const before = await t.stats();
    const start = t.clock.now();
    for (let call = 0; call < 200; call++) {
      const row = await exact.division(division).query(accounts).select('ID').first();
      expect(row?.ID).toBeTruthy();
    }
    const after = await t.stats();
    expect(after.api.rateLimited - before.api.rateLimited).toBe(0);
    expect(after.api.calls - before.api.calls).toBe(200);
    // 200 calls at 60 a minute need at least three minute resets of the simulated clock.
    expect(t.clock.now() - start).toBeGreaterThanOrEqual(3 * 60_000);
    expect(t.clock.now() - start).toBeLessThan(5 * 60_000);
  });

  it('exposes the remaining daily and minutely calls', async () => {
    const exact = await t.connectedClient({}, await createApp(t, { minutelyLimit: 60, dailyLimit: 5000 }));
    await exact.division(division).query(accounts).select('ID').first();
    const limits = await exact.division(division).rateLimits();
    expect(limits.daily).toMatchObject({ limit: 5000, remaining: 4999 });
    expect(limits.minutely).toMatchObject({ limit: 60, remaining: 59 });
    expect((limits.minutely?.resetAt ?? 0) % 60_000).toBe(0);
  });

  it('on a 429 waits for the reset the headers announce and retries', async () => {
    const app = await createApp(t, { minutelyLimit: 5 });
    const hog = await t.connectedClient({ rateBudget: new MemoryRateBudget() }, app);
    const other = await t.connectedClient({ rateBudget: new MemoryRateBudget() }, app);
    // Start from a fresh minute so both clients share one window.
    await t.advance(60_000 - (t.clock.now() % 60_000));
    for (let call = 0; call < 5; call++) await hog.division(division).query(accounts).select('ID').first();
    const before = await rateLimited();
    const start = t.clock.now();
    const row = await other.division(division).query(accounts).select('ID').first();
    expect(row?.ID).toBeTruthy();
    expect((await rateLimited()) - before).toBe(1);
    expect(t.clock.now()).toBeGreaterThanOrEqual(Math.floor(start / 60_000) * 60_000 + 60_000);
  });

  it('books calls after a reset in the next window before any answer reports it: no burst, no 429', async () => {
    const app = await createApp(t, { minutelyLimit: 5 });
    // Two processes sharing one budget (the hub's is a table every process reads). A call
    // that would have to wait is refused at once, so no sleep moves the simulated clock.
    const budget = new MemoryRateBudget();
    const first = await t.connectedClient({ rateBudget: budget, maxRateWaitMs: 0 }, app);
    const second = await t.connectedClient({ rateBudget: budget, maxRateWaitMs: 0 }, app);
    await t.advance(60_000 - (t.clock.now() % 60_000) + 10_000);
    for (let call = 0; call < 5; call++) await first.division(division).query(accounts).select('ID').first();
    // The window the budget knows ends; nothing has reported the next one yet.
    await t.advance(60_000);
    const before = await t.stats();
    const reads = await Promise.allSettled(
      Array.from({ length: 12 }, (_, call) =>
        (call % 2 === 0 ? first : second).division(division).query(accounts).select('ID').first(),
      ),
    );
    const refused = reads.filter((read) => read.status === 'rejected').map((read) => read.reason);
    expect(reads.filter((read) => read.status === 'fulfilled')).toHaveLength(5);
    expect(refused.map((error) => (error as ExactRateLimitError).code)).toEqual(
      Array(7).fill('rate_limit_wait_too_long'),
    );
    const after = await t.stats();
    expect(after.api.rateLimited - before.api.rateLimited).toBe(0);
    expect(after.api.calls - before.api.calls).toBe(5);
  });

  it('starts no call in the last seconds of a window, where it could count in either', async () => {
    let now = Date.parse('2026-06-15T10:00:59.000Z');
    const waits: number[] = [];
    const governor = new RateGovernor({
      budget: new MemoryRateBudget(),
      clientId: 'app',
      clock: { now: () => now },
      sleep: async (ms) => {
        waits.push(ms);
        now += ms;
      },
    });
    const reset = Date.parse('2026-06-15T10:01:00Z');
    const headers = new Headers({
      Date: new Date(now).toUTCString(),
      'X-RateLimit-Minutely-Limit': '60',
      'X-RateLimit-Minutely-Remaining': '40',
      'X-RateLimit-Minutely-Reset': String(reset),
    });
    await governor.observe(7, 200, headers);
    await governor.acquire(7, true);
    expect(waits).toHaveLength(1);
    expect(governor.serverNow()).toBeGreaterThanOrEqual(reset);
    expect((await governor.limits(7)).minutely).toEqual({
      limit: 60,
      remaining: 59,
      resetAt: reset + 60_000,
    });
  });

  it('sends one call first while the budget is unknown; the others wait for its answer', async () => {
    const now = Date.parse('2026-06-15T10:00:10Z');
    const governor = frozenGovernor(now);
    await governor.acquire(7, false);
    let others = 0;
    const waiting = Promise.all(
      [1, 2, 3].map(() =>
        governor.acquire(7, false).then(() => {
          others++;
        }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(others).toBe(0);
    await governor.observe(
      7,
      200,
      new Headers({
        Date: new Date(now).toUTCString(),
        'X-RateLimit-Minutely-Limit': '60',
        'X-RateLimit-Minutely-Remaining': '59',
        'X-RateLimit-Minutely-Reset': String(Date.parse('2026-06-15T10:01:00Z')),
      }),
    );
    await waiting;
    expect(others).toBe(3);
    expect((await governor.limits(7)).minutely?.remaining).toBe(56);
  });

  it('counts a call booked in the last seconds of a window against the next one too', async () => {
    let now = Date.parse('2026-06-15T10:00:56.500Z');
    const governor = new RateGovernor({
      budget: new MemoryRateBudget(),
      clientId: 'app',
      clock: { now: () => now },
      sleep: async (ms) => {
        now += ms;
      },
    });
    const reset = Date.parse('2026-06-15T10:01:00Z');
    await governor.observe(
      7,
      200,
      new Headers({
        Date: new Date(now).toUTCString(),
        'X-RateLimit-Minutely-Limit': '60',
        'X-RateLimit-Minutely-Remaining': '40',
        'X-RateLimit-Minutely-Reset': String(reset),
      }),
    );
    await governor.acquire(7, true);
    now = reset + 1_000;
    // It may have reached Exact after the reset: the new minute starts with 59, not 60.
    expect((await governor.limits(7)).minutely).toEqual({
      limit: 60,
      remaining: 59,
      resetAt: reset + 60_000,
    });
    await governor.acquire(7, true);
    expect((await governor.limits(7)).minutely?.remaining).toBe(58);
  });

  it("takes the server's time from the closest of the recent Date headers (whole seconds)", async () => {
    let now = Date.parse('2026-06-15T10:00:10.900Z');
    const governor = new RateGovernor({
      budget: new MemoryRateBudget(),
      clientId: 'app',
      clock: { now: () => now },
      sleep: async () => {},
    });
    const answerAt = (serverTime: number) =>
      governor.observe(7, 200, new Headers({ Date: new Date(serverTime).toUTCString() }));
    // The server's clock equals ours; its headers say 10:00:10, then 10:00:11 at 11.05.
    await answerAt(now);
    expect(now - governor.serverNow()).toBe(900);
    now = Date.parse('2026-06-15T10:00:11.050Z');
    await answerAt(now);
    expect(now - governor.serverNow()).toBe(50);
    // A later header stamped early in its second does not make the estimate worse.
    now = Date.parse('2026-06-15T10:00:12.700Z');
    await answerAt(now);
    expect(now - governor.serverNow()).toBe(50);
    // A minute later without a confirmation, a lower bound is believed (the local clock stepped).
    now += 61_000;
    await answerAt(now - 5_000);
    expect(now - governor.serverNow()).toBeGreaterThanOrEqual(5_000);
  });

  it('keeps the later window when an answer from the earlier one arrives late', async () => {
    const now = Date.parse('2026-06-15T10:01:05Z');
    const governor = new RateGovernor({
      budget: new MemoryRateBudget(),
      clientId: 'app',
      clock: { now: () => now },
      sleep: async () => {},
    });
    const answer = (remaining: number, reset: string) =>
      new Headers({
        Date: new Date(now).toUTCString(),
        'X-RateLimit-Minutely-Limit': '60',
        'X-RateLimit-Minutely-Remaining': String(remaining),
        'X-RateLimit-Minutely-Reset': String(Date.parse(reset)),
      });
    await governor.observe(7, 200, answer(20, '2026-06-15T10:02:00Z'));
    await governor.observe(7, 200, answer(55, '2026-06-15T10:01:00Z'));
    expect((await governor.limits(7)).minutely).toEqual({
      limit: 60,
      remaining: 20,
      resetAt: Date.parse('2026-06-15T10:02:00Z'),
    });
  });

  it("books current/Me in the user's current division, where Exact counts it: no 429", async () => {
    const app = await createApp(t, { minutelyLimit: 5 });
    // A call that would have to wait is refused at once, so no sleep moves the simulated clock.
    const exact = await t.connectedClient({ maxRateWaitMs: 0 }, app);
    await t.advance(60_000 - (t.clock.now() % 60_000) + 10_000);
    const read = () => exact.division(division).query(accounts).select('ID').first();
    await read();
    // The first answer names the current division; the second call is booked there.
    expect((await exact.me()).CurrentDivision).toBe(division);
    await exact.me();
    const before = await t.stats();
    const reads = await Promise.allSettled([read(), read(), read(), read()]);
    expect(reads.filter((result) => result.status === 'fulfilled')).toHaveLength(2);
    expect((await t.stats()).api.rateLimited - before.api.rateLimited).toBe(0);
    expect((await exact.division(division).rateLimits()).minutely?.remaining).toBe(0);
  });

  it('sends one current/Me first while its division is unknown; the others book where it names', async () => {
    const now = Date.parse('2026-06-15T10:00:10Z');
    const governor = frozenGovernor(now);
    expect(await governor.acquire(null, false)).toBeNull();
    const others = Promise.all([governor.acquire(null, false), governor.acquire(null, false)]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await governor.chargeMeTo(
      7,
      new Headers({
        Date: new Date(now).toUTCString(),
        'X-RateLimit-Minutely-Limit': '60',
        'X-RateLimit-Minutely-Remaining': '59',
        'X-RateLimit-Minutely-Reset': String(Date.parse('2026-06-15T10:01:00Z')),
      }),
    );
    expect(await others).toEqual([7, 7]);
    expect((await governor.limits(7)).minutely?.remaining).toBe(57);
  });

  it('refuses background calls below the daily reserve, serves interactive ones', async () => {
    const app = await createApp(t, { dailyLimit: 10 });
    const background = await t.connectedClient({ dailyReserve: 5 }, app);
    const read = () =>
      background.division(division, { background: true }).query(accounts).select('ID').first();
    for (let call = 0; call < 5; call++) await read();
    const error = await read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExactRateLimitError);
    expect((error as ExactRateLimitError).code).toBe('daily_reserve_reached');
    expect((error as ExactRateLimitError).resetAt).toBeGreaterThan(t.clock.now());
    expect(await background.division(division).query(accounts).select('ID').first()).toBeDefined();
    expect((await background.division(division).rateLimits()).daily?.remaining).toBe(4);
  });

  it('stops interactive calls too once the daily limit is used up, with the reset time', async () => {
    const exact = await t.connectedClient({}, await createApp(t, { dailyLimit: 3 }));
    for (let call = 0; call < 3; call++) await exact.division(division).query(accounts).select('ID').first();
    const before = (await t.stats()).api.calls;
    const error = await exact
      .division(division)
      .query(accounts)
      .first()
      .catch((e: unknown) => e);
    expect((error as ExactRateLimitError).code).toBe('daily_limit_reached');
    expect(new Date((error as ExactRateLimitError).resetAt ?? 0).toISOString()).toBe(
      '2026-06-16T00:00:00.000Z',
    );
    expect((await t.stats()).api.calls).toBe(before);
  });
});
