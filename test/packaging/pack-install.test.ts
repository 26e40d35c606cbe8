// The packages as npm users get them: `npm pack` each published package, install the tarballs
// into an empty project outside the repository, and use them there with the pinned Node 24 and
// nothing of the repository on PATH or in NODE_OPTIONS, so only the compiled build can load.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PUBLISHED = ['exact', 'exact-sim', 'hub'];
const POSTGRES_ADMIN_URL =
  process.env.KOPPEL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface PackedFile {
  path: string;
  size: number;
}
interface PackResult {
  name: string;
  filename: string;
  size: number;
  unpackedSize: number;
  files: PackedFile[];
}
interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** npm's own CLI script, run below with the pinned Node rather than whatever Node `npm` would pick. */
function npmCli(): string {
  if (process.env.npm_execpath) return path.join(path.dirname(process.env.npm_execpath), 'npm-cli.js');
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'npm');
    if (existsSync(candidate) && realpathSync(candidate).endsWith('.js')) return realpathSync(candidate);
  }
  throw new Error('npm not found on PATH: the packaging test runs npm pack and npm install');
}

const NPM = npmCli();
const NPX = path.join(path.dirname(NPM), 'npx-cli.js');

/** PATH with the pinned Node first and no folder of the repository (its node_modules/.bin links to sources). */
function outsidePath(): string {
  const inRepo = (dir: string) => path.resolve(dir).startsWith(ROOT);
  const rest = (process.env.PATH ?? '').split(path.delimiter).filter((dir) => dir && !inRepo(dir));
  return [path.dirname(process.execPath), ...rest].join(path.delimiter);
}

/**
 * The machine's environment (certificates, proxies, HOME) as a user would have it, less what this
 * run adds: NODE_OPTIONS (the repository's source condition), npm's per-run settings, Vitest's marks.
 */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(npm_|node_options$|node_env$|init_cwd$|vitest|test$)/i.test(name)) env[name] = value;
  }
  return { ...env, PATH: outsidePath(), ...extra };
}

/** Runs Node (the pinned one unless `node` is given) with `args` to completion. */
function run(args: string[], cwd: string, env = userEnv(), node = process.execPath): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, args, { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts a long-running command in its own process group (npx runs the bin in a child of its own). */
function startLongRunning(script: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [script, ...args], { cwd, env, detached: true });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  child.stdout.on('data', (d) => {
    output += d;
  });
  child.stderr.on('data', (d) => {
    output += d;
  });
  return {
    child,
    exited,
    /** Resolves with the first match of `pattern` in the output; rejects if the process exits first. */
    waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = output.match(pattern);
          if (match) {
            child.stdout.off('data', check);
            resolve(match);
          }
        };
        child.stdout.on('data', check);
        check();
        exited.then((code) => reject(new Error(`exited with ${code} before ${pattern}:\n${output}`)));
      });
    },
    async stop(): Promise<number | null> {
      if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      return exited;
    },
  };
}

function expectSuccess(result: Run, what: string): void {
  if (result.code !== 0)
    throw new Error(`${what} exited with ${result.code}:\n${result.stdout}\n${result.stderr}`);
}

// Plain JavaScript, as an application using the SDK would write it: authorize with the
// simulator's login (the non-interactive consent form), then read accounts through sync.
const READ_ACCOUNTS = `
import { accounts, ExactClient } from '@koppel/exact';

const url = process.argv[2];
const info = await (await fetch(url + '/_sim/info')).json();
const app = info.apps[0];
const user = info.users[0];
const consent = await fetch(url + '/api/oauth2/auth', {
  method: 'POST',
  redirect: 'manual',
  body: new URLSearchParams({
    client_id: app.clientId, redirect_uri: app.redirectUri, response_type: 'code', state: 'pack-test',
    username: user.username, password: user.password, consent: 'allow',
  }),
});
const code = new URL(consent.headers.get('location')).searchParams.get('code');
const exact = new ExactClient({ region: url, clientId: app.clientId, clientSecret: app.clientSecret, redirectUri: app.redirectUri });
await exact.connect(code);
const [division] = await exact.divisions();
const d = exact.division(division.Code);
const names = [];
for await (const page of d.sync(accounts, { since: '0', select: ['ID', 'Code', 'Name'] })) {
  for (const row of page.rows) names.push(row.Name);
}
console.log(JSON.stringify({
  sdk: import.meta.resolve('@koppel/exact'),
  division: division.Code,
  synced: names.length,
  counted: await d.query(accounts).count(),
  first: names[0],
}));
`;

// The exact-sim README's fixture, from plain JavaScript, with the SDK on top.
const FIXTURE = `
import { ExactClient, MemoryTokenStore } from '@koppel/exact';
import { startExactSim } from '@koppel/exact-sim';

const sim = await startExactSim({ divisions: [{ code: 4242, description: 'Pack Test BV' }] });
try {
  const tokenStore = new MemoryTokenStore();
  await tokenStore.save(sim.client.clientId, sim.client.tokens);
  const exact = new ExactClient({
    region: sim.url,
    clientId: sim.client.clientId,
    clientSecret: sim.client.clientSecret,
    redirectUri: sim.client.redirectUri,
    tokenStore,
  });
  const divisions = await exact.divisions();
  console.log(JSON.stringify({ fixture: import.meta.resolve('@koppel/exact-sim'), divisions: divisions.map((d) => d.Code) }));
} finally {
  await sim.stop();
}
`;

// TypeScript, as an application would type-check against the shipped declarations: the
// expected errors prove the types are real rather than \`any\`.
const CONSUMER_TS = `
import { accounts, ExactClient, MemoryTokenStore, type Row } from '@koppel/exact';
import { type ExactSim, startExactSim } from '@koppel/exact-sim';
import { createHub, type Hub, loadConfig } from '@koppel/hub';

export async function accountNames(sim: ExactSim): Promise<string[]> {
  const tokenStore = new MemoryTokenStore();
  await tokenStore.save(sim.client.clientId, sim.client.tokens);
  const exact = new ExactClient({ ...sim.client, region: sim.url, tokenStore });
  const rows: Row<typeof accounts>[] = [];
  for await (const page of exact.division(sim.client.divisions[0]!).sync(accounts, { since: '0' })) {
    rows.push(...page.rows);
  }
  // @ts-expect-error Name is text
  const wrong: number | null | undefined = rows[0]?.Name;
  return wrong === undefined ? rows.map((row) => row.Name ?? '') : [];
}
// @ts-expect-error divisions are objects with a description
export const bad = () => startExactSim({ divisions: [1001] });
export const hub = (): Promise<Hub> => createHub(loadConfig({ KOPPEL_DATA_DIR: 'memory://' }));
`;

describe('the published packages, installed from their tarballs outside the repository', () => {
  let work: string;
  let app: string;
  let packed: PackResult[];

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'koppel-pack-'));
    const tarballs = path.join(work, 'tarballs');
    app = path.join(work, 'app');
    mkdirSync(tarballs);
    mkdirSync(app);

    const workspaces = PUBLISHED.flatMap((name) => ['-w', `packages/${name}`]);
    const pack = await run([NPM, 'pack', ...workspaces, '--pack-destination', tarballs, '--json'], ROOT);
    expectSuccess(pack, 'npm pack');
    packed = JSON.parse(pack.stdout) as PackResult[];
    console.log(
      ['tarball sizes (npm pack):']
        .concat(
          packed.map(
            (p) =>
              `  ${p.filename.padEnd(28)} ${(p.size / 1024).toFixed(1).padStart(7)} KiB packed, ` +
              `${(p.unpackedSize / 1024).toFixed(1).padStart(7)} KiB unpacked, ${p.files.length} files`,
          ),
        )
        .join('\n'),
    );

    writeFileSync(
      path.join(app, 'package.json'),
      JSON.stringify({ name: 'koppel-pack-test', private: true, type: 'module' }),
    );
    // The repository's own TypeScript and Node types, to type-check a consumer against the tarballs.
    const tools = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).devDependencies as Record<
      string,
      string
    >;
    const install = await run(
      [
        NPM,
        'install',
        '--no-audit',
        '--no-fund',
        ...packed.map((p) => path.join(tarballs, p.filename)),
        `typescript@${tools.typescript}`,
        `@types/node@${tools['@types/node']}`,
      ],
      app,
    );
    expectSuccess(install, 'npm install of the tarballs');
  }, 480_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('ship only their own build, declarations, bins and migrations: no tests, sources or secrets', () => {
    expect(packed.map((p) => p.name).sort()).toEqual(PUBLISHED.map((name) => `@koppel/${name}`).sort());
    for (const tarball of packed) {
      const folder = path.join(ROOT, 'packages', tarball.name.replace('@koppel/', ''));
      const manifest = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8')) as {
        files: string[];
      };
      const paths = tarball.files.map((f) => f.path);
      expect(paths).toEqual(
        expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'dist/index.js']),
      );
      for (const file of paths) {
        const top = file.split('/')[0]!;
        const listed =
          manifest.files.includes(top) || ['package.json', 'README.md', 'LICENSE'].includes(file);
        expect(listed, `${tarball.name}: ${file} is outside its "files"`).toBe(true);
        expect(file, `${tarball.name}: test file`).not.toMatch(
          /(^|\/)(test|tests|__tests__)\/|\.(test|spec)\./,
        );
        expect(file, `${tarball.name}: TypeScript source`).not.toMatch(/(?<!\.d)\.ts$/);
        expect(file, `${tarball.name}: secret`).not.toMatch(
          /(^|\/)(\.env|\.npmrc|\.koppel\/)|\.(pem|key|p12)$/,
        );
        // Compiled files map one to one onto the package's own sources: nothing of another package.
        const compiled = /^dist\/(.+?)(\.d\.ts|\.js\.map|\.js)$/.exec(file);
        if (compiled) {
          expect(existsSync(path.join(folder, 'src', `${compiled[1]}.ts`)), `${tarball.name}: ${file}`).toBe(
            true,
          );
        }
      }
      for (const file of paths) {
        const text = readFileSync(path.join(app, 'node_modules', tarball.name, file), 'utf8');
        expect(text, `${tarball.name}: ${file}`).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
      }
    }
  });

  it('reads accounts through sync with the SDK from plain JavaScript, against `npx exact-sim`', async () => {
    writeFileSync(path.join(app, 'read-accounts.js'), READ_ACCOUNTS);
    const sim = startLongRunning(NPX, ['exact-sim', '--port', '0'], app, userEnv());
    try {
      const [, url] = await sim.waitFor(/exact-sim listening on (http:\/\/127\.0\.0\.1:\d+)/);
      const result = await run([path.join(app, 'read-accounts.js'), url!], app);
      expectSuccess(result, 'read-accounts.js');
      const report = JSON.parse(result.stdout) as {
        sdk: string;
        synced: number;
        counted: number;
        first: string;
      };
      expect(fileURLToPath(report.sdk)).toBe(path.join(app, 'node_modules/@koppel/exact/dist/index.js'));
      expect(report.synced).toBeGreaterThan(0);
      expect(report.synced).toBe(report.counted);
      expect(report.first).toEqual(expect.any(String));
    } finally {
      await sim.stop();
    }
  }, 60_000);

  it("starts exact-sim's test fixture from plain JavaScript and calls it with the SDK", async () => {
    writeFileSync(path.join(app, 'fixture.js'), FIXTURE);
    const result = await run([path.join(app, 'fixture.js')], app);
    expectSuccess(result, 'fixture.js');
    const report = JSON.parse(result.stdout) as { fixture: string; divisions: number[] };
    expect(fileURLToPath(report.fixture)).toBe(
      path.join(app, 'node_modules/@koppel/exact-sim/dist/index.js'),
    );
    expect(report.divisions).toEqual([4242]);
  }, 60_000);

  it('run on the oldest Node their engines allow: the SDK with the fixture, and koppel migrate', async () => {
    const engines = PUBLISHED.map(
      (name) =>
        JSON.parse(readFileSync(path.join(ROOT, 'packages', name, 'package.json'), 'utf8')).engines.node,
    );
    expect(new Set(engines).size).toBe(1);
    const minimum = /^>=(\d+\.\d+)$/.exec(engines[0])?.[1];
    expect(minimum, `engines.node ${engines[0]} is not ">=major.minor"`).toBeDefined();
    const oldest = path.join(work, 'oldest-node');
    mkdirSync(oldest);
    writeFileSync(
      path.join(oldest, 'package.json'),
      JSON.stringify({ name: 'oldest-node', private: true, allowScripts: { node: true } }),
    );
    expectSuccess(
      await run([NPM, 'install', '--no-audit', '--no-fund', `node@${minimum}.0`], oldest),
      `npm install node@${minimum}.0`,
    );
    const node = path.join(oldest, 'node_modules/node/bin/node');
    expect((await run(['-p', 'process.version'], app, userEnv(), node)).stdout.trim()).toBe(`v${minimum}.0`);

    writeFileSync(path.join(app, 'fixture.js'), FIXTURE);
    const fixture = await run([path.join(app, 'fixture.js')], app, userEnv(), node);
    expectSuccess(fixture, `fixture.js on Node ${minimum}`);
    expect(JSON.parse(fixture.stdout).divisions).toEqual([4242]);
    const koppel = path.join(app, 'node_modules/@koppel/hub/bin/koppel.js');
    const dataDir = path.join(work, 'oldest-node-data');
    const migrate = await run([koppel, 'migrate', '--data-dir', dataDir], app, userEnv(), node);
    expectSuccess(migrate, `koppel migrate on Node ${minimum}`);
    expect(migrate.stdout).toMatch(/applied [1-9]\d* migration\(s\)/);
  }, 120_000);

  it('import at run time only packages they declare as dependencies', () => {
    for (const tarball of packed) {
      const installed = path.join(app, 'node_modules', tarball.name);
      const manifest = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as {
        dependencies?: Record<string, string>;
      };
      const allowed = new Set([tarball.name, ...Object.keys(manifest.dependencies ?? {})]);
      for (const file of tarball.files.map((f) => f.path).filter((f) => f.endsWith('.js'))) {
        const code = readFileSync(path.join(installed, file), 'utf8');
        // Statements only (static, side-effect and dynamic imports), so prose such as "an import's
        // results" in a string is not taken for a specifier.
        const specifiers = [
          ...code.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*['"]([^'"]+)['"]/gm),
          ...code.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm),
          ...code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
        ];
        for (const [, specifier] of specifiers) {
          if (specifier!.startsWith('.') || specifier!.startsWith('node:')) continue;
          const parts = specifier!.split('/');
          const name = specifier!.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
          if (builtinModules.includes(name)) continue;
          expect(allowed.has(name), `${tarball.name}/${file} imports ${name}, not in its dependencies`).toBe(
            true,
          );
        }
      }
    }
  });

  it('type-check a TypeScript consumer against their declarations (the "types" exports)', async () => {
    writeFileSync(path.join(app, 'consumer.ts'), CONSUMER_TS);
    writeFileSync(
      path.join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          target: 'es2024',
          strict: true,
          noEmit: true,
          types: ['node'],
          // Third-party declarations (drizzle, PGlite) do not all check cleanly; ours are
          // exercised by the code above, whose expected errors fail if a type degrades to any.
          skipLibCheck: true,
        },
        files: ['consumer.ts'],
      }),
    );
    const tsc = await run([path.join(app, 'node_modules/typescript/bin/tsc'), '-p', '.'], app);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.code).toBe(0);
  }, 60_000);

  describe('koppel, against a fresh Postgres database', () => {
    const database = `koppel_pack_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    let env: NodeJS.ProcessEnv;

    async function admin(sql: string): Promise<void> {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    }

    beforeAll(async () => {
      await admin(`create database ${database}`);
      const url = new URL(POSTGRES_ADMIN_URL);
      url.pathname = `/${database}`;
      env = userEnv({
        DATABASE_URL: url.toString(),
        KOPPEL_SECRET_KEY: randomBytes(32).toString('base64'),
        KOPPEL_DATA_DIR: path.join(work, 'koppel-data'),
      });
    });
    afterAll(() => admin(`drop database if exists ${database} with (force)`));

    it('koppel --help lists the commands', async () => {
      const help = await run([NPX, 'koppel', '--help'], app, env);
      expectSuccess(help, 'koppel --help');
      expect(help.stdout).toMatch(/Usage: koppel/);
      for (const command of ['start', 'server', 'worker', 'migrate']) expect(help.stdout).toContain(command);
      // The bin loads the compiled CLI of the installed package.
      const resolved = await run(
        ['--input-type=module', '-e', "console.log(import.meta.resolve('@koppel/hub/cli'))"],
        app,
        env,
      );
      expect(fileURLToPath(resolved.stdout.trim())).toBe(
        path.join(app, 'node_modules/@koppel/hub/dist/cli/main.js'),
      );
    }, 60_000);

    it('koppel migrate applies the shipped migrations, then finds none left', async () => {
      const first = await run([NPX, 'koppel', 'migrate'], app, env);
      expectSuccess(first, 'koppel migrate');
      expect(first.stdout).toMatch(/applied [1-9]\d* migration\(s\)/);
      const again = await run([NPX, 'koppel', 'migrate'], app, env);
      expect(again.stdout).toMatch(/applied 0 migration\(s\)/);
    }, 60_000);

    it('koppel start serves a healthy /healthz and stops on SIGTERM', async () => {
      const hub = startLongRunning(NPX, ['koppel', 'start', '--port', '0'], app, env);
      try {
        const [, address] = await hub.waitFor(/"address":"(http:\/\/[^"]+)".*koppel hub listening/);
        const health = await fetch(`${address}/healthz`);
        expect(health.status).toBe(200);
        expect(await health.json()).toEqual({ status: 'ok' });
      } finally {
        await hub.stop();
      }
    }, 60_000);
  });
});
