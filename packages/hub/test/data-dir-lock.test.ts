import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DATA_DIR_LOCK_FILE } from '../src/storage/database.ts';
import { processStartTime } from '../src/storage/process-liveness.ts';

describe('the data-dir lock of the embedded database', () => {
  let dir: string;
  let lockFile: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'koppel-lock-test-'));
    lockFile = path.join(dir, DATA_DIR_LOCK_FILE);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('takes over a lock left with its own pid by an earlier process (PID 1 restarting in a container)', () => {
    writeFileSync(lockFile, String(process.pid));
    const release = acquireDataDirLock(dir);
    expect(JSON.parse(readFileSync(lockFile, 'utf8')).pid).toBe(process.pid);
    release();
  });

  it('refuses a second open from this same process', () => {
    const release = acquireDataDirLock(dir);
    expect(() => acquireDataDirLock(dir)).toThrow(/in use by process \d+ \(this process\)/);
    release();
    acquireDataDirLock(dir)();
  });

  it('refuses while the owner runs, and takes over once its pid belongs to another process', async () => {
    const owner = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await new Promise((resolve) => owner.once('spawn', resolve));
    try {
      const pid = owner.pid!;
      writeFileSync(lockFile, JSON.stringify({ pid, startedAt: processStartTime(pid) }));
      expect(() => acquireDataDirLock(dir)).toThrow(new RegExp(`in use by process ${pid}`));
      // The same pid with another start time: the owner died and the pid was reused.
      writeFileSync(lockFile, JSON.stringify({ pid, startedAt: '1' }));
      acquireDataDirLock(dir)();
    } finally {
      owner.kill();
    }
  });
});
