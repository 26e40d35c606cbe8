import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_DIR_LOCK_FILE } from '../src/storage/database.ts';
import { processStartTime } from '../src/storage/process-liveness.ts';

const CLI = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'start'], {
      env: { PATH: process.env.PATH ?? '', KOPPEL_LOG_LEVEL: 'error', ...env },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('start-up failures', () => {
  let dataDir: string;
  let taken: Server;
  let takenPort: number;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'koppel-start-up-'));
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    takenPort = (taken.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => taken.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('says in one line that the port is taken and how to choose another', async () => {
    const { code, stderr } = await start({ KOPPEL_DATA_DIR: dataDir, KOPPEL_PORT: String(takenPort) });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      `Cannot listen on 127.0.0.1:${takenPort}: another program uses that port. Stop it, or choose another port with KOPPEL_PORT or --port.`,
    ]);
  }, 60_000);

  it('says in one line that the data dir is in use, naming the process', async () => {
    const owner = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await new Promise((resolve) => owner.once('spawn', resolve));
    try {
      const pid = owner.pid!;
      writeFileSync(
        path.join(dataDir, DATA_DIR_LOCK_FILE),
        JSON.stringify({ pid, startedAt: processStartTime(pid) }),
      );
      const { code, stderr } = await start({ KOPPEL_DATA_DIR: dataDir, KOPPEL_PORT: '0' });
      expect(code).toBe(1);
      const lines = stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`in use by process ${pid}.*stop it first`));
    } finally {
      owner.kill();
    }
  }, 60_000);
});
