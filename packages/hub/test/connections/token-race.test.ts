import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../support/test-hub.ts';
import {
  connectionRow,
  type RunningSimulator,
  simControl,
  startAuthorizedConnection,
  type TestHub,
} from './exact-test-kit.ts';

const CHILD = fileURLToPath(new URL('./token-race-child.ts', import.meta.url));
const PROCESSES = 6;

interface Child {
  ready: Promise<void>;
  go(): void;
  done: Promise<{ code: number | null; output: string }>;
}

/** Starts a child that prints "ready" once set up and calls Exact when it reads "go". */
function startChild(env: Record<string, string>): Child {
  const child = spawn(process.execPath, [CHILD], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
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

const postgres = BACKENDS.find((b) => b.name === 'postgres')!;

describe('one connection shared by several processes on Postgres', () => {
  let t: TestHub;
  let sim: RunningSimulator;
  let connectionId: string;

  beforeAll(async () => {
    let authorized: { status: number };
    ({ sim, t, connectionId, authorized } = await startAuthorizedConnection(postgres, 'Shared'));
    expect(authorized.status).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it(`makes exactly one token call when the token expires under ${PROCESSES} processes at once`, async () => {
    const repo = t.hub.services.exact.connections;
    const rowOf = () => connectionRow(t, connectionId);
    const before = repo.tokensOf(await rowOf())!;
    // Past the 10-minute lifetime on Exact's side (and past its 570 s refresh floor).
    const clock = await simControl<{ now: number }>(sim, 'POST', '/clock', { advanceMs: 11 * 60_000 });
    const stats = await simControl(sim, 'GET', '/stats');

    const env = {
      DATABASE_URL: t.config.databaseUrl!,
      KOPPEL_SECRET_KEY: t.config.secretKey!,
      KOPPEL_PUBLIC_URL: t.publicUrl,
      KOPPEL_EXACT_BASE_URLS: sim.url,
      CONNECTION_ID: connectionId,
      CLOCK_OFFSET_MS: String(clock.now - Date.now()),
      CALLS_PER_PROCESS: '3',
    };
    const children = Array.from({ length: PROCESSES }, () => startChild(env));
    await Promise.all(children.map((c) => c.ready));
    for (const child of children) child.go();
    const results = await Promise.all(children.map((c) => c.done));
    for (const result of results) expect(result.code, result.output).toBe(0);
    const users = results.flatMap((r) => JSON.parse(r.output.trim().split('\n').at(-1)!).users as string[]);
    expect(users).toHaveLength(PROCESSES * 3);
    expect(new Set(users).size).toBe(1);

    const after = await simControl(sim, 'GET', '/stats');
    expect(after.token.calls - stats.token.calls).toBe(1);
    expect((after.token.byGrantType.refresh_token ?? 0) - (stats.token.byGrantType.refresh_token ?? 0)).toBe(
      1,
    );
    expect(after.token.failures).toEqual(stats.token.failures);

    const stored = repo.tokensOf(await rowOf())!;
    expect(stored.refreshToken).not.toBe(before.refreshToken);
    expect((await rowOf()).status).toBe('active');
  });
});
