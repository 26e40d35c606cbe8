import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECOVERY_CODE_COUNT } from '../src/auth/recovery-codes.ts';
import { totpCode } from '../src/auth/totp.ts';
import { queryRows } from '../src/storage/database.ts';
import {
  type ApiClient,
  BACKENDS,
  clientFrom,
  OWNER,
  signUpOwner,
  startTestHub,
  type TestHub,
} from './support/test-hub.ts';

describe.each(BACKENDS)('two-factor recovery codes on $name', (backend) => {
  let t: TestHub;
  let owner: ApiClient;
  let codes: string[];
  let next = 1;
  /** A new browser at a new address that has passed the password step. */
  const halfSignedIn = async () => {
    const browser = clientFrom(t.base, `198.51.100.${next++}`);
    const login = await browser.post('/api/v1/auth/login', { email: OWNER.email, password: OWNER.password });
    expect(login.body.status).toBe('totp_required');
    return browser;
  };
  const remaining = async (client: ApiClient) =>
    (await client.get('/api/v1/me/totp/recovery-codes')).body.remaining as number;

  beforeAll(async () => {
    t = await startTestHub(backend, { env: { KOPPEL_TRUST_PROXY: 'true' } });
    ({ client: owner } = await signUpOwner(t.base));
  });
  afterAll(() => t?.close());

  it('are shown once when two-factor sign-in is turned on, and stored only as digests', async () => {
    expect(await remaining(owner)).toBe(0);
    const { secret } = (await owner.post('/api/v1/me/totp')).body;
    const confirm = await owner.post('/api/v1/me/totp/confirm', { code: totpCode(secret, t.clock.now()) });
    expect(confirm.status).toBe(200);
    codes = confirm.body.recoveryCodes;
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of codes) expect(code).toMatch(/^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/);
    expect(await remaining(owner)).toBe(RECOVERY_CODE_COUNT);
    // Nothing else returns them again.
    expect(JSON.stringify((await owner.get('/api/v1/me')).body)).not.toContain(codes[0]);
    const stored = JSON.stringify(await queryRows(t.hub.db, sql`select * from totp_recovery_codes`));
    for (const code of codes) {
      expect(stored).not.toContain(code);
      expect(stored).not.toContain(code.replaceAll('-', ''));
    }
  });

  it('sign in instead of an authenticator code, however typed, and each works once', async () => {
    const browser = await halfSignedIn();
    const typed = ` ${codes[0]!.replaceAll('-', ' ').toUpperCase()} `;
    const signedIn = await browser.post('/api/v1/auth/login/totp', { code: typed });
    expect(signedIn.status).toBe(200);
    expect((await browser.get('/api/v1/me')).status).toBe(200);
    expect(await remaining(owner)).toBe(RECOVERY_CODE_COUNT - 1);

    const again = await (await halfSignedIn()).post('/api/v1/auth/login/totp', { code: codes[0] });
    expect(again.status).toBe(401);
    expect(again.body.error.message).toContain('recovery code is wrong or was already used');
  });

  it('let exactly one of several parallel sign-ins with the same code through', async () => {
    const browsers = await Promise.all(Array.from({ length: 8 }, halfSignedIn));
    const statuses = await Promise.all(
      browsers.map((b) => b.post('/api/v1/auth/login/totp', { code: codes[1] }).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 401)).toHaveLength(7);
    expect(await remaining(owner)).toBe(RECOVERY_CODE_COUNT - 2);
  });

  it('refuse a code of another shape with a message that names both kinds', async () => {
    const refused = await (await halfSignedIn()).post('/api/v1/auth/login/totp', { code: 'not-a-code' });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('or one of your recovery codes');
  });

  it('are replaced by a new set only with the password; the old set stops working', async () => {
    const wrong = await owner.post('/api/v1/me/totp/recovery-codes', { password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    expect(await remaining(owner)).toBe(RECOVERY_CODE_COUNT - 2);

    const renewed = await owner.post('/api/v1/me/totp/recovery-codes', { password: OWNER.password });
    expect(renewed.status).toBe(200);
    const fresh: string[] = renewed.body.recoveryCodes;
    expect(fresh).toHaveLength(RECOVERY_CODE_COUNT);
    expect(fresh.some((code) => codes.includes(code))).toBe(false);
    expect(await remaining(owner)).toBe(RECOVERY_CODE_COUNT);
    const old = await (await halfSignedIn()).post('/api/v1/auth/login/totp', { code: codes[2] });
    expect(old.status).toBe(401);
    codes = fresh;
  });

  it('turn two-factor sign-in off in place of a code, and go with it', async () => {
    const disable = await owner.post('/api/v1/me/totp/disable', { password: OWNER.password, code: codes[0] });
    expect(disable.status).toBe(200);
    expect(disable.body.totpEnabled).toBe(false);
    expect(await remaining(owner)).toBe(0);
    const regenerate = await owner.post('/api/v1/me/totp/recovery-codes', { password: OWNER.password });
    expect(regenerate.status).toBe(400);
    expect(regenerate.body.error.code).toBe('totp_not_enabled');
  });
});
