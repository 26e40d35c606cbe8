import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../src/auth/totp.ts';
import {
  type ApiClient,
  BACKENDS,
  clientFrom as from,
  OWNER,
  signUpOwner,
  startTestHub,
  type TestHub,
} from './support/test-hub.ts';

const login = (client: ApiClient, password: string, email = OWNER.email) =>
  client.post('/api/v1/auth/login', { email, password });

describe.each(BACKENDS)('sign-in limits under concurrency on $name', (backend) => {
  let t: TestHub;

  beforeAll(async () => {
    t = await startTestHub(backend, { env: { KOPPEL_TRUST_PROXY: 'true' } });
    await signUpOwner(t.base);
  });
  afterAll(() => t?.close());

  it('checks at most the allowed number of passwords when 40 wrong guesses for one account arrive at once', async () => {
    const statuses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => login(from(t.base, '203.0.113.1'), `wrong-guess-${i}`)),
    ).then((responses) => responses.map((r) => r.status));
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30);
  });

  it('lets the owner sign in from another address while one address is throttled on the account', async () => {
    const attacker = from(t.base, '203.0.113.1');
    expect((await login(attacker, OWNER.password)).status).toBe(429);
    const owner = from(t.base, '198.51.100.7');
    expect((await login(owner, OWNER.password)).status).toBe(200);
  });

  it('paces an account attacked from many addresses instead of locking it', async () => {
    // Ten addresses, one wrong guess each: no single address is near its own limits.
    for (let i = 0; i < 10; i++) {
      expect((await login(from(t.base, `192.0.2.${i + 1}`), `spread-${i}`)).status).toBe(401);
    }
    // Now the account takes one attempt per pace interval, from anywhere.
    const [first, second] = await Promise.all([
      login(from(t.base, '192.0.2.100'), 'paced-wrong'),
      login(from(t.base, '192.0.2.101'), 'paced-wrong-too'),
    ]);
    expect([first.status, second.status].sort()).toEqual([401, 429]);
    const refused = first.status === 429 ? first : second;
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(5);
    t.clock.advance(6_000);
    expect((await login(from(t.base, '198.51.100.8'), OWNER.password)).status).toBe(200);
  });

  it('caps one address spraying many accounts at once', async () => {
    const statuses = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        login(from(t.base, '203.0.113.50'), 'Spring2026!', `sprayed${i}@example.nl`),
      ),
    ).then((responses) => responses.map((r) => r.status));
    expect(statuses.filter((s) => s === 401)).toHaveLength(50);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
  });

  it('accepts one TOTP code once when the same code is sent by parallel logins', async () => {
    t.clock.advance(16 * 60_000);
    const enrolling = from(t.base, '198.51.100.20');
    await login(enrolling, OWNER.password);
    const secret: string = (await enrolling.post('/api/v1/me/totp')).body.secret;
    expect(
      (await enrolling.post('/api/v1/me/totp/confirm', { code: totpCode(secret, t.clock.now()) })).status,
    ).toBe(200);
    t.clock.advance(60_000);

    const browsers = Array.from({ length: 8 }, (_, i) => from(t.base, `198.51.100.${30 + i}`));
    for (const browser of browsers)
      expect((await login(browser, OWNER.password)).body.status).toBe('totp_required');
    const code = totpCode(secret, t.clock.now());
    const statuses = await Promise.all(
      browsers.map((b) => b.post('/api/v1/auth/login/totp', { code }).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 401)).toHaveLength(7);
  });
});
