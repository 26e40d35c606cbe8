import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
});

function run(args: string[]): { proc: ChildProcess; output: () => string; exited: Promise<number | null> } {
  let text = '';
  const proc = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout!.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  proc.stderr!.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  child = proc;
  return { proc, output: () => text, exited };
}

async function waitFor(output: () => string, pattern: RegExp, timeoutMs = 20_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(output());
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`no ${pattern} in output:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('exact-sim CLI', () => {
  it('starts with a config file and flags, prints the defaults and stops cleanly on SIGTERM', async () => {
    const config = join(tmpdir(), `exact-sim-cli-${process.pid}.json`);
    writeFileSync(
      config,
      JSON.stringify({ defaultUser: { username: 'cli@x.test' }, clock: { start: '2026-01-05T09:00:00Z' } }),
    );
    const { proc, output, exited } = run([
      '--port',
      '0',
      '--seed',
      '3',
      '--config',
      config,
      '--redirect-uri',
      'http://localhost:9999/cb',
      '--frozen-clock',
    ]);
    const [, url] = await waitFor(output, /listening on (http:\/\/\S+)\n/);
    await waitFor(output, /clock/);
    expect(output()).toContain('3f1c2a4e-8b7d-4e21-9a6f-5c0d1e2b3a47');
    expect(output()).toContain('exact-sim-client-secret');
    expect(output()).toContain('exact-sim-webhook-secret');
    expect(output()).toContain('http://localhost:9999/cb');
    expect(output()).toContain('cli@x.test');
    expect(output()).toContain('100001, 100002');
    expect(output()).toContain('2026-01-05T09:00:00.000Z (frozen)');
    const info = (await (await fetch(`${url}/_sim/info`)).json()) as { apps: { redirectUri: string }[] };
    expect(info.apps[0]!.redirectUri).toBe('http://localhost:9999/cb');
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('keeps the simulated world in the --state file across a stop and a start', async () => {
    const state = join(tmpdir(), `exact-sim-cli-state-${process.pid}.json`);
    rmSync(state, { force: true });
    const first = run(['--port', '0', '--frozen-clock', '--state', state]);
    const [, url] = await waitFor(first.output, /listening on (http:\/\/\S+)\n/);
    await waitFor(first.output, /state file +\S+/);
    const created = await fetch(`${url}/_sim/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Survives Restarts', redirectUri: 'http://127.0.0.1:9/cb' }),
    });
    expect(created.status).toBe(201);
    first.proc.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(readFileSync(state, 'utf8')).toContain('Survives Restarts');

    const second = run(['--port', '0', '--frozen-clock', '--state', state]);
    const [, again] = await waitFor(second.output, /listening on (http:\/\/\S+)\n/);
    const info = (await (await fetch(`${again}/_sim/info`)).json()) as { apps: { name: string }[] };
    expect(info.apps.map((app) => app.name)).toContain('Survives Restarts');
    second.proc.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    writeFileSync(state, 'not json');
    const damaged = run(['--port', '0', '--state', state]);
    expect(await damaged.exited).toBe(2);
    expect(damaged.output()).toContain(`exact-sim state file ${state}: is not valid JSON`);
    rmSync(state, { force: true });
  });

  it('exits with status 2 and the reason for a bad flag or setting', async () => {
    const badFlag = run(['--port', 'eighty']);
    expect(await badFlag.exited).toBe(2);
    expect(badFlag.output()).toContain('--port must be a whole number');
    expect(badFlag.output()).toContain('Usage: exact-sim');

    const config = join(tmpdir(), `exact-sim-cli-bad-${process.pid}.json`);
    writeFileSync(config, JSON.stringify({ oauth: { accessTokenLifetimeMs: 'long' } }));
    const badSetting = run(['--port', '0', '--config', config]);
    expect(await badSetting.exited).toBe(2);
    expect(badSetting.output()).toContain('Invalid setting oauth.accessTokenLifetimeMs');
  });
});
