import { setTimeout } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/storage/database.ts';
import { RECENT_READS_TTL_MS } from '../src/storage/recent-reads.ts';
import {
  ApiClient,
  addMember,
  BACKENDS,
  OWNER,
  signUpOwner,
  startTestHub,
  type TestHub,
} from './support/test-hub.ts';

/**
 * Every statement the hub sends to its database while `run` runs, as the driver receives it:
 * PGlite's `query` and `transaction`, or node-postgres' `Client#query` (the pool's clients; a
 * transaction shows as its BEGIN).
 */
async function statementsDuring(database: Database, run: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const target = (database.pglite ?? pg.Client.prototype) as unknown as Record<string, unknown>;
  const methods = database.pglite ? ['query', 'transaction'] : ['query'];
  const originals = methods.map((name) => [name, target[name]] as const);
  for (const [name, original] of originals) {
    target[name] = function (this: unknown, ...args: unknown[]) {
      const first = args[0];
      const text = typeof first === 'string' ? first : (first as { text?: string } | undefined)?.text;
      seen.push(name === 'query' ? (text ?? '(query)') : `(${name})`);
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
  }
  try {
    await run();
  } finally {
    for (const [name, original] of originals) target[name] = original;
  }
  return seen;
}

const isRead = (statement: string) => /^\s*select\b/i.test(statement);

describe.each(BACKENDS)('database work of signed-in requests on $name', (backend) => {
  let t: TestHub;
  let owner: ApiClient;
  let workspaceId: string;
  let database: Database;

  beforeAll(async () => {
    t = await startTestHub(backend);
    ({ client: owner, workspaceId } = await signUpOwner(t.base));
    database = t.hub.services.platform.database;
  });
  afterAll(() => t?.close());

  it('GET /me reads the session with its user and the workspaces once, then nothing for a few seconds', async () => {
    t.clock.advance(RECENT_READS_TTL_MS + 1);
    const first = await statementsDuring(database, async () => {
      expect((await owner.get('/api/v1/me')).status).toBe(200);
    });
    expect(first).toHaveLength(2);
    expect(first.every(isRead)).toBe(true);
    expect(first[0]).toMatch(/from "sessions" inner join "users"/);
    expect(first[1]).toMatch(/from "memberships" inner join "workspaces"/);

    const burst = await statementsDuring(database, async () => {
      const answers = await Promise.all(Array.from({ length: 30 }, () => owner.get('/api/v1/me')));
      expect(answers.every((a) => a.status === 200)).toBe(true);
    });
    expect(burst).toEqual([]);

    // When the entries expire under a burst, the requests share one lookup of each.
    t.clock.advance(RECENT_READS_TTL_MS + 1);
    const expired = await statementsDuring(database, async () => {
      const answers = await Promise.all(Array.from({ length: 30 }, () => owner.get('/api/v1/me')));
      expect(answers.every((a) => a.status === 200)).toBe(true);
    });
    expect(expired).toHaveLength(2);
  });

  it('writes the "last seen" stamp once a minute, nothing in between', async () => {
    t.clock.advance(2 * 60_000);
    const due = await statementsDuring(database, () => owner.get('/api/v1/me'));
    expect(due.filter((s) => !isRead(s))).toHaveLength(1);
    expect(due.filter((s) => !isRead(s))[0]).toMatch(/^update "sessions" set "last_seen_at"/);
    expect(due.filter(isRead)).toHaveLength(2);
    t.clock.advance(RECENT_READS_TTL_MS + 1);
    const next = await statementsDuring(database, () => owner.get('/api/v1/me'));
    expect(next.filter((s) => !isRead(s))).toEqual([]);
  });

  it('an API token is looked up once and stamped once, then answered from recent reads', async () => {
    const script = new ApiClient(t.base);
    script.bearer = (await owner.post('/api/v1/tokens', { name: 'poller' })).body.token;
    t.clock.advance(RECENT_READS_TTL_MS + 1);
    const first = await statementsDuring(database, () => script.get('/api/v1/me'));
    expect(first.filter(isRead)).toHaveLength(2);
    expect(first.filter((s) => !isRead(s))).toHaveLength(1);
    expect(first.filter((s) => !isRead(s))[0]).toMatch(/^update "api_tokens" set "last_used_at"/);
    expect(await statementsDuring(database, () => script.get('/api/v1/me'))).toEqual([]);
  });

  it('state-changing requests always check the session in the database', async () => {
    await owner.get('/api/v1/me');
    const patch = await statementsDuring(database, async () => {
      expect((await owner.patch('/api/v1/me', { name: OWNER.name })).status).toBe(200);
    });
    expect(patch.filter((s) => /from "sessions" inner join "users"/.test(s))).toHaveLength(1);
  });

  it('a sign-out, a revoked token, a new password and a changed membership count at once', async () => {
    const signedIn = async () => {
      const client = new ApiClient(t.base);
      await client.post('/api/v1/auth/login', { email: OWNER.email, password: OWNER.password });
      expect((await client.get('/api/v1/me')).status).toBe(200);
      return client;
    };
    // Sign-out: the cookie it had stops working on the next request.
    const leaving = await signedIn();
    const cookies = new Map(leaving.cookies);
    expect((await leaving.post('/api/v1/auth/logout')).status).toBe(204);
    leaving.cookies = cookies;
    expect((await leaving.get('/api/v1/me')).status).toBe(401);

    // Revoked token.
    const created = (await owner.post('/api/v1/tokens', { name: 'revoked soon' })).body;
    const script = new ApiClient(t.base);
    script.bearer = created.token;
    expect((await script.get('/api/v1/me')).status).toBe(200);
    expect((await owner.delete(`/api/v1/tokens/${created.id}`)).status).toBe(204);
    expect((await script.get('/api/v1/me')).status).toBe(401);

    // A renamed workspace and a new membership show at once.
    expect((await owner.patch(`/api/v1/workspaces/${workspaceId}`, { name: 'Renamed' })).status).toBe(200);
    expect((await owner.get('/api/v1/me')).body.workspaces[0].name).toBe('Renamed');
    const second = (await owner.post('/api/v1/workspaces', { name: 'Second' })).body;
    const { client: viewer, userId: viewerId } = await addMember(owner, second.id, 'v@example.nl', 'viewer');
    expect((await viewer.get('/api/v1/me')).body.workspaces.map((w: { id: string }) => w.id)).toEqual([
      second.id,
    ]);
    expect((await owner.delete(`/api/v1/workspaces/${second.id}/members/${viewerId}`)).status).toBe(204);
    expect((await viewer.get('/api/v1/me')).body.workspaces).toEqual([]);

    // A new password ends the other sessions.
    const other = await signedIn();
    const changed = await owner.post('/api/v1/me/password', {
      currentPassword: OWNER.password,
      newPassword: 'a-brand-new-harbour-lantern-99',
    });
    expect(changed.status).toBe(204);
    expect((await other.get('/api/v1/me')).status).toBe(401);
    expect((await owner.get('/api/v1/me')).status).toBe(200);
    await owner.post('/api/v1/me/password', {
      currentPassword: 'a-brand-new-harbour-lantern-99',
      newPassword: OWNER.password,
    });
  });

  it.runIf(backend.name === 'postgres')(
    'another server process on the same database hears a sign-out, a revoked token and a rename when they commit',
    async () => {
      const other = await startTestHub(backend, {
        env: { DATABASE_URL: t.config.databaseUrl!, KOPPEL_SECRET_KEY: t.config.secretKey! },
      });
      // The test clocks stand still: only the notification can end what `other` keeps.
      const eventually = async (check: () => Promise<boolean>) => {
        for (let tries = 0; tries < 100 && !(await check()); tries++) await setTimeout(20);
        expect(await check()).toBe(true);
      };
      try {
        const here = new ApiClient(t.base);
        await here.post('/api/v1/auth/login', { email: OWNER.email, password: OWNER.password });
        const there = new ApiClient(other.base);
        there.cookies = new Map(here.cookies);
        expect((await there.get('/api/v1/me')).status).toBe(200);
        expect((await here.post('/api/v1/auth/logout')).status).toBe(204);
        await eventually(async () => (await there.get('/api/v1/me')).status === 401);

        const created = (await owner.post('/api/v1/tokens', { name: 'elsewhere' })).body;
        const script = new ApiClient(other.base);
        script.bearer = created.token;
        expect((await script.get('/api/v1/me')).status).toBe(200);
        expect((await owner.delete(`/api/v1/tokens/${created.id}`)).status).toBe(204);
        await eventually(async () => (await script.get('/api/v1/me')).status === 401);

        const ownerThere = new ApiClient(other.base);
        ownerThere.cookies = new Map(owner.cookies);
        expect((await ownerThere.get('/api/v1/me')).status).toBe(200);
        await owner.patch(`/api/v1/workspaces/${workspaceId}`, { name: 'Renamed elsewhere' });
        await eventually(
          async () => (await ownerThere.get('/api/v1/me')).body.workspaces[0].name === 'Renamed elsewhere',
        );
      } finally {
        await other.close();
      }
    },
  );

  it('a session deleted straight in the database reads for at most the cache lifetime and changes nothing', async () => {
    const client = new ApiClient(t.base);
    await client.post('/api/v1/auth/login', { email: OWNER.email, password: OWNER.password });
    const sessions = (await client.get('/api/v1/me/sessions')).body as { id: string; current: boolean }[];
    const sessionId = sessions.find((s) => s.current)!.id;
    expect((await client.get('/api/v1/me')).status).toBe(200);
    // Not through a hub, so no process is told.
    const signOut = 'delete from sessions where id = $1';
    if (database.pglite) await database.pglite.query(signOut, [sessionId]);
    else await database.pool!.query(signOut, [sessionId]);
    expect((await client.get('/api/v1/me')).status).toBe(200);
    expect((await client.patch('/api/v1/me', { name: 'Not allowed' })).status).toBe(401);
    t.clock.advance(RECENT_READS_TTL_MS + 1);
    expect((await client.get('/api/v1/me')).status).toBe(401);
  });
});
