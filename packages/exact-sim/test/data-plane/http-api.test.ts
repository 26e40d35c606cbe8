import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/index.ts';
import type { RunningSimulator } from '../../src/simulator.ts';

let sim: RunningSimulator;
let token: string;
let division: number;

async function accessToken(s: RunningSimulator): Promise<string> {
  const form = new URLSearchParams({
    client_id: s.defaults.app.clientId,
    redirect_uri: s.defaults.app.redirectUri,
    response_type: 'code',
    state: 'x',
    username: s.defaults.user.username,
    password: s.defaults.user.password,
    consent: 'allow',
  });
  const authorize = await fetch(`${s.url}/api/oauth2/auth`, {
    method: 'POST',
    body: form,
    redirect: 'manual',
  });
  const code = new URL(authorize.headers.get('location') ?? '').searchParams.get('code') ?? '';
  const response = await fetch(`${s.url}/api/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: s.defaults.app.redirectUri,
      client_id: s.defaults.app.clientId,
      client_secret: s.defaults.app.clientSecret,
    }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

function api(path: string, init: RequestInit = {}, accept = true): Promise<Response> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    ...(init.headers as Record<string, string>),
  };
  if (accept) headers.accept = 'application/json';
  return fetch(path.startsWith('http') ? path : `${sim.url}/api/v1/${path}`, { ...init, headers });
}

beforeAll(async () => {
  sim = await startSimulator({
    port: 0,
    seed: 99,
    clock: { frozen: true, start: '2026-01-15T10:00:00Z' },
    rateLimits: { enabled: false },
    defaultDivisions: [
      { code: 4711, description: 'Schildersbedrijf Visser B.V.', volumes: { transactionLines: 2500 } },
    ],
  });
  division = sim.defaults.divisions[0] as number;
  token = await accessToken(sim);
});

afterAll(async () => {
  await sim?.close();
});

describe('data plane over HTTP', () => {
  it('serves current/Me and a sync feed whose __next links work verbatim', async () => {
    const me = (await (await api('current/Me')).json()) as {
      d: { results: { CurrentDivision: number; ServerUtcOffset: number }[] };
    };
    expect(me.d.results[0]?.CurrentDivision).toBe(division);
    expect(me.d.results[0]?.ServerUtcOffset).toBe(3600);

    let next: string | undefined =
      `${division}/sync/Financial/TransactionLines?$filter=Timestamp gt 0L&$select=ID,Timestamp,AmountDC,GLAccountCode`;
    const ids = new Set<string>();
    let pages = 0;
    while (next) {
      const response = await api(next);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await response.json()) as { d: { results: { ID: string }[]; __next?: string } };
      for (const row of body.d.results) ids.add(row.ID);
      next = body.d.__next;
      if (next)
        expect(next.startsWith(`${sim.url}/api/v1/${division}/sync/Financial/TransactionLines?`)).toBe(true);
      pages++;
    }
    expect(pages).toBe(3);
    expect(ids.size).toBe(2500);
  });

  it('answers $count as plain text without an Accept header', async () => {
    const response = await api(`${division}/financialtransaction/TransactionLines/$count`, {}, false);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('2500');
  });

  it('creates, updates and deletes over HTTP with Exact status codes and error bodies', async () => {
    const created = await api(`${division}/crm/Accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'return=representation' },
      body: JSON.stringify({ Name: 'Loodgietersbedrijf Mulder', City: 'Zwolle' }),
    });
    expect(created.status).toBe(201);
    const id = ((await created.json()) as { d: { ID: string } }).d.ID;
    const put = await api(`${division}/crm/Accounts(guid'${id}')`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ City: 'Kampen' }),
    });
    expect(put.status).toBe(204);
    expect(await put.text()).toBe('');
    const read = (await (await api(`${division}/crm/Accounts(guid'${id}')?$select=Name,City`)).json()) as {
      d: { Name: string; City: string };
    };
    expect(read.d).toMatchObject({ Name: 'Loodgietersbedrijf Mulder', City: 'Kampen' });
    const invalid = await api(`${division}/crm/Accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ City: 'Zwolle' }),
    });
    expect(invalid.status).toBe(500);
    expect(await invalid.json()).toEqual({
      error: { code: '', message: { lang: '', value: 'Mandatory: Name' } },
    });
    const syntax = await api(`${division}/crm/Accounts?$filter=Name eq`);
    expect(syntax.status).toBe(400);
    expect(((await syntax.json()) as { error: { message: { value: string } } }).error.message.value).toBe(
      'Bad Request - Error in query syntax.',
    );
    expect((await api(`${division}/crm/Accounts(guid'${id}')`, { method: 'DELETE' })).status).toBe(204);
    const deleted = (await (
      await api(`${division}/sync/Deleted?$select=EntityKey,EntityType&$filter=Timestamp gt 0L`)
    ).json()) as { d: { results: { EntityKey: string; EntityType: number }[] } };
    expect(deleted.d.results).toEqual([expect.objectContaining({ EntityKey: id, EntityType: 2 })]);
  });
});
