import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_SETTINGS, describeConfig, loadConfig } from '../src/config/config.ts';
import { ConfigError } from '../src/errors/hub-error.ts';
import { PublicUrl } from '../src/platform/public-url.ts';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, { cwd: '/srv/koppel' });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('is fully documented in docs/configuration.md', () => {
    const doc = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
    for (const setting of CONFIG_SETTINGS) {
      expect(doc, setting.env).toContain(`\`${setting.env}\``);
      expect(doc, setting.key).toContain(`\`${setting.key}\``);
    }
  });

  it('has working defaults for the embedded setup', () => {
    const config = loadConfig({}, { cwd: '/srv/koppel' });
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      dataDir: '/srv/koppel/.koppel',
      logLevel: 'info',
      trustProxy: false,
      bodyLimitBytes: 1048576,
      previousSecretKeys: [],
    });
    // Unset: follow the bound port, the embedded database, a key file in the data dir.
    expect([config.publicUrl, config.databaseUrl, config.secretKey]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('is frozen once loaded', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('derives the public URL from the port (the bound one with port 0) and strips a trailing slash', () => {
    const fromPort = PublicUrl.fromConfig(loadConfig({ KOPPEL_PORT: '0' }));
    expect(fromPort.value).toBe('http://127.0.0.1:0');
    fromPort.listeningOn(43210);
    expect(fromPort.value).toBe('http://127.0.0.1:43210');
    const configured = PublicUrl.fromConfig(loadConfig({ KOPPEL_PUBLIC_URL: 'https://koppel.example.nl/' }));
    configured.listeningOn(43210);
    expect(configured.value).toBe('https://koppel.example.nl');
  });

  it('describes itself for koppel doctor with every secret redacted', () => {
    const secretKey = randomBytes(32).toString('base64');
    const described = describeConfig(
      loadConfig({
        DATABASE_URL: 'postgres://u:hunter2hunter2@db/koppel',
        KOPPEL_SECRET_KEY: secretKey,
        KOPPEL_PREVIOUS_SECRET_KEYS: randomBytes(32).toString('base64'),
        KOPPEL_METRICS_TOKEN: 'metrics-token-secret-value',
      }),
    );
    const text = JSON.stringify(described);
    for (const secret of [secretKey, 'hunter2hunter2', 'metrics-token-secret-value']) {
      expect(text).not.toContain(secret);
    }
    expect(described.map((d) => d.env)).toEqual(CONFIG_SETTINGS.map((s) => s.env));
    expect(described.find((d) => d.env === 'KOPPEL_PORT')?.value).toBe('3000');
    expect(described.find((d) => d.env === 'KOPPEL_SECRET_KEY')?.value).toBe('[redacted]');
  });

  it('names the variable, the problem and the fix, for every problem at once', () => {
    const problems = problemsOf({
      KOPPEL_PORT: 'eighty',
      KOPPEL_PUBLIC_URL: 'ftp://x',
      KOPPEL_SECRET_KEY: 'too-short',
      KOPPEL_LOG_LEVEL: 'loud',
      DATABASE_URL: 'mysql://db',
    });
    expect(problems).toHaveLength(5);
    expect(problems[0]).toMatch(/^KOPPEL_PORT: .*Expected a TCP port number/);
    expect(problems.find((p) => p.startsWith('KOPPEL_SECRET_KEY'))).toMatch(
      /32 bytes.*openssl rand -base64 32/,
    );
    expect(problems.find((p) => p.startsWith('DATABASE_URL'))).toMatch(/postgres:\/\//);
    expect(problems.find((p) => p.startsWith('KOPPEL_LOG_LEVEL'))).toMatch(/one of fatal, error/);
  });

  it('requires a secret key with Postgres, so every process shares it', () => {
    const problems = problemsOf({ DATABASE_URL: 'postgres://u:pw@db/koppel' });
    expect(problems).toEqual([
      expect.stringMatching(/^KOPPEL_SECRET_KEY: required when DATABASE_URL is set/),
    ]);
  });

  it('never echoes a secret value in an error', () => {
    const key = `${randomBytes(31).toString('base64')}`;
    const problems = problemsOf({
      KOPPEL_SECRET_KEY: key,
      DATABASE_URL: 'postgres://u:hunter2hunter2@db/koppel',
    });
    expect(problems.join('\n')).not.toContain(key);
    expect(problems.join('\n')).not.toContain('hunter2hunter2');
  });

  it('reads a KOPPEL_CONFIG file; the environment wins over it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'koppel-config-'));
    const file = path.join(dir, 'koppel.json');
    writeFileSync(file, JSON.stringify({ port: 4000, logLevel: 'debug', dataDir: 'data' }));
    const config = loadConfig({ KOPPEL_CONFIG: file, KOPPEL_LOG_LEVEL: 'warn' }, { cwd: dir });
    expect(config.port).toBe(4000);
    expect(config.logLevel).toBe('warn');
    expect(config.dataDir).toBe(path.join(dir, 'data'));
  });

  it('reports unknown keys, bad JSON and missing files in the config file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'koppel-config-'));
    writeFileSync(path.join(dir, 'typo.json'), JSON.stringify({ prot: 4000 }));
    writeFileSync(path.join(dir, 'broken.json'), '{ port: 4000 ');
    expect(problemsOf({ KOPPEL_CONFIG: path.join(dir, 'typo.json') })[0]).toMatch(
      /"prot" .* is not a Koppel setting/,
    );
    expect(problemsOf({ KOPPEL_CONFIG: path.join(dir, 'broken.json') })[0]).toMatch(/is not valid JSON/);
    expect(problemsOf({ KOPPEL_CONFIG: path.join(dir, 'missing.json') })[0]).toMatch(/file not found/);
    writeFileSync(path.join(dir, 'bad-value.json'), JSON.stringify({ port: -1 }));
    expect(problemsOf({ KOPPEL_CONFIG: path.join(dir, 'bad-value.json') })[0]).toMatch(
      /^"port" in .*bad-value\.json: /,
    );
  });
});
