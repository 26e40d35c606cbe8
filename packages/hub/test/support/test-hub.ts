import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import { type CreateHubOptions, createHub, type Hub } from '../../src/cli/hub.ts';
import type { Clock } from '../../src/clock.ts';
import { type HubConfig, IN_MEMORY_DATA_DIR, loadConfig } from '../../src/config/config.ts';
import { MIGRATIONS_FOLDER, migrateDatabase, openDatabase } from '../../src/storage/database.ts';
import { processIsAlive } from '../../src/storage/process-liveness.ts';

export const POSTGRES_ADMIN_URL =
  process.env.KOPPEL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A clock the test moves by hand. */
export class TestClock implements Clock {
  #ms: number;
  constructor(start = Date.now()) {
    this.#ms = start;
  }
  now(): Date {
    return new Date(this.#ms);
  }
  advance(ms: number): void {
    this.#ms += ms;
  }
}

/** Collects every log line so tests can assert what was (not) logged. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    callback();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

export interface PreparedBackend {
  env: Record<string, string>;
  hubOptions: CreateHubOptions;
  dispose(): Promise<void>;
}

export interface Backend {
  name: 'pglite' | 'postgres';
  /** Creates an isolated database (a temp data dir, or a fresh Postgres database). */
  prepare(): Promise<PreparedBackend>;
}

let templatePromise: Promise<Blob> | undefined;

/**
 * A dump of a migrated embedded database, shared by every test process through a file in the
 * temp dir (keyed by the migrations), so each PGlite hub skips initdb and the migrations.
 */
function migratedPgliteTemplate(): Promise<Blob> {
  templatePromise ??= (async () => {
    const journal = readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'));
    const migrations = readdirSync(MIGRATIONS_FOLDER)
      .filter((f) => f.endsWith('.sql'))
      .sort()
      .map((f) => readFileSync(path.join(MIGRATIONS_FOLDER, f)));
    const digest = createHash('sha256').update(journal);
    for (const m of migrations) digest.update(m);
    const file = path.join(tmpdir(), `koppel-pglite-template-${digest.digest('hex').slice(0, 16)}.tar`);
    try {
      return new Blob([readFileSync(file)]);
    } catch {
      const database = await openDatabase({ databaseUrl: undefined, dataDir: IN_MEMORY_DATA_DIR });
      await migrateDatabase(database);
      const dump = await database.pglite!.dumpDataDir('none');
      await database.close();
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, Buffer.from(await dump.arrayBuffer()));
      renameSync(temp, file);
      return dump;
    }
  })();
  return templatePromise;
}

/** Drops test databases left by test processes that died before cleaning up (the pid is in the name). */
async function dropOrphanedTestDatabases(admin: pg.Client): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>(
    "select datname from pg_database where datname like 'koppel\\_hub\\_test\\_%'",
  );
  for (const { datname } of rows) {
    const pid = Number(datname.split('_')[3]);
    if (!Number.isInteger(pid) || processIsAlive(pid)) continue;
    await admin.query(`drop database if exists ${datname} with (force)`).catch(() => {});
  }
}

export const BACKENDS: Backend[] = [
  {
    name: 'pglite',
    async prepare() {
      const dir = mkdtempSync(path.join(tmpdir(), 'koppel-hub-test-'));
      return {
        env: { KOPPEL_DATA_DIR: dir },
        hubOptions: { pgliteTemplate: await migratedPgliteTemplate() },
        dispose: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'postgres',
    async prepare() {
      const name = `koppel_hub_test_${process.pid}_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await admin.connect();
      await dropOrphanedTestDatabases(admin);
      await admin.query(`create database ${name}`);
      await admin.end();
      const url = new URL(POSTGRES_ADMIN_URL);
      url.pathname = `/${name}`;
      return {
        env: { DATABASE_URL: url.toString(), KOPPEL_SECRET_KEY: randomBytes(32).toString('base64') },
        hubOptions: {},
        dispose: async () => {
          const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
          await client.connect();
          await client.query(`drop database if exists ${name} with (force)`);
          await client.end();
        },
      };
    },
  },
];

export interface TestHub {
  hub: Hub;
  base: string;
  clock: TestClock;
  logs: LogCapture;
  config: HubConfig;
  /** The URL users and Exact reach the hub on (the port bound, unless KOPPEL_PUBLIC_URL is set). */
  publicUrl: string;
  close(): Promise<void>;
}

export async function startTestHub(
  backend: Backend,
  options: { env?: Record<string, string>; hub?: CreateHubOptions } = {},
): Promise<TestHub> {
  const prepared = await backend.prepare();
  const config = loadConfig({
    KOPPEL_PORT: '0',
    KOPPEL_LOG_LEVEL: 'info',
    ...prepared.env,
    ...options.env,
  });
  const clock = new TestClock();
  const logs = new LogCapture();
  const hub = await createHub(config, {
    clock,
    logDestination: logs,
    ...prepared.hubOptions,
    ...options.hub,
  });
  const base = await hub.listen();
  return {
    hub,
    base,
    clock,
    logs,
    config,
    publicUrl: hub.services.platform.publicUrl.value,
    async close() {
      await hub.close();
      await prepared.dispose();
    },
  };
}

/** Response bodies in tests are read field by field and checked by assertions. */
// biome-ignore lint/suspicious/noExplicitAny: the assertions are the type check here
export type LooseJson = any;

export interface ApiResponse<T = LooseJson> {
  status: number;
  body: T;
  headers: Headers;
}

/** A browser-like API client: keeps cookies, sends the CSRF header, or a bearer token. */
export class ApiClient {
  readonly base: string;
  cookies = new Map<string, string>();
  csrfToken: string | undefined;
  bearer: string | undefined;
  sendCsrf = true;

  constructor(base: string) {
    this.base = base;
  }

  async request<T = LooseJson>(
    method: string,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const h: Record<string, string> = { ...headers };
    if (body !== undefined) h['content-type'] ??= 'application/json';
    if (this.cookies.size > 0) h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (this.sendCsrf && this.csrfToken) h['x-koppel-csrf'] = this.csrfToken;
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    const response = await fetch(this.base + url, {
      method,
      headers: h,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, ...rest] = pair!.split('=');
      const value = rest.join('=');
      if (value === '' || /Expires=Thu, 01 Jan 1970/i.test(cookie)) this.cookies.delete(name!);
      else this.cookies.set(name!, value);
    }
    const text = await response.text();
    const parsed = text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
    if (parsed && typeof parsed === 'object' && typeof parsed.csrfToken === 'string')
      this.csrfToken = parsed.csrfToken;
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  get = <T = LooseJson>(url: string) => this.request<T>('GET', url);
  post = <T = LooseJson>(url: string, body: unknown = {}) => this.request<T>('POST', url, body);
  patch = <T = LooseJson>(url: string, body: unknown = {}) => this.request<T>('PATCH', url, body);
  delete = <T = LooseJson>(url: string) => this.request<T>('DELETE', url);
}

/** A client that comes from `address` (for a hub started with KOPPEL_TRUST_PROXY, which trusts X-Forwarded-For). */
export function clientFrom(base: string, address: string): ApiClient {
  const client = new ApiClient(base);
  const request = client.request.bind(client);
  client.request = (method, url, body, headers = {}) =>
    request(method, url, body, { ...headers, 'x-forwarded-for': address });
  return client;
}

export const OWNER = { email: 'owner@example.nl', name: 'Olga Owner', password: 'owner-password-123' };

/** Signs up the first user and returns a signed-in client and their first workspace id. */
export async function signUpOwner(
  base: string,
): Promise<{ client: ApiClient; workspaceId: string; userId: string }> {
  const client = new ApiClient(base);
  const signup = await client.post('/api/v1/auth/signup', OWNER);
  if (signup.status !== 201) throw new Error(`signup failed: ${JSON.stringify(signup.body)}`);
  const me = await client.get('/api/v1/me');
  return { client, workspaceId: me.body.workspaces[0].id, userId: signup.body.user.id };
}

/** Invites `email` with `role` and accepts as a new user; returns their signed-in client. */
export async function addMember(
  owner: ApiClient,
  workspaceId: string,
  email: string,
  role: 'owner' | 'admin' | 'viewer',
): Promise<{ client: ApiClient; userId: string }> {
  const invite = await owner.post(`/api/v1/workspaces/${workspaceId}/invitations`, { email, role });
  if (invite.status !== 201) throw new Error(`invite failed: ${JSON.stringify(invite.body)}`);
  const client = new ApiClient(owner.base);
  const accepted = await client.post('/api/v1/invitations/accept', {
    token: invite.body.token,
    name: email.split('@')[0],
    password: `${email}-password`,
  });
  if (accepted.status !== 200) throw new Error(`accept failed: ${JSON.stringify(accepted.body)}`);
  return { client, userId: accepted.body.user.id };
}
