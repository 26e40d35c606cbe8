// --state FILE: a restarted simulator keeps apps, users, divisions' changes, tokens, webhook
// subscriptions and the clock, so an authorized connection keeps working.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StateFileError } from '../src/index.ts';
import type { RunningSimulator } from '../src/simulator.ts';
import { startReceiver } from './support/receiver.ts';
import { advance, api, connect, control, eventually, refreshGrant, startTestSim } from './support/sim.ts';

const dir = mkdtempSync(join(tmpdir(), 'exact-sim-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Collection = { d: Record<string, unknown>[] | { results: Record<string, unknown>[] } };
const rowsOf = (body: Collection) => (Array.isArray(body.d) ? body.d : body.d.results);

describe('--state FILE', () => {
  it('restarts with tokens, refresh chain, records, subscriptions, apps and the clock kept', async () => {
    const file = join(dir, 'nested', 'state.json');
    const hooks = await startReceiver();
    let sim: RunningSimulator | undefined = await startTestSim({ stateFile: file });
    try {
      expect(existsSync(file)).toBe(true);
      const div = sim.defaults.divisions[0]!;
      const tokens = await connect(sim);
      const created = await api(sim, tokens.access_token, `${div}/crm/Accounts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', prefer: 'return=representation' },
        body: JSON.stringify({ Name: 'Restart Proof BV', City: 'Zwolle' }),
      });
      expect(created.status).toBe(201);
      const newId = ((await created.json()) as { d: { ID: string } }).d.ID;
      const list = rowsOf(
        (await (
          await api(sim, tokens.access_token, `${div}/crm/Accounts?$select=ID,Name&$top=3`)
        ).json()) as Collection,
      );
      const [victim, renamed] = list.filter((row) => row.ID !== newId) as { ID: string }[];
      expect(
        (
          await api(sim, tokens.access_token, `${div}/crm/Accounts(guid'${renamed!.ID}')`, {
            method: 'PUT',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ Name: 'Renamed Before Restart' }),
          })
        ).status,
      ).toBe(204);
      expect(
        (
          await api(sim, tokens.access_token, `${div}/crm/Accounts(guid'${victim!.ID}')`, {
            method: 'DELETE',
          })
        ).status,
      ).toBe(204);
      const subscribed = await api(sim, tokens.access_token, `${div}/webhooks/WebhookSubscriptions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ CallbackURL: hooks.url, Topic: 'Accounts' }),
      });
      expect(subscribed.status).toBe(201);
      const app = await control(sim, 'POST', 'apps', {
        name: 'Kept App',
        redirectUri: 'http://127.0.0.1:9/cb',
      });
      await advance(sim, 60_000);
      const clockBefore = sim.clock.now();
      await sim.close();
      sim = undefined;
      expect(readdirSync(join(dir, 'nested'))).toEqual(['state.json']);

      sim = await startTestSim({ stateFile: file });
      expect(sim.clock.now()).toBe(clockBefore);
      expect(sim.defaults.divisions).toContain(div);
      // The access token issued before the restart still works, and sees the changes.
      const kept = await api(
        sim,
        tokens.access_token,
        `${div}/crm/Accounts(guid'${newId}')?$select=Name,City`,
      );
      expect(kept.status).toBe(200);
      expect(((await kept.json()) as { d: Record<string, unknown> }).d).toMatchObject({
        Name: 'Restart Proof BV',
        City: 'Zwolle',
      });
      const renamedAfter = await api(
        sim,
        tokens.access_token,
        `${div}/crm/Accounts(guid'${renamed!.ID}')?$select=Name`,
      );
      expect(((await renamedAfter.json()) as { d: { Name: string } }).d.Name).toBe('Renamed Before Restart');
      expect((await api(sim, tokens.access_token, `${div}/crm/Accounts(guid'${victim!.ID}')`)).status).toBe(
        404,
      );
      const deleted = rowsOf(
        (await (
          await api(sim, tokens.access_token, `${div}/sync/Deleted?$select=EntityKey&$filter=Timestamp gt 0L`)
        ).json()) as Collection,
      );
      expect(deleted.map((row) => row.EntityKey)).toContain(victim!.ID);
      // The refresh chain continues: the refresh token issued before the restart is the current one.
      await advance(sim, 570_000);
      const refreshed = await refreshGrant(sim, tokens.refresh_token);
      expect(refreshed.status).toBe(200);
      const next = (await refreshed.json()) as { access_token: string };
      expect((await api(sim, next.access_token, `${div}/crm/Accounts?$select=ID&$top=1`)).status).toBe(200);
      // Subscriptions and registered apps survive; a change is still delivered.
      const subs = rowsOf(
        (await (
          await api(sim, next.access_token, `${div}/webhooks/WebhookSubscriptions?$select=ID,CallbackURL`)
        ).json()) as Collection,
      );
      expect(subs.map((row) => row.CallbackURL)).toEqual([hooks.url]);
      const info = await control<{ apps: { name: string; clientId: string }[] }>(sim, 'GET', 'info');
      expect(info.body.apps.map((a) => a.clientId)).toContain((app.body as { clientId: string }).clientId);
      const seen = hooks.received.length;
      await control(sim, 'POST', 'mutations', { division: div, entity: 'crm/Accounts', updates: 1 });
      await eventually(() => (hooks.received.length > seen ? true : undefined));
    } finally {
      await sim?.close();
      await hooks.close();
    }
  });

  it('saves changes shortly after they happen, not only on stop', async () => {
    const file = join(dir, 'debounced.json');
    const sim = await startTestSim({ stateFile: file, stateSaveDelayMs: 10 });
    try {
      await control(sim, 'POST', 'apps', { name: 'Saved Soon', redirectUri: 'http://127.0.0.1:9/cb' });
      await eventually(() => (readFileSync(file, 'utf8').includes('Saved Soon') ? true : undefined));
    } finally {
      await sim.close();
    }
  });

  it('refuses a damaged state file or one written with another seed, and leaves it alone', async () => {
    const damaged = join(dir, 'damaged.json');
    writeFileSync(damaged, '{"format":"exact-sim-state",');
    await expect(startTestSim({ stateFile: damaged })).rejects.toThrow(StateFileError);
    await expect(startTestSim({ stateFile: damaged })).rejects.toThrow(/is not valid JSON/);
    expect(readFileSync(damaged, 'utf8')).toBe('{"format":"exact-sim-state",');

    const misfit = join(dir, 'misfit.json');
    const fitting = await startTestSim({ stateFile: misfit });
    await fitting.close();
    const saved = JSON.parse(readFileSync(misfit, 'utf8')) as {
      dataPlane: { divisions: { tables: Record<string, unknown> }[] };
    };
    saved.dataPlane.divisions[0]!.tables['no/SuchTable'] = {
      firstTimestamp: 1,
      size: 0,
      log: [],
      written: [],
      deleted: [],
    };
    writeFileSync(misfit, JSON.stringify(saved));
    await expect(startTestSim({ stateFile: misfit })).rejects.toThrow(
      /does not fit this simulator \(Saved division \d+ has a table no\/SuchTable/,
    );

    const seeded = join(dir, 'seeded.json');
    const sim = await startTestSim({ stateFile: seeded, seed: 5 });
    await sim.close();
    await expect(startTestSim({ stateFile: seeded, seed: 6 })).rejects.toThrow(
      /seed 5, this one has seed 6: start with --seed 5/,
    );
  });
});
