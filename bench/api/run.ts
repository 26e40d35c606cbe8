// Hub API benchmark: authenticated GET /api/v1/me at 50 and 200 concurrent clients, on the
// embedded database (PGlite) and on Postgres. The hub and the load generator (load.ts) each run
// in their own process. Prints requests/s, p50/p99 latency, the hub's CPU per request and its
// memory. Run with `npm run bench:api` (optional arguments: seconds per phase, backends).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { cpuSecondsOf, memoryOf } from '../support/process-usage.ts';

const SECONDS = Number(process.argv[2] ?? 10);
const BACKENDS = (process.argv[3] ?? 'pglite,postgres').split(',');
// 50 clients once more at the end: RSS that keeps rising across the phases is a leak.
const CONCURRENCY = [50, 200, 50];
const POSTGRES_ADMIN_URL =
  process.env.KOPPEL_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CLI = fileURLToPath(new URL('../../packages/hub/src/cli/main.ts', import.meta.url));
const LOAD = fileURLToPath(new URL('./load.ts', import.meta.url));
// KOPPEL_BENCH_CPU_PROF=<dir> writes a V8 CPU profile of each hub there (open it in Chrome's DevTools).
const CPU_PROFILE_DIR = process.env.KOPPEL_BENCH_CPU_PROF;
const METRICS_TOKEN = randomBytes(16).toString('hex');
const OWNER = { email: 'bench@example.nl', name: 'Bench', password: 'bench-harbour-lantern-74' };

interface Hub {
  child: ChildProcess;
  base: URL;
  close(): Promise<void>;
}

/** `koppel <command>` in its own process, so its RSS is the hub's alone; resolves once it listens. */
function startHub(command: 'start' | 'server', env: Record<string, string>): Promise<Hub> {
  // The hub runs from the workspace's TypeScript sources, as the tests do (the env below is minimal).
  const profile = CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, ['--conditions=koppel-source', ...profile, CLI, command], {
    env: {
      PATH: process.env.PATH ?? '',
      KOPPEL_PORT: '0',
      KOPPEL_LOG_LEVEL: 'info',
      KOPPEL_METRICS_TOKEN: METRICS_TOKEN,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const address = /"address":"(http:\/\/[^"]+)"/.exec(buffer)?.[1];
      if (address && buffer.includes('koppel hub listening')) {
        child.stdout!.removeAllListeners('data');
        child.stdout!.resume();
        resolve({
          child,
          base: new URL(address),
          close: async () => {
            child.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`koppel ${command} exited with ${code} before listening`)));
  });
}

async function signUp(base: URL): Promise<string> {
  const response = await fetch(new URL('/api/v1/auth/signup', base), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(OWNER),
  });
  if (response.status !== 201) throw new Error(`sign-up failed: ${response.status} ${await response.text()}`);
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith('koppel_session='));
  if (!cookie) throw new Error('no session cookie');
  return cookie;
}

/**
 * From the hub's /metrics: its V8 heap in use and external memory (MiB), and the longest its
 * event loop was blocked since the previous scrape (ms).
 */
async function hubMetrics(base: URL): Promise<{ heapUsed: number; external: number; loopLagMax: number }> {
  const response = await fetch(new URL('/metrics', base), {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  const text = await response.text();
  const value = (name: string) =>
    Number(new RegExp(`^koppel_${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return {
    heapUsed: value('nodejs_heap_size_used_bytes') / 2 ** 20,
    external: value('nodejs_external_memory_bytes') / 2 ** 20,
    loopLagMax: value('nodejs_eventloop_lag_max_seconds') * 1000,
  };
}

interface PhaseResult {
  requests: number;
  errors: number;
  seconds: number;
  p50: number;
  p99: number;
  max: number;
}

/** Runs bench/api/load.ts in its own process: `clients` keep-alive clients for `seconds`. */
function phase(base: URL, cookie: string, clients: number, seconds: number): Promise<PhaseResult> {
  const child = spawn(process.execPath, [LOAD, base.origin, cookie, String(clients), String(seconds)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      if (code === 0) resolve(JSON.parse(output) as PhaseResult);
      else reject(new Error(`the load generator exited with ${code}`));
    });
  });
}

interface Prepared {
  /** PGlite runs as users run it, `koppel start` (HTTP and jobs in one process); Postgres as `koppel server`. */
  command: 'start' | 'server';
  env: Record<string, string>;
  dispose(): Promise<void>;
}

async function prepare(backend: string): Promise<Prepared> {
  if (backend === 'pglite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'koppel-bench-api-'));
    return {
      command: 'start',
      env: { KOPPEL_DATA_DIR: dir },
      dispose: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `koppel_bench_api_${process.pid}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    command: 'server',
    env: { DATABASE_URL: url.toString(), KOPPEL_SECRET_KEY: randomBytes(32).toString('base64') },
    dispose: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

const mib = (n: number) => `${n.toFixed(0)} MiB`;

console.log(
  `bench:api — GET /api/v1/me with a session cookie, ${SECONDS} s per phase; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} on ${process.env.HOSTNAME ?? 'this machine'}`,
);
for (const backend of BACKENDS) {
  const prepared = await prepare(backend);
  const hub = await startHub(prepared.command, prepared.env);
  try {
    const cookie = await signUp(hub.base);
    // Warm-up: JIT, connection pool, prepared plans.
    await phase(hub.base, cookie, 10, 2);
    const pid = hub.child.pid!;
    const before = memoryOf(pid);
    await hubMetrics(hub.base); // starts the event-loop measure afresh
    console.log(`\n${backend} (koppel ${prepared.command}): hub RSS after warm-up ${mib(before.rss)}`);
    for (const clients of CONCURRENCY) {
      const cpuBefore = cpuSecondsOf(pid);
      const result = await phase(hub.base, cookie, clients, SECONDS);
      const cpu = cpuSecondsOf(pid) - cpuBefore;
      const memory = memoryOf(pid);
      const heap = await hubMetrics(hub.base);
      console.log(
        `  ${String(clients).padStart(3)} clients: ${(result.requests / result.seconds).toFixed(0).padStart(5)} req/s` +
          `  p50 ${result.p50.toFixed(1)} ms  p99 ${result.p99.toFixed(1)} ms` +
          `  max ${result.max.toFixed(0)} ms  errors ${result.errors}` +
          `  hub CPU ${((cpu / result.seconds) * 100).toFixed(0)}% (${((cpu * 1000) / result.requests).toFixed(2)} ms per request)` +
          `  RSS ${mib(memory.rss)} (peak ${mib(memory.peak)}, V8 heap used ${mib(heap.heapUsed)}, external ${mib(heap.external)})` +
          `  event loop blocked ≤ ${heap.loopLagMax.toFixed(0)} ms  load ${loadavg()[0]!.toFixed(1)}`,
      );
    }
  } finally {
    await hub.close();
    await prepared.dispose();
  }
}
console.log(
  `\nload average at the end: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
