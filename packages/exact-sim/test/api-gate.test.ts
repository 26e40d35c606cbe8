import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../src/simulator.ts';
import { ACCOUNTS, advance, api, connect, control, startTestSim, type TokenBody } from './support/sim.ts';

let sim: RunningSimulator;
let tokens: TokenBody;
let div1: number;
let div2: number;

beforeAll(async () => {
  sim = await startTestSim();
  [div1, div2] = sim.defaults.divisions as [number, number];
  tokens = await connect(sim, { divisions: [div1] });
});
afterAll(() => sim.close());

const errorValue = async (res: Response) =>
  ((await res.json()) as { error: { message: { value: string } } }).error.message.value;

describe('authentication', () => {
  it("answers 401 with a Reason header and Exact's error body without a bearer token", async () => {
    const res = await api(sim, undefined, `${div1}/crm/Accounts`);
    expect(res.status).toBe(401);
    expect(res.headers.get('reason')).toBe('AccessTokenMissing');
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(await errorValue(res)).toContain('Authorization: Bearer');
  });

  it('answers 401 for an unknown token and for an expired one', async () => {
    const unknown = await api(sim, 'gAAAAnot-a-token', `${div1}/crm/Accounts`);
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('reason')).toBe('AccessTokenInvalid');

    const own = await connect(sim);
    await advance(sim, 600_000);
    const expired = await api(sim, own.access_token, 'current/Me');
    expect(expired.status).toBe(401);
    expect(expired.headers.get('reason')).toBe('AccessTokenExpired');
    tokens = await connect(sim, { divisions: [div1] });
  });

  it('stamps every response with a Date header from the simulated clock', async () => {
    const res = await api(sim, tokens.access_token, 'current/Me');
    expect(res.status).toBe(200);
    expect(Date.parse(res.headers.get('date')!)).toBe(Math.floor(sim.clock.now() / 1000) * 1000);
    expect(new Date(res.headers.get('date')!).getUTCFullYear()).toBe(2023);
  });
});

describe('Accept header', () => {
  it('answers 406 with a clear message without Accept: application/json', async () => {
    const res = await api(sim, tokens.access_token, `${div1}/crm/Accounts`, {
      headers: { accept: 'application/xml' },
    });
    expect(res.status).toBe(406);
    expect(await errorValue(res)).toContain('Accept: application/json');
  });

  it('serves …/$count without the Accept header as plain text', async () => {
    const res = await api(sim, tokens.access_token, `${div1}/crm/Accounts/$count`, {
      headers: { accept: 'text/plain' },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(String(ACCOUNTS));
  });
});

describe('division access', () => {
  it('passes the caller and the request to the data plane', async () => {
    const res = await api(sim, tokens.access_token, 'current/Me');
    const body = (await res.json()) as { d: { results: { CurrentDivision: number }[] } };
    expect(body.d.results[0]!.CurrentDivision).toBe(div1);
  });

  it('answers 403 NoDivisionAccess for a division outside the user licence', async () => {
    const res = await api(sim, tokens.access_token, '424242/crm/Accounts');
    expect(res.status).toBe(403);
    expect(res.headers.get('reason')).toBe('NoDivisionAccess');
  });

  it('answers 403 "not within division scope" for a licensed division the consent left out', async () => {
    const res = await api(sim, tokens.access_token, `${div2}/crm/Accounts`);
    expect(res.status).toBe(403);
    expect(await errorValue(res)).toBe('Forbidden - User division is not within division scope');
    expect(res.headers.get('reason')).toBe('DivisionNotInScope');
  });

  it('answers DivisionBlocked, BlockedUser and LicenseExpired when switched on through the control API', async () => {
    const username = encodeURIComponent(sim.defaults.user.username);
    const cases: [string, Record<string, unknown>, string][] = [
      [`divisions/${div1}`, { blocked: true }, 'DivisionBlocked'],
      [`users/${username}`, { blocked: true }, 'BlockedUser'],
      [`users/${username}`, { licenseExpired: true }, 'LicenseExpired'],
    ];
    for (const [path, body, reason] of cases) {
      expect((await control(sim, 'PATCH', path, body)).status).toBe(200);
      const res = await api(sim, tokens.access_token, `${div1}/crm/Accounts`);
      expect(res.status).toBe(403);
      expect(res.headers.get('reason')).toBe(reason);
      const off = Object.fromEntries(Object.keys(body).map((key) => [key, false]));
      await control(sim, 'PATCH', path, off);
    }
    expect((await api(sim, tokens.access_token, `${div1}/crm/Accounts`)).status).toBe(200);
  });

  it('answers 404 for paths that are neither current/Me nor a division', async () => {
    const res = await api(sim, tokens.access_token, 'crm/Accounts');
    expect(res.status).toBe(404);
  });
});

describe('injected faults', () => {
  it('fails the configured share of calls with the configured status and adds latency', async () => {
    await control(sim, 'POST', 'faults', { errorRate: 1, status: 503, latencyMs: 60 });
    const started = performance.now();
    const res = await api(sim, tokens.access_token, `${div1}/crm/Accounts`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    expect(res.status).toBe(503);
    expect(res.headers.get('x-ratelimit-remaining')).not.toBeNull();
    await control(sim, 'DELETE', 'faults');
    expect((await api(sim, tokens.access_token, `${div1}/crm/Accounts`)).status).toBe(200);
    const stats = await control<{ faults: { injectedErrors: number } }>(sim, 'GET', 'stats');
    expect(stats.body.faults.injectedErrors).toBe(1);
  });
});
