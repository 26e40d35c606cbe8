import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../src/simulator.ts';
import { api, connect, control, START, startTestSim } from './support/sim.ts';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startTestSim();
});
afterAll(() => sim.close());

interface Info {
  apps: { clientId: string; clientSecret: string; webhookSecret: string; redirectUri: string }[];
  users: { username: string; password: string; divisions: number[]; id: string }[];
  divisions: { code: number; description: string; blocked: boolean; blockingStatus: number }[];
}

describe('control API', () => {
  it('shows apps with secrets, users and divisions', async () => {
    const info = await control<Info>(sim, 'GET', 'info');
    expect(info.status).toBe(200);
    expect(info.body.apps[0]).toMatchObject(sim.defaults.app);
    expect(info.body.users[0]).toMatchObject({ ...sim.defaults.user, divisions: sim.defaults.divisions });
    expect(info.body.divisions.map((d) => d.code)).toEqual(sim.defaults.divisions);
  });

  it('creates apps, divisions and users, and the new user can connect to the new division', async () => {
    const app = await control<{ clientId: string; clientSecret: string; webhookSecret: string }>(
      sim,
      'POST',
      'apps',
      {
        name: 'Integrator',
        redirectUri: 'https://hub.example/cb',
        clientId: 'f3a0b9a4-1111-4222-8333-944445555666',
      },
    );
    expect(app.status).toBe(201);
    expect(app.body.clientId).toBe('f3a0b9a4-1111-4222-8333-944445555666');
    expect(app.body.clientSecret.length).toBeGreaterThan(10);
    expect(app.body.webhookSecret.length).toBeGreaterThan(10);

    const division = await control<{ code: number; description: string; country: string }>(
      sim,
      'POST',
      'divisions',
      {
        description: 'Nieuwe BV',
        country: 'BE',
      },
    );
    expect(division.status).toBe(201);
    expect(division.body).toMatchObject({ description: 'Nieuwe BV', country: 'BE' });

    const user = await control<{ username: string; divisions: number[] }>(sim, 'POST', 'users', {
      username: 'accountant@x.test',
      password: 'secret',
      fullName: 'A. Accountant',
      divisions: [division.body.code],
    });
    expect(user.status).toBe(201);

    const tokens = await connect(sim, {
      clientId: app.body.clientId,
      clientSecret: app.body.clientSecret,
      redirectUri: 'https://hub.example/cb',
      username: 'accountant@x.test',
      password: 'secret',
    });
    expect((await api(sim, tokens.access_token, `${division.body.code}/crm/Accounts`)).status).toBe(200);
    expect((await api(sim, tokens.access_token, `${sim.defaults.divisions[0]}/crm/Accounts`)).status).toBe(
      403,
    );
  });

  it('grants a new division to listed users', async () => {
    const created = await control<{ code: number }>(sim, 'POST', 'divisions', {
      code: 777001,
      description: 'Shared',
      users: [sim.defaults.user.username],
    });
    expect(created.status).toBe(201);
    const info = await control<Info>(sim, 'GET', 'info');
    const defaultUser = info.body.users.find((u) => u.username === sim.defaults.user.username)!;
    expect(defaultUser.divisions).toContain(777001);
    const again = await control(sim, 'POST', 'divisions', { code: 777001, description: 'Twice' });
    expect(again.status).toBe(409);
  });

  it('answers 400 with a clear message for bad input', async () => {
    const cases: [string, string, unknown, RegExp][] = [
      ['POST', 'apps', { name: 'x' }, /"redirectUri" is required/],
      ['POST', 'apps', { name: 'x', redirectUri: 'not a url' }, /absolute URL/],
      [
        'POST',
        'apps',
        { name: 'x', redirectUri: 'http://a/b', minutelyLimit: 0 },
        /"minutelyLimit" must be an integer from 1/,
      ],
      ['POST', 'apps', { name: 'x', redirectUri: 'http://a/b', colour: 'red' }, /Unknown field "colour"/],
      ['POST', 'users', { username: 'u', password: 'p', divisions: [] }, /"divisions" is required/],
      ['POST', 'users', { username: 'u', password: 'p', divisions: [5] }, /division 5, which does not exist/],
      ['POST', 'divisions', { description: 'x', country: 'nl' }, /two-letter upper-case/],
      ['POST', 'divisions', { description: 'x', volumes: { planets: 3 } }, /unknown entity/],
      ['POST', 'divisions', { description: 'x', volumes: { accounts: 2_000_000 } }, /between 0 and 1000000/],
      ['POST', 'clock', { advanceMs: -5 }, /"advanceMs" must be an integer from 0/],
      ['POST', 'clock', { set: '2001-01-01T00:00:00Z' }, /only moves forward/],
      ['POST', 'clock', {}, /exactly one of/],
      ['POST', 'mutations', { division: 100001, entity: 'crm/Planets', creates: 1 }, /crm\/Planets/],
      ['POST', 'faults', { errorRate: 2 }, /"errorRate" must be a number from 0 to 1/],
      ['POST', 'faults', '{not json', /not valid JSON/],
    ];
    for (const [method, path, body, message] of cases) {
      const res = await control<{ error: { code: string; message: string } }>(sim, method, path, body);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
      expect(res.body.error.message).toMatch(message);
    }
    const duplicate = await control(sim, 'POST', 'apps', {
      name: 'dup',
      redirectUri: 'http://a/b',
      clientId: sim.defaults.app.clientId,
    });
    expect(duplicate.status).toBe(409);
    expect((await control(sim, 'GET', 'nothing-here')).status).toBe(404);
  });

  it('shows a division blocked through PATCH /_sim/divisions with BlockingStatus 1 in system/Divisions and AllDivisions', async () => {
    const [open, blocked] = sim.defaults.divisions as [number, number];
    const { access_token } = await connect(sim);
    const blockingStatus = async (resource: string) => {
      const res = await api(sim, access_token, `${open}/system/${resource}?$select=Code,BlockingStatus`);
      expect(res.status).toBe(200);
      const rows = ((await res.json()) as { d: { results: { Code: number; BlockingStatus: number }[] } }).d
        .results;
      return Object.fromEntries(rows.map((row) => [row.Code, row.BlockingStatus]));
    };
    expect(await blockingStatus('Divisions')).toMatchObject({ [open]: 0, [blocked]: 0 });

    const patched = await control(sim, 'PATCH', `divisions/${blocked}`, { blocked: true });
    expect(patched.body).toMatchObject({ code: blocked, blocked: true, blockingStatus: 1 });
    try {
      expect(await blockingStatus('Divisions')).toMatchObject({ [open]: 0, [blocked]: 1 });
      expect(await blockingStatus('AllDivisions')).toMatchObject({ [open]: 0, [blocked]: 1 });
      const info = await control<Info>(sim, 'GET', 'info');
      expect(info.body.divisions.find((d) => d.code === blocked)).toMatchObject({
        blocked: true,
        blockingStatus: 1,
      });
      const refused = await api(sim, access_token, `${blocked}/crm/Accounts`);
      expect(refused.headers.get('reason')).toBe('DivisionBlocked');
    } finally {
      const unblocked = await control(sim, 'PATCH', `divisions/${blocked}`, { blocked: false });
      expect(unblocked.body).toMatchObject({ blocked: false, blockingStatus: 0 });
    }
    expect(await blockingStatus('AllDivisions')).toMatchObject({ [open]: 0, [blocked]: 0 });
  });

  it('shows and moves the clock', async () => {
    const before = await control<{ now: number; iso: string; frozen: boolean }>(sim, 'GET', 'clock');
    expect(before.body.frozen).toBe(true);
    expect(before.body.now).toBeGreaterThanOrEqual(START);
    const advanced = await control<{ now: number }>(sim, 'POST', 'clock', { advanceMs: 1500 });
    expect(advanced.body.now).toBe(before.body.now + 1500);
    const set = await control<{ iso: string }>(sim, 'POST', 'clock', { set: '2030-01-01T00:00:00.000Z' });
    expect(set.body.iso).toBe('2030-01-01T00:00:00.000Z');
    const setMs = await control<{ now: number }>(sim, 'POST', 'clock', {
      setMs: Date.parse('2030-01-02T00:00:00Z'),
    });
    expect(setMs.body.now).toBe(Date.parse('2030-01-02T00:00:00Z'));
  });

  it('counts calls per client, division and endpoint', async () => {
    const tokens = await connect(sim);
    const division = sim.defaults.divisions[0]!;
    const before = (await control<{ api: { byEndpoint: Record<string, number> } }>(sim, 'GET', 'stats')).body
      .api;
    await api(sim, tokens.access_token, `${division}/crm/Accounts`);
    await api(
      sim,
      tokens.access_token,
      `${division}/crm/Accounts(guid'00000000-0000-0000-0000-000000000001')`,
    );
    const stats = await control<{
      api: {
        byClient: Record<string, number>;
        byDivision: Record<string, number>;
        byEndpoint: Record<string, number>;
      };
      token: { calls: number; byGrantType: Record<string, number> };
    }>(sim, 'GET', 'stats');
    expect(stats.body.api.byEndpoint['GET crm/Accounts']).toBe(
      (before.byEndpoint['GET crm/Accounts'] ?? 0) + 2,
    );
    expect(stats.body.api.byClient[sim.defaults.app.clientId]).toBeGreaterThanOrEqual(2);
    expect(stats.body.api.byDivision[String(division)]).toBeGreaterThanOrEqual(2);
    expect(stats.body.token.byGrantType.authorization_code).toBeGreaterThanOrEqual(1);
  });

  it('resets to the start-up state', async () => {
    const tokens = await connect(sim);
    await control(sim, 'POST', 'users', {
      username: 'temp@x.test',
      password: 'p',
      divisions: [sim.defaults.divisions[0]],
    });
    await control(sim, 'POST', 'faults', { latencyMs: 5 });
    const clockBefore = sim.clock.now();
    const reset = await control(sim, 'POST', 'reset');
    expect(reset.status).toBe(200);
    const info = await control<Info>(sim, 'GET', 'info');
    expect(info.body.users.map((u) => u.username)).toEqual([sim.defaults.user.username]);
    expect(info.body.apps).toHaveLength(1);
    expect(info.body.divisions.map((d) => d.code)).toEqual(sim.defaults.divisions);
    expect((await control<{ latencyMs: number }>(sim, 'GET', 'faults')).body.latencyMs).toBe(0);
    expect((await control<{ api: { calls: number } }>(sim, 'GET', 'stats')).body.api.calls).toBe(0);
    expect((await api(sim, tokens.access_token, 'current/Me')).status).toBe(401);
    expect(sim.clock.now()).toBeGreaterThanOrEqual(clockBefore);
    // The default user keeps its id across resets (seeded).
    const again = await connect(sim);
    expect((await api(sim, again.access_token, 'current/Me')).status).toBe(200);
  });

  it('updates other contacts through /_sim/mutations when some point at a deleted account', async () => {
    const created = await control<{ code: number }>(sim, 'POST', 'divisions', {
      code: 777101,
      description: 'Orphans',
      volumes: { accounts: 3, contacts: 30 },
    });
    expect(created.status).toBe(201);
    const deleted = await control<{ deleted: string[] }>(sim, 'POST', 'mutations', {
      division: 777101,
      entity: 'crm/Accounts',
      deletes: 2,
    });
    expect(deleted.body.deleted).toHaveLength(2);
    const updated = await control<{ updated: string[] }>(sim, 'POST', 'mutations', {
      division: 777101,
      entity: 'crm/Contacts',
      updates: 10,
    });
    expect(updated.status).toBe(200);
    expect(updated.body.updated).toHaveLength(10);
  });
});

describe('control token', () => {
  it('requires Authorization: Bearer <controlToken> on /_sim when configured', async () => {
    const guarded = await startTestSim({ controlToken: 'let-me-in' });
    try {
      expect((await control(guarded, 'GET', 'info')).status).toBe(401);
      expect(
        (await control(guarded, 'GET', 'info', undefined, { authorization: 'Bearer wrong' })).status,
      ).toBe(401);
      expect(
        (await control(guarded, 'GET', 'info', undefined, { authorization: 'Bearer let-me-in' })).status,
      ).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});
