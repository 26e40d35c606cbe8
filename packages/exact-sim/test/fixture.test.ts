import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExactSim, SettingsError, startExactSim } from '../src/index.ts';

describe('startExactSim, the test fixture', () => {
  let sim: ExactSim;

  beforeAll(async () => {
    sim = await startExactSim({
      divisions: [
        { code: 700001, description: 'Fixture BV', volumes: { accounts: 3 } },
        { code: 700002, description: 'Other BV', country: 'BE' },
      ],
      consent: [700001],
      clock: { frozen: true, start: '2026-03-02T09:00:00Z' },
    });
  });
  afterAll(() => sim.stop());

  it('listens on a free port and hands out an authorized client scoped to the consented divisions', async () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.url).not.toBe('http://127.0.0.1:5080');
    expect(sim.client.divisions).toEqual([700001]);
    const { tokens } = sim.client;
    expect(tokens.obtainedAt).toBe(Date.parse('2026-03-02T09:00:00Z'));
    expect(tokens.expiresAt - tokens.obtainedAt).toBe(600_000);

    const read = (division: number) =>
      fetch(`${sim.url}/api/v1/${division}/crm/Accounts?$select=ID,Name`, {
        headers: { Authorization: `Bearer ${tokens.accessToken}`, Accept: 'application/json' },
      });
    const inScope = await read(700001);
    expect(inScope.status).toBe(200);
    const body = (await inScope.json()) as { d: { results: unknown[] } | unknown[] };
    const rows = Array.isArray(body.d) ? body.d : body.d.results;
    expect(rows).toHaveLength(3);
    expect((await read(700002)).headers.get('reason')).toBe('DivisionNotInScope');
  });

  it('gives codes that the default app exchanges once, and a refresh token that works', async () => {
    const code = await sim.authorizationCode();
    const exchange = () =>
      fetch(`${sim.url}/api/oauth2/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: sim.client.redirectUri,
          client_id: sim.client.clientId,
          client_secret: sim.client.clientSecret,
        }),
      });
    expect((await exchange()).status).toBe(200);
    expect((await exchange()).status).toBe(400);

    sim.simulator.clock.advance(600_000);
    const refreshed = await fetch(`${sim.url}/api/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: sim.client.tokens.refreshToken,
        client_id: sim.client.clientId,
        client_secret: sim.client.clientSecret,
      }),
    });
    expect(refreshed.status).toBe(200);
  });

  it('refuses invalid options with the path of the bad setting, leaving no server behind', async () => {
    await expect(startExactSim({ divisions: [] })).rejects.toThrow(SettingsError);
    await expect(startExactSim({ divisions: [] })).rejects.toThrow(/defaultDivisions/);
  });

  it('stops: the port no longer answers', async () => {
    const other = await startExactSim();
    expect(other.client.divisions).toEqual(other.simulator.defaults.divisions);
    await other.stop();
    await expect(fetch(`${other.url}/_sim/info`)).rejects.toThrow();
  });
});

it("the README's Vitest example is test/readme-vitest.test.ts, which runs", async () => {
  const readme = await readFile(join(import.meta.dirname, '..', 'README.md'), 'utf8');
  const block = /### Vitest\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  const example = await readFile(join(import.meta.dirname, 'readme-vitest.test.ts'), 'utf8');
  expect(block).toBeDefined();
  expect(example.split('\n').slice(1).join('\n')).toBe(block);
});
