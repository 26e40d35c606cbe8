import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.ts';

const ENTRY = fileURLToPath(new URL('../../src/cli/demo.ts', import.meta.url));

describe('npm start (cli/demo.ts)', () => {
  let child: ChildProcess | undefined;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'koppel-demo-'));

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts the hub with exact-sim beside it and prints the next steps', async () => {
    const [hubPort, simPort] = [await freePort(), await freePort()];
    child = spawn(process.execPath, [ENTRY], {
      env: {
        ...process.env,
        KOPPEL_PORT: String(hubPort),
        EXACT_SIM_PORT: String(simPort),
        KOPPEL_DATA_DIR: dataDir,
        KOPPEL_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr!.on('data', (chunk) => {
      output += chunk;
    });
    await expect.poll(() => output, { timeout: 45_000, interval: 200 }).toContain('Next steps');
    expect(output).toContain(`http://127.0.0.1:${hubPort}`);
    expect(output).toContain(`http://127.0.0.1:${simPort}`);
    expect(output).toContain('demo@exact-sim.local / exact-sim');

    const health = await fetch(`http://127.0.0.1:${hubPort}/healthz`);
    expect(health.status).toBe(200);
    const sim = (await (await fetch(`http://127.0.0.1:${simPort}/_sim/info`)).json()) as {
      apps: { redirectUri: string }[];
    };
    expect(sim.apps[0]!.redirectUri).toBe(`http://127.0.0.1:${hubPort}/oauth/exact/callback`);
  }, 60_000);

  it('refuses a random hub port, which the sandbox app could not be registered with', () => {
    const run = spawnSync(process.execPath, [ENTRY], {
      env: { ...process.env, KOPPEL_PORT: '0', KOPPEL_DATA_DIR: dataDir, KOPPEL_PUBLIC_URL: '' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('KOPPEL_PORT: npm start needs a fixed port');
  });
});
