import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../src/auth/totp.ts';
import { createHub } from '../src/cli/hub.ts';
import {
  ApiClient,
  BACKENDS,
  LogCapture,
  OWNER,
  signUpOwner,
  startTestHub,
  type TestHub,
} from './support/test-hub.ts';

describe.each(BACKENDS)('auth on $name', (backend) => {
  let t: TestHub;
  let owner: ApiClient;

  beforeAll(async () => {
    t = await startTestHub(backend);
    owner = (await signUpOwner(t.base)).client;
  });
  afterAll(() => t?.close());

  it('closes sign-up after the first user', async () => {
    const second = await new ApiClient(t.base).post('/api/v1/auth/signup', {
      email: 'late@example.nl',
      name: 'Late',
      password: 'late-password-123',
    });
    expect(second.status).toBe(403);
    expect(second.body.error.code).toBe('signup_closed');
  });

  it('sets session cookies HttpOnly and SameSite=Lax, without Secure on plain http', async () => {
    const client = new ApiClient(t.base);
    const response = await client.post('/api/v1/auth/login', {
      email: OWNER.email,
      password: OWNER.password,
    });
    expect(response.status).toBe(200);
    const cookies = response.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith('koppel_session='))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Lax/);
    expect(session).not.toMatch(/Secure/);
    expect(cookies.find((c) => c.startsWith('koppel_csrf='))).not.toMatch(/HttpOnly/);
  });

  it('refuses a wrong password with the same answer as an unknown account', async () => {
    const wrong = await new ApiClient(t.base).post('/api/v1/auth/login', {
      email: OWNER.email,
      password: 'nope-nope-nope',
    });
    const unknown = await new ApiClient(t.base).post('/api/v1/auth/login', {
      email: 'ghost@example.nl',
      password: 'nope-nope-nope',
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error).toEqual(unknown.body.error);
  });

  it('requires the CSRF header on cookie-authenticated changes', async () => {
    owner.sendCsrf = false;
    const refused = await owner.post('/api/v1/workspaces', { name: 'No CSRF' });
    owner.sendCsrf = true;
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('csrf_token_invalid');
    const accepted = await owner.post('/api/v1/workspaces', { name: 'With CSRF' });
    expect(accepted.status).toBe(201);
  });

  it('logs out: the old session cookie stops working', async () => {
    const client = new ApiClient(t.base);
    await client.post('/api/v1/auth/login', { email: OWNER.email, password: OWNER.password });
    const saved = new Map(client.cookies);
    expect((await client.post('/api/v1/auth/logout')).status).toBe(204);
    client.cookies = saved;
    expect((await client.get('/api/v1/me')).status).toBe(401);
  });

  it('issues API tokens shown once, usable as Bearer, revocable, and unable to mint more tokens', async () => {
    const created = await owner.post('/api/v1/tokens', { name: 'ci script' });
    expect(created.status).toBe(201);
    const token: string = created.body.token;
    expect(token).toMatch(/^kpt_/);
    const list = await owner.get('/api/v1/tokens');
    expect(list.body.map((x: { id: string }) => x.id)).toContain(created.body.id);
    expect(JSON.stringify(list.body)).not.toContain(token);

    const script = new ApiClient(t.base);
    script.bearer = token;
    const me = await script.get('/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body.via).toBe('api_token');
    // Bearer requests need no CSRF header.
    expect((await script.post('/api/v1/workspaces', { name: 'From script' })).status).toBe(201);
    expect((await script.post('/api/v1/tokens', { name: 'escalate' })).status).toBe(403);

    expect((await owner.delete(`/api/v1/tokens/${created.body.id}`)).status).toBe(204);
    expect((await script.get('/api/v1/me')).status).toBe(401);
    script.bearer = 'kpt_forged';
    expect((await script.get('/api/v1/me')).status).toBe(401);
  });

  it('changes the name and the password; the password change signs out other sessions', async () => {
    const renamed = await owner.patch('/api/v1/me', { name: 'Olga O.' });
    expect(renamed.body.name).toBe('Olga O.');
    const laptop = new ApiClient(t.base);
    await laptop.post('/api/v1/auth/login', { email: OWNER.email, password: OWNER.password });
    const wrong = await owner.post('/api/v1/me/password', {
      currentPassword: 'not-the-password',
      newPassword: 'x'.repeat(12),
    });
    expect(wrong.status).toBe(401);
    const weak = await owner.post('/api/v1/me/password', {
      currentPassword: OWNER.password,
      newPassword: 'short',
    });
    expect(weak.body.error.code).toBe('weak_password');
    const changed = await owner.post('/api/v1/me/password', {
      currentPassword: OWNER.password,
      newPassword: 'a-brand-new-password',
    });
    expect(changed.status).toBe(204);
    expect((await owner.get('/api/v1/me')).status).toBe(200);
    expect((await laptop.get('/api/v1/me')).status).toBe(401);
    const oldLogin = await new ApiClient(t.base).post('/api/v1/auth/login', {
      email: OWNER.email,
      password: OWNER.password,
    });
    expect(oldLogin.status).toBe(401);
    await owner.post('/api/v1/me/password', {
      currentPassword: 'a-brand-new-password',
      newPassword: OWNER.password,
    });
    await t.hub.services.repositories.rateLimits.reset('login:account:owner@example.nl');
  });

  it('lists your sessions and signs out one of them', async () => {
    const laptop = new ApiClient(t.base);
    await laptop.request(
      'POST',
      '/api/v1/auth/login',
      { email: OWNER.email, password: OWNER.password },
      { 'user-agent': 'laptop' },
    );
    const list = await owner.get('/api/v1/me/sessions');
    expect(list.status).toBe(200);
    expect(list.body.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    const laptopSession = list.body.find((s: { userAgent: string | null }) => s.userAgent === 'laptop');
    expect(laptopSession.current).toBe(false);
    expect(JSON.stringify(list.body)).not.toContain(laptop.cookies.get('koppel_session'));
    expect((await owner.delete(`/api/v1/me/sessions/${laptopSession.id}`)).status).toBe(204);
    expect((await laptop.get('/api/v1/me')).status).toBe(401);
    expect((await owner.delete(`/api/v1/me/sessions/${laptopSession.id}`)).status).toBe(404);
  });

  it('expires API tokens', async () => {
    const created = await owner.post('/api/v1/tokens', { name: 'short', expiresInDays: 1 });
    const script = new ApiClient(t.base);
    script.bearer = created.body.token;
    expect((await script.get('/api/v1/me')).status).toBe(200);
    t.clock.advance(2 * 86_400_000);
    expect((await script.get('/api/v1/me')).status).toBe(401);
  });
});

describe.each(BACKENDS)('two-factor login and throttling on $name', (backend) => {
  let t: TestHub;

  beforeAll(async () => {
    t = await startTestHub(backend);
    await signUpOwner(t.base);
  });
  afterAll(() => t?.close());

  it('enrols TOTP, then asks for the code as a second step and refuses replays', async () => {
    const client = new ApiClient(t.base);
    await client.post('/api/v1/auth/login', { email: OWNER.email, password: OWNER.password });
    const enrol = await client.post('/api/v1/me/totp');
    expect(enrol.status).toBe(200);
    const secret: string = enrol.body.secret;
    expect(enrol.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/Koppel:owner%40example\.nl\?secret=/);
    expect((await client.post('/api/v1/me/totp/confirm', { code: '000000' })).status).toBe(400);
    const confirm = await client.post('/api/v1/me/totp/confirm', { code: totpCode(secret, t.clock.now()) });
    expect(confirm.status).toBe(200);
    expect(confirm.body.totpEnabled).toBe(true);

    t.clock.advance(60_000);
    const browser = new ApiClient(t.base);
    const first = await browser.post('/api/v1/auth/login', { email: OWNER.email, password: OWNER.password });
    expect(first.body.status).toBe('totp_required');
    // Half signed in is not signed in.
    expect((await browser.get('/api/v1/me')).status).toBe(401);
    const code = totpCode(secret, t.clock.now());
    const second = await browser.post('/api/v1/auth/login/totp', { code });
    expect(second.status).toBe(200);
    expect((await browser.get('/api/v1/me')).status).toBe(200);

    const replay = new ApiClient(t.base);
    await replay.post('/api/v1/auth/login', { email: OWNER.email, password: OWNER.password });
    const replayed = await replay.post('/api/v1/auth/login/totp', { code });
    expect(replayed.status).toBe(401);

    // Disabling needs the password and a fresh code.
    t.clock.advance(30_000);
    const disable = await browser.post('/api/v1/me/totp/disable', {
      password: OWNER.password,
      code: totpCode(secret, t.clock.now()),
    });
    expect(disable.status).toBe(200);
    expect(disable.body.totpEnabled).toBe(false);
  });

  it('throttles failed logins per account and address, in the database, and lets them through after the window', async () => {
    await t.hub.services.repositories.rateLimits.reset('login:pair:owner@example.nl|127.0.0.1');
    const attacker = new ApiClient(t.base);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      statuses.push(
        (await attacker.post('/api/v1/auth/login', { email: OWNER.email, password: `wrong-${i}` })).status,
      );
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
    // Even the right password is refused from this address until the window ends.
    const locked = await attacker.post('/api/v1/auth/login', {
      email: OWNER.email,
      password: OWNER.password,
    });
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toMatch(/^\d+$/);
    const stored = await t.hub.services.repositories.rateLimits.current(
      'login:pair:owner@example.nl|127.0.0.1',
      t.clock.now(),
      15 * 60_000,
    );
    expect(stored.count).toBe(10);

    t.clock.advance(16 * 60_000);
    const after = await attacker.post('/api/v1/auth/login', { email: OWNER.email, password: OWNER.password });
    expect(after.status).toBe(200);
  });

  it('throttles one IP address spraying many accounts', async () => {
    t.clock.advance(16 * 60_000);
    const sprayer = new ApiClient(t.base);
    for (let i = 0; i < 50; i++) {
      const response = await sprayer.post('/api/v1/auth/login', {
        email: `user${i}@example.nl`,
        password: 'Spring2026!',
      });
      expect(response.status).toBe(401);
    }
    // A fresh account, the right password, but the IP has used up its attempts.
    const blocked = await sprayer.post('/api/v1/auth/login', {
      email: OWNER.email,
      password: OWNER.password,
    });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('too_many_attempts');
  });
});

describe.each(BACKENDS)('concurrent sign-ups on $name', (backend) => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub(backend);
  });
  afterAll(() => t?.close());

  it('lets exactly one of several simultaneous sign-ups become the first user', async () => {
    const attempts = await Promise.all(
      [1, 2, 3, 4, 5].map((i) =>
        new ApiClient(t.base).post('/api/v1/auth/signup', {
          email: `racer${i}@example.nl`,
          name: `Racer ${i}`,
          password: `racer-password-${i}`,
        }),
      ),
    );
    expect(attempts.map((a) => a.status).sort()).toEqual([201, 403, 403, 403, 403]);
    expect(await t.hub.services.repositories.users.count()).toBe(1);
  });
});

describe('login throttling across processes (Postgres)', () => {
  const postgres = BACKENDS.find((b) => b.name === 'postgres')!;
  let a: TestHub;
  let b: Awaited<ReturnType<typeof createHub>>;
  let baseB: string;

  beforeAll(async () => {
    a = await startTestHub(postgres);
    await signUpOwner(a.base);
    b = await createHub(a.config, { clock: a.clock, logDestination: new LogCapture() });
    baseB = await b.listen();
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('counts failures made on one server against logins on another', async () => {
    for (let i = 0; i < 5; i++) {
      expect(
        (
          await new ApiClient(a.base).post('/api/v1/auth/login', {
            email: OWNER.email,
            password: `a-${i}-wrong`,
          })
        ).status,
      ).toBe(401);
      expect(
        (
          await new ApiClient(baseB).post('/api/v1/auth/login', {
            email: OWNER.email,
            password: `b-${i}-wrong`,
          })
        ).status,
      ).toBe(401);
    }
    expect(
      (
        await new ApiClient(a.base).post('/api/v1/auth/login', {
          email: OWNER.email,
          password: OWNER.password,
        })
      ).status,
    ).toBe(429);
    expect(
      (
        await new ApiClient(baseB).post('/api/v1/auth/login', {
          email: OWNER.email,
          password: OWNER.password,
        })
      ).status,
    ).toBe(429);
  });
});

describe('cookies behind https', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub(BACKENDS[0]!, { env: { KOPPEL_PUBLIC_URL: 'https://koppel.example.nl' } });
  });
  afterAll(() => t?.close());

  it('marks the session and CSRF cookies Secure when the public URL is https', async () => {
    const response = await new ApiClient(t.base).post('/api/v1/auth/signup', OWNER);
    const cookies = response.headers.getSetCookie();
    expect(cookies).toHaveLength(2);
    for (const cookie of cookies) expect(cookie).toMatch(/; Secure/);
  });
});
