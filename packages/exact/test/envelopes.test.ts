import { afterAll, beforeAll, expect, it } from 'vitest';
import { accounts, type DivisionClient } from '../src/index.ts';
import { startTestSim, type TestSim } from './support/sim.ts';

// exact-sim switched to the other readings of UNCONFIRMED behaviour: bare {"d":[…]} for
// small $top, POST answered 200, and standard reads refused without $select or $top=1.
let t: TestSim;
let d: DivisionClient;
beforeAll(async () => {
  t = await startTestSim({
    defaultVolumes: { accounts: 70, contacts: 5, addresses: 5, items: 5 },
    behaviour: { bareArrayForSmallTop: true, postStatus: 200, requireSelectOnStandard: true },
  });
  const exact = await t.connectedClient();
  d = exact.division(t.sim.defaults.divisions[0] as number);
});
afterAll(() => t.close());

it('reads bare {"d":[…]} answers for small $top', async () => {
  const response = await fetch(`${t.url}/api/v1/${d.division}/crm/Accounts?$select=ID&$top=2`, {
    headers: { Accept: 'application/json', Authorization: `Bearer ${await tokenOf()}` },
  });
  expect(Array.isArray(((await response.json()) as { d: unknown }).d)).toBe(true);
  expect((await d.query(accounts).select('ID', 'Name').top(50).all()).length).toBe(50);
  expect((await d.query(accounts).first())?.ID).toBeTruthy();
});

it('keeps paging with d.results when $top exceeds a page', async () => {
  expect((await d.query(accounts).select('ID').top(65).all()).length).toBe(65);
});

it('treats a 200 answer to POST as created', async () => {
  const created = await d.create(accounts, { Name: 'Tweehonderd BV' });
  expect(created.Name).toBe('Tweehonderd BV');
});

it('always sends $select, so strict endpoints accept every read', async () => {
  // 70 generated plus the one created above.
  expect((await d.query(accounts).all()).length).toBe(71);
});

async function tokenOf(): Promise<string> {
  const exact = await t.connectedClient();
  return exact.tokens.accessToken();
}
