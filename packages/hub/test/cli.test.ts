import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessions } from '../src/storage/schema.ts';
import { freePort } from './support/free-port.ts';
import { BACKENDS, signUpOwner, startTestHub } from './support/test-hub.ts';

const CLI = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
// The CLI runs from sources: resolve the workspace packages to theirs as well (the env below is minimal).
const SOURCES = '--conditions=koppel-source';

function run(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SOURCES, CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts a long-running `koppel` command and resolves with the log line that says it is up. */
function startCommand(
  args: string[],
  env: Record<string, string>,
  upMessage: string,
): Promise<{
  child: ChildProcess;
  line: Record<string, unknown>;
  /** Stops the command with SIGTERM and resolves with its exit code and everything it printed. */
  stop(): Promise<{ code: number | null; output: string }>;
}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SOURCES, CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    const exited = new Promise<number | null>((done) => child.on('close', done));
    let buffer = '';
    child.stdout.on('data', (d) => {
      buffer += d;
      const line = buffer.split('\n').find((l) => l.includes(upMessage));
      if (line)
        resolve({
          child,
          line: JSON.parse(line),
          async stop() {
            child.kill('SIGTERM');
            return { code: await exited, output: buffer };
          },
        });
    });
    child.stderr.on('data', (d) => {
      buffer += d;
    });
    exited.then((code) => reject(new Error(`koppel ${args[0]} exited with ${code}: ${buffer}`)));
  });
}

/** Starts `koppel start` and resolves with its address once it logs that it listens. */
async function startServer(env: Record<string, string>) {
  const { child, line, stop } = await startCommand(['start', '--port', '0'], env, 'koppel hub listening');
  return { child, address: String(line.address), stop };
}

/**
 * The TCP ports a process listens on: its socket inodes (from /proc/<pid>/fd) matched against
 * the kernel's table of sockets in LISTEN state (state 0A in /proc/<pid>/net/tcp and tcp6).
 */
function listeningPorts(pid: number): number[] {
  const inodes = new Set(
    readdirSync(`/proc/${pid}/fd`)
      .map((fd) => {
        try {
          return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        } catch {
          return undefined;
        }
      })
      .filter((inode) => inode !== undefined),
  );
  const ports: number[] = [];
  for (const table of ['tcp', 'tcp6']) {
    for (const row of readFileSync(`/proc/${pid}/net/${table}`, 'utf8').split('\n').slice(1)) {
      const cols = row.trim().split(/\s+/);
      if (cols[3] === '0A' && inodes.has(cols[9]!)) ports.push(Number.parseInt(cols[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}

describe('koppel CLI', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'koppel-cli-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('explains invalid configuration and exits 1', async () => {
    const result = await run(['migrate'], { KOPPEL_DATA_DIR: dataDir, KOPPEL_PORT: 'http' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/KOPPEL_PORT: .*Expected a TCP port number/);
  });

  it('migrates the embedded database, then reports nothing left to apply', async () => {
    const first = await run(['migrate', '--data-dir', dataDir], {});
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/applied [1-9]\d* migration\(s\)/);
    const second = await run(['migrate', '--data-dir', dataDir], {});
    expect(second.stdout).toMatch(/applied 0 migration\(s\)/);
  });

  it('starts server and worker, refuses a second process on the data dir, stops on SIGTERM', async () => {
    const { child, address, stop } = await startServer({ KOPPEL_DATA_DIR: dataDir });
    const health = await fetch(`${address}/readyz`);
    expect(health.status).toBe(200);
    expect(listeningPorts(child.pid!)).toContain(Number(new URL(address).port));

    const second = await run(['migrate'], { KOPPEL_DATA_DIR: dataDir });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/is in use by process \d+.*DATABASE_URL/s);

    const port = new URL(address).port;
    const doctor = await run(['doctor', '--json'], {
      KOPPEL_DATA_DIR: dataDir,
      KOPPEL_PUBLIC_URL: `http://127.0.0.1:${port}`,
    });
    // The data dir is locked by the running hub, so doctor asks the hub instead of opening it.
    const report = JSON.parse(doctor.stdout) as { check: string; status: string; message: string }[];
    expect(report.filter((r) => r.status === 'fail')).toEqual([]);
    expect(report.find((r) => r.check === 'database')!.message).toMatch(/reported by the running hub/);
    expect(report.find((r) => r.check === 'public-url')!.status).toBe('ok');
    expect(doctor.code).toBe(0);

    const { code, output } = await stop();
    expect(code, output).toBe(0);
  });

  it('koppel start serves the embedded database over the Postgres protocol when configured', async () => {
    const socketPort = await freePort();
    const own = mkdtempSync(path.join(tmpdir(), 'koppel-cli-socket-'));
    const { stop } = await startServer({
      KOPPEL_DATA_DIR: own,
      KOPPEL_PGLITE_SOCKET_PORT: String(socketPort),
    });
    try {
      const client = new pg.Client({
        host: '127.0.0.1',
        port: socketPort,
        user: 'postgres',
        database: 'postgres',
      });
      await client.connect();
      const migrations = await client.query('select count(*)::int as n from drizzle.__drizzle_migrations');
      expect(migrations.rows[0].n).toBeGreaterThanOrEqual(3);
      await client.end();
    } finally {
      const { code, output } = await stop();
      expect(code, output).toBe(0);
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('doctor checks database, key file and public URL', async () => {
    const result = await run(['doctor', '--json'], {
      KOPPEL_DATA_DIR: dataDir,
      KOPPEL_PUBLIC_URL: 'http://127.0.0.1:9',
    });
    const results = JSON.parse(result.stdout) as { check: string; status: string; message: string }[];
    expect(results.find((r) => r.check === 'database')).toMatchObject({ status: 'ok' });
    expect(results.find((r) => r.check === 'secret-key')).toMatchObject({ status: 'ok' });
    expect(results.find((r) => r.check === 'public-url')).toMatchObject({ status: 'fail' });
    expect(result.code).toBe(1);

    const text = await run(['doctor'], {
      KOPPEL_DATA_DIR: dataDir,
      KOPPEL_PUBLIC_URL: 'http://127.0.0.1:9',
      KOPPEL_METRICS_TOKEN: 'a-metrics-token-nobody-may-see',
    });
    expect(text.stdout).toMatch(/^Configuration \(secrets redacted\):\n {2}KOPPEL_PORT +3000\n/);
    expect(text.stdout).toMatch(/KOPPEL_METRICS_TOKEN +\[redacted\]/);
    expect(text.stdout).not.toContain('a-metrics-token-nobody-may-see');
    expect(text.stdout).toMatch(/^FAIL public-url: /m);
  });

  it('runs `koppel worker` on the embedded database without opening any port', async () => {
    const worker = await startCommand(['worker'], { KOPPEL_DATA_DIR: dataDir }, 'koppel worker running');
    try {
      expect(worker.line.jobs).toEqual(expect.arrayContaining(['housekeeping', 'exact-token-keep-alive']));
      expect(listeningPorts(worker.child.pid!)).toEqual([]);
    } finally {
      const { code, output } = await worker.stop();
      expect(code, output).toBe(0);
    }
  });

  it('runs `koppel worker` as a separate process on Postgres, taking jobs a server sends', async () => {
    const postgres = BACKENDS.find((b) => b.name === 'postgres')!;
    const t = await startTestHub(postgres);
    // Waits for the worker to be up, so a slow start cannot pass for a failed job, and keeps what
    // it printed, so a failed shutdown says why.
    const worker = await startCommand(
      ['worker'],
      { DATABASE_URL: t.config.databaseUrl!, KOPPEL_SECRET_KEY: t.config.secretKey! },
      'koppel worker running',
    );
    try {
      const { userId } = await signUpOwner(t.base);
      await t.hub.db.insert(sessions).values({
        id: randomUUID(),
        tokenHash: 'expired-session',
        userId,
        state: 'active',
        expiresAt: new Date(Date.now() - 60_000),
      });
      await t.hub.services.jobs.send('housekeeping');
      await expect
        .poll(
          async () =>
            (await t.hub.db.select().from(sessions).where(eq(sessions.tokenHash, 'expired-session'))).length,
          {
            timeout: 30_000,
            interval: 250,
          },
        )
        .toBe(0);
      // The signed-up owner's live session is untouched.
      expect((await t.hub.db.select().from(sessions)).length).toBe(1);
    } finally {
      const { code, output } = await worker.stop();
      await t.close();
      expect(code, output).toBe(0);
    }
  });

  it('generates a valid secret key', async () => {
    const result = await run(['generate-key'], {});
    expect(Buffer.from(result.stdout.trim(), 'base64')).toHaveLength(32);
  });
});
