// The README's Vitest example, run as it stands (fixture.test.ts keeps the two equal).
import { accounts, ExactClient, MemoryTokenStore } from '@koppel/exact';
import { type ExactSim, startExactSim } from '@koppel/exact-sim';
import { afterAll, beforeAll, expect, it } from 'vitest';

let sim: ExactSim;
beforeAll(async () => {
  sim = await startExactSim({
    divisions: [{ code: 1001, description: 'Test BV', volumes: { accounts: 3 } }],
  });
});
afterAll(() => sim.stop());

it('syncs every account of the division', async () => {
  const tokenStore = new MemoryTokenStore();
  await tokenStore.save(sim.client.clientId, sim.client.tokens);
  const exact = new ExactClient({ ...sim.client, region: sim.url, tokenStore });
  const names: string[] = [];
  for await (const page of exact.division(1001).sync(accounts, { since: '0', select: ['ID', 'Name'] })) {
    names.push(...page.rows.map((account) => account.Name ?? ''));
  }
  expect(names).toHaveLength(3);
});
