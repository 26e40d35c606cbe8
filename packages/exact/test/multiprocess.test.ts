import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FileTokenStore } from './support/file-token-store.ts';
import { startTestSim, type TestSim } from './support/sim.ts';

const run = promisify(execFile);
const worker = join(import.meta.dirname, 'support', 'refresh-worker.ts');

let t: TestSim;
let dir: string;
beforeAll(async () => {
  t = await startTestSim();
  dir = await mkdtemp(join(tmpdir(), 'koppel-exact-tokens-'));
});
afterAll(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

it('4 OS processes sharing a file store refresh an expired token exactly once', async () => {
  const storePath = join(dir, 'tokens.json');
  const store = new FileTokenStore(storePath);
  const exact = t.client({ tokenStore: store, connectionKey: 'shared-connection' });
  await exact.connect(await t.authorizeCode());
  await t.advance(600_000);
  const before = (await t.stats()).token.calls;

  const clockOffset = t.clock.now() - Date.now();
  const startAt = Date.now() + 1500;
  const division = String(t.sim.defaults.divisions[0]);
  const outputs = await Promise.all(
    Array.from({ length: 4 }, () =>
      run(process.execPath, [
        worker,
        t.url,
        t.app.clientId,
        t.app.clientSecret,
        t.app.redirectUri,
        storePath,
        division,
        String(startAt),
        String(clockOffset),
      ]),
    ),
  );
  const results = outputs.map((output) => JSON.parse(output.stdout) as { pid: number; ok: boolean });
  expect(new Set(results.map((result) => result.pid)).size).toBe(4);
  expect(results.every((result) => result.ok)).toBe(true);
  const stats = await t.stats();
  expect(stats.token.calls - before).toBe(1);
  expect(stats.token.byGrantType.refresh_token).toBe(1);
  expect((await store.load('shared-connection'))?.expiresAt).toBeGreaterThan(t.clock.now());
});
