// The whole simulator as an integrator meets it: OAuth, the gate and the data plane
// behind it, paging links that point back at the simulator, writes that fire signed
// webhooks whose ExactOnlineEndpoint can be fetched, and deletes in sync/Deleted.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../src/simulator.ts';
import { type Receiver, startReceiver } from './support/receiver.ts';
import { api, connect, control, eventually, startTestSim, type TokenBody } from './support/sim.ts';
import {
  closeSimWithReceiver,
  type SimWithReceiver,
  startSimWithReceiver,
} from './support/sim-with-receiver.ts';

let setUp: SimWithReceiver;
let sim: RunningSimulator;
let receiver: Receiver;
let tokens: TokenBody;
let division: number;

beforeAll(async () => {
  setUp = await startSimWithReceiver();
  ({ sim, receiver, tokens, division } = setUp);
});
afterAll(() => closeSimWithReceiver(setUp));

interface Collection {
  d: { results: Record<string, unknown>[]; __next?: string };
}

describe('end to end', () => {
  it('lists the user and divisions through current/Me and system/Divisions', async () => {
    const me = (await (await api(sim, tokens.access_token, 'current/Me')).json()) as Collection;
    expect(me.d.results).toHaveLength(1);
    expect(me.d.results[0]).toMatchObject({
      CurrentDivision: division,
      UserName: sim.defaults.user.username,
    });
    const divisions = (await (
      await api(sim, tokens.access_token, `${division}/system/Divisions?$select=Code,Description`)
    ).json()) as Collection;
    expect(divisions.d.results.map((d) => d.Code).sort()).toEqual([...sim.defaults.divisions].sort());
  });

  it('pages a new division through absolute __next links, each call counted by the rate limiter', async () => {
    const created = await control<{ code: number }>(sim, 'POST', 'divisions', {
      description: 'Paging BV',
      volumes: { accounts: 130 },
      users: [sim.defaults.user.username],
    });
    expect(created.status).toBe(201);
    const code = created.body.code;
    const fresh = await connect(sim);
    const count = await api(sim, fresh.access_token, `${code}/crm/Accounts/$count`, {
      headers: { accept: '*/*' },
    });
    expect(await count.text()).toBe('130');

    let url: string | undefined = `${sim.url}/api/v1/${code}/crm/Accounts?$select=ID,Name`;
    const ids = new Set<string>();
    const remaining: string[] = [];
    while (url) {
      expect(url.startsWith(`${sim.url}/api/v1/${code}/`)).toBe(true);
      const res = await fetch(url, {
        headers: { accept: 'application/json', authorization: `Bearer ${fresh.access_token}` },
      });
      expect(res.status).toBe(200);
      remaining.push(res.headers.get('x-ratelimit-minutely-remaining')!);
      const page = (await res.json()) as Collection;
      for (const row of page.d.results) ids.add(row.ID as string);
      url = page.d.__next;
    }
    expect(ids.size).toBe(130);
    // $count plus three pages of at most 60 rows.
    expect(remaining).toEqual(['58', '57', '56']);
  });

  it('fires a signed webhook for an API write whose ExactOnlineEndpoint answers with the record', async () => {
    const subscribe = await api(sim, tokens.access_token, `${division}/webhooks/WebhookSubscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ CallbackURL: receiver.url, Topic: 'Accounts' }),
    });
    expect(subscribe.status).toBe(201);
    receiver.received.length = 0;

    const post = await api(sim, tokens.access_token, `${division}/crm/Accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'return=representation' },
      body: JSON.stringify({ Name: 'Webhook Test BV', City: 'Utrecht' }),
    });
    expect(post.status).toBe(201);
    const id = ((await post.json()) as { d: { ID: string } }).d.ID;

    const [note] = await eventually(() => (receiver.received.length > 0 ? receiver.received : undefined));
    const match = /^\{"Content":(.*),"HashCode":"([0-9A-F]{64})"\}$/.exec(note!.body)!;
    expect(
      createHmac('sha256', sim.defaults.app.webhookSecret).update(match[1]!).digest('hex').toUpperCase(),
    ).toBe(match[2]);
    const content = JSON.parse(match[1]!) as { Action: string; Key: string; ExactOnlineEndpoint: string };
    expect(content).toMatchObject({ Action: 'Create', Key: id });
    const record = await fetch(content.ExactOnlineEndpoint, {
      headers: { accept: 'application/json', authorization: `Bearer ${tokens.access_token}` },
    });
    expect(record.status).toBe(200);
    expect(((await record.json()) as { d: { Name: string } }).d.Name).toBe('Webhook Test BV');
  });

  it('shows records deleted through /_sim/mutations in sync/Deleted', async () => {
    const mutation = await control<{ deleted: string[] }>(sim, 'POST', 'mutations', {
      division,
      entity: 'crm/Accounts',
      deletes: 2,
    });
    expect(mutation.body.deleted).toHaveLength(2);
    const res = await api(
      sim,
      tokens.access_token,
      `${division}/sync/Deleted?$filter=Timestamp gt 1L and EntityType eq 2&$select=EntityKey,EntityType,Timestamp`,
    );
    expect(res.status).toBe(200);
    const keys = ((await res.json()) as Collection).d.results.map((row) => row.EntityKey);
    expect(keys).toEqual(expect.arrayContaining(mutation.body.deleted));
  });

  it("keeps the consent scope on the data plane's endpoints", async () => {
    const scoped = await connect(sim, { divisions: [sim.defaults.divisions[1]!] });
    const res = await api(sim, scoped.access_token, `${division}/crm/Accounts?$top=1`);
    expect(res.status).toBe(403);
    const ok = await api(sim, scoped.access_token, `${sim.defaults.divisions[1]}/crm/Accounts?$top=1`);
    expect(ok.status).toBe(200);
  });
});

describe('publicUrl', () => {
  it('puts the configured public URL into record links and webhook endpoints', async () => {
    const hooks = await startReceiver();
    const proxied = await startTestSim({ publicUrl: 'https://exact-sim.example.test' });
    try {
      expect(proxied.url).toBe('https://exact-sim.example.test');
      const address = proxied.settings.host;
      // Reach the server directly: the public URL belongs to a (here imaginary) proxy in front of it.
      const info = await fetch(`http://${address}:${proxied.port}/_sim/info`);
      expect(info.status).toBe(200);
      const local = { ...proxied, url: `http://${address}:${proxied.port}` };
      const token = await connect(local);
      const div = local.defaults.divisions[0]!;
      const page = (await (
        await api(local, token.access_token, `${div}/crm/Accounts?$select=ID&$top=2`)
      ).json()) as {
        d: { __metadata: { uri: string } }[];
      };
      expect(page.d).toHaveLength(2);
      expect(page.d[0]!.__metadata.uri.startsWith(`https://exact-sim.example.test/api/v1/${div}/`)).toBe(
        true,
      );
      const subscribe = await api(local, token.access_token, `${div}/webhooks/WebhookSubscriptions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ CallbackURL: hooks.url, Topic: 'Accounts' }),
      });
      expect(subscribe.status).toBe(201);
      await control(local, 'POST', 'mutations', { division: div, entity: 'crm/Accounts', creates: 1 });
      const [, note] = await eventually(() => (hooks.received.length >= 2 ? hooks.received : undefined));
      const content = (JSON.parse(note!.body) as { Content: { ExactOnlineEndpoint: string } }).Content;
      expect(
        content.ExactOnlineEndpoint.startsWith(
          `https://exact-sim.example.test/api/v1/${div}/crm/Accounts(guid'`,
        ),
      ).toBe(true);
    } finally {
      await proxied.close();
      await hooks.close();
    }
  });
});
