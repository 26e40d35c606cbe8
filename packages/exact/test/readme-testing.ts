// The README's exact-sim example, type-checked by `tsc` (readme.test.ts keeps the two equal).
import { accounts, ExactClient, MemoryTokenStore } from '@koppel/exact';
import { startExactSim } from '@koppel/exact-sim';

const sim = await startExactSim({ divisions: [{ code: 1001, description: 'Test BV' }] });
const tokenStore = new MemoryTokenStore();
await tokenStore.save(sim.client.clientId, sim.client.tokens);
const exact = new ExactClient({ ...sim.client, region: sim.url, tokenStore });
for await (const page of exact.division(1001).sync(accounts, { since: '0', select: ['ID', 'Name'] })) {
  console.log(page.rows.length);
}
await sim.stop();
