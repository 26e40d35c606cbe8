import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresDestination } from '../../src/destinations/postgres-destination.ts';
import { REPLICA_TABLES } from '../../src/flows/packages/replicate/replica-tables.ts';
import type { StreamStats } from '../../src/flows/stream-stats.ts';
import { BACKENDS } from '../support/test-hub.ts';
import {
  openTestDestination,
  replicaDigests,
  sourceDigests,
  startTestSim,
  type TestSim,
} from './replica-kit.ts';

const CHILD = fileURLToPath(new URL('./replicate-child.ts', import.meta.url));
const DIVISION = 100001;
const LINES = 20_000;
const postgres = BACKENDS.find((backend) => backend.name === 'postgres')!;

describe('a replication worker killed with SIGKILL mid-load', () => {
  let sim: TestSim;
  let destination: PostgresDestination;
  let url: string;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    sim = await startTestSim({
      defaultDivisions: [{ code: DIVISION, description: 'Kill BV', volumes: { transactionLines: LINES } }],
    });
    const opened = await openTestDestination(postgres);
    destination = opened.destination;
    url = opened.url!;
    dispose = opened.dispose;
  });
  afterAll(async () => {
    await dispose?.();
    await sim?.close();
  });

  async function child(): Promise<{ process: ChildProcess; done: Promise<StreamStats | null> }> {
    const code = await sim.authorizeCode();
    const proc = spawn(process.execPath, ['--conditions=koppel-source', CHILD], {
      env: {
        ...process.env,
        SIM_URL: sim.url,
        CLIENT_ID: sim.app.clientId,
        CLIENT_SECRET: sim.app.clientSecret,
        REDIRECT_URI: sim.app.redirectUri,
        CODE: code,
        DATABASE_URL: url,
        DIVISION: String(DIVISION),
        ENTITY: 'transaction_lines',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout?.on('data', (chunk) => {
      out += chunk;
    });
    const done = new Promise<StreamStats | null>((resolve) => {
      proc.on('exit', () => resolve(out.trim() ? (JSON.parse(out.trim()) as StreamStats) : null));
    });
    return { process: proc, done };
  }

  async function committedRows(): Promise<number> {
    const result = await destination.driver
      .query<{ n: string }>('select count(*) as n from exact.transaction_lines')
      .catch(() => ({ rows: [{ n: '0' }] }));
    return Number(result.rows[0]?.n ?? 0);
  }

  it('resumes from the last committed page: nothing lost, nothing written twice', async () => {
    // Slow pages, so the kill lands in the middle of the load.
    await sim.control('POST', '/faults', { latencyMs: 40 });
    const first = await child();
    while ((await committedRows()) < 3_000) {
      if (first.process.exitCode !== null) throw new Error('the worker finished before it could be killed');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    first.process.kill('SIGKILL');
    expect(await first.done).toBeNull();
    await sim.control('DELETE', '/faults');
    const committed = await committedRows();
    expect(committed).toBeLessThan(LINES);

    const second = await (await child()).done;
    expect(second?.status).toBe('succeeded');
    // Exactly once: the restart writes only what the killed worker had not committed.
    expect(committed + (second?.rowsWritten ?? 0)).toBe(LINES);
    expect(second?.cursorBefore?.rows).not.toBe('0');
    const lines = REPLICA_TABLES.filter((table) => table.name === 'transaction_lines');
    const source = await sourceDigests((await sim.connectedClient()).division(DIVISION), lines);
    expect(await replicaDigests(destination, DIVISION, 'exact', lines)).toEqual(source);
  });
});
