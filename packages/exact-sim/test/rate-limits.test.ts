import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../src/simulator.ts';
import { advance, api, connect, control, startTestSim } from './support/sim.ts';

const RATE_HEADERS = [
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'x-ratelimit-minutely-limit',
  'x-ratelimit-minutely-remaining',
  'x-ratelimit-minutely-reset',
];

const rateHeaders = (res: Response) =>
  Object.fromEntries(
    RATE_HEADERS.filter((name) => res.headers.has(name)).map((name) => [name, res.headers.get(name)]),
  );

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('rate limits', () => {
  it('sends the six headers with epoch-ms resets on the clock minute and 00:00 UTC', async () => {
    sim = await startTestSim();
    const { access_token } = await connect(sim);
    const res = await api(sim, access_token, `${sim.defaults.divisions[0]}/crm/Accounts`);
    expect(res.status).toBe(200);
    // Same instant as the real response in picqer/exact-php-client#609 (08:18:25 UTC).
    expect(rateHeaders(res)).toEqual({
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-reset': '1683936000000',
      'x-ratelimit-minutely-limit': '60',
      'x-ratelimit-minutely-remaining': '59',
      'x-ratelimit-minutely-reset': '1683879540000',
    });
  });

  it('answers 429 with only the minutely headers and an empty body after 60 calls in a minute', async () => {
    sim = await startTestSim();
    const { access_token } = await connect(sim);
    const path = `${sim.defaults.divisions[0]}/crm/Accounts`;
    for (let i = 0; i < 60; i++) expect((await api(sim, access_token, path)).status).toBe(200);
    const limited = await api(sim, access_token, path);
    expect(limited.status).toBe(429);
    expect(await limited.text()).toBe('');
    expect(rateHeaders(limited)).toEqual({
      'x-ratelimit-minutely-limit': '60',
      'x-ratelimit-minutely-remaining': '0',
      'x-ratelimit-minutely-reset': '1683879540000',
    });
    // Another division has its own budget.
    const other = await api(sim, access_token, `${sim.defaults.divisions[1]}/crm/Accounts`);
    expect(other.status).toBe(200);
    // The next clock minute (08:19:00) opens a new window; refused calls were not counted.
    await advance(sim, 35_000);
    const next = await api(sim, access_token, path);
    expect(next.status).toBe(200);
    expect(next.headers.get('x-ratelimit-minutely-remaining')).toBe('59');
    expect(next.headers.get('x-ratelimit-remaining')).toBe(String(5000 - 61));
    const stats = await control<{ api: { rateLimited: number; byDivision: Record<string, number> } }>(
      sim,
      'GET',
      'stats',
    );
    expect(stats.body.api.rateLimited).toBe(1);
    expect(stats.body.api.byDivision[String(sim.defaults.divisions[0])]).toBe(62);
  });

  it('answers 429 with only the daily headers when the day is used up, until 00:00 UTC', async () => {
    sim = await startTestSim();
    const app = await control<{ clientId: string; clientSecret: string; redirectUri: string }>(
      sim,
      'POST',
      'apps',
      {
        name: 'Small',
        redirectUri: 'http://127.0.0.1:4000/cb',
        dailyLimit: 3,
        minutelyLimit: 100,
      },
    );
    const flow = {
      clientId: app.body.clientId,
      clientSecret: app.body.clientSecret,
      redirectUri: app.body.redirectUri,
    };
    const { access_token } = await connect(sim, flow);
    const path = `${sim.defaults.divisions[0]}/crm/Accounts`;
    for (let i = 0; i < 3; i++) {
      const ok = await api(sim, access_token, path);
      expect(ok.headers.get('x-ratelimit-minutely-limit')).toBe('100');
    }
    const limited = await api(sim, access_token, path);
    expect(limited.status).toBe(429);
    expect(rateHeaders(limited)).toEqual({
      'x-ratelimit-limit': '3',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': '1683936000000',
    });
    await advance(sim, 1683936000000 - sim.clock.now() - 1000);
    // The token expired meanwhile: take a fresh one.
    const fresh = await connect(sim, flow);
    expect((await api(sim, fresh.access_token, path)).status).toBe(429);
    await advance(sim, 1000);
    const after = await api(sim, fresh.access_token, path);
    expect(after.status).toBe(200);
    expect(after.headers.get('x-ratelimit-remaining')).toBe('2');
    expect(after.headers.get('x-ratelimit-reset')).toBe(String(1683936000000 + 86_400_000));
  });

  it("counts current/Me against the user's current division", async () => {
    sim = await startTestSim({ rateLimits: { minutely: 2 } });
    const { access_token } = await connect(sim);
    expect((await api(sim, access_token, 'current/Me')).status).toBe(200);
    expect((await api(sim, access_token, `${sim.defaults.divisions[0]}/crm/Accounts`)).status).toBe(200);
    expect((await api(sim, access_token, 'current/Me')).status).toBe(429);
    expect((await api(sim, access_token, `${sim.defaults.divisions[1]}/crm/Accounts`)).status).toBe(200);
  });

  it('can be switched off globally: no limits, no headers', async () => {
    sim = await startTestSim({ rateLimits: { enabled: false, minutely: 1 } });
    const { access_token } = await connect(sim);
    for (let i = 0; i < 3; i++) {
      const res = await api(sim, access_token, 'current/Me');
      expect(res.status).toBe(200);
      expect(rateHeaders(res)).toEqual({});
    }
  });

  it('optionally blocks an endpoint after too many errors in an hour', async () => {
    sim = await startTestSim({ rateLimits: { errorBlock: { enabled: true, maxErrors: 3 } } });
    const { access_token } = await connect(sim);
    const missing = `${sim.defaults.divisions[0]}/crm/Nothing`;
    for (let i = 0; i < 3; i++) expect((await api(sim, access_token, missing)).status).toBe(404);
    const blocked = await api(sim, access_token, missing);
    expect(blocked.status).toBe(403);
    expect(blocked.headers.get('reason')).toBe('TooManyErrors');
    // Other endpoints are not affected; the block lifts after an hour.
    expect((await api(sim, access_token, `${sim.defaults.divisions[0]}/crm/Accounts`)).status).toBe(200);
    await advance(sim, 3_600_000);
    const fresh = await connect(sim);
    expect((await api(sim, fresh.access_token, missing)).status).toBe(404);
  });
});
