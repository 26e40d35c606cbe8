import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FileTokenStore } from './support/file-token-store.ts';
import { startTestSim, type TestSim } from './support/sim.ts';

const worker = join(import.meta.dirname, 'support', 'refresh-worker.ts');

interface Worker {
  ready: Promise<void>;
  go(): void;
  done: Promise<{ code: number | null; output: string }>;
}

/** Starts a worker that prints "ready" once set up and calls Exact when it reads "go". */
function startWorker(args: string[]): Worker {
  const child = spawn(process.execPath, [worker, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  child.stdout.on('data', (chunk) => {
    output += chunk;
    if (output.includes('ready\n')) markReady();
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const done = new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      markReady();
      resolve({ code, output });
    });
  });
  return { ready, go: () => child.stdin.end('go\n'), done };
}

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
  const division = String(t.sim.defaults.divisions[0]);
  const workers = Array.from({ length: 4 }, () =>
    startWorker([
      t.url,
      t.app.clientId,
      t.app.clientSecret,
      t.app.redirectUri,
      storePath,
      division,
      String(clockOffset),
    ]),
  );
  await Promise.all(workers.map((w) => w.ready));
  for (const w of workers) w.go();
  const outputs = await Promise.all(workers.map((w) => w.done));
  for (const output of outputs) expect(output.code, output.output).toBe(0);
  const results = outputs.map(
    (output) => JSON.parse(output.output.trim().split('\n').at(-1)!) as { pid: number; ok: boolean },
  );
  expect(new Set(results.map((result) => result.pid)).size).toBe(4);
  expect(results.every((result) => result.ok)).toBe(true);
  const stats = await t.stats();
  expect(stats.token.calls - before).toBe(1);
  expect(stats.token.byGrantType.refresh_token).toBe(1);
  expect((await store.load('shared-connection'))?.expiresAt).toBeGreaterThan(t.clock.now());
});
