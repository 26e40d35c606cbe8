import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { totpCode } from '../src/auth/totp.ts';
import { createHub } from '../src/cli/hub.ts';
import { loadConfig } from '../src/config/config.ts';
import { runDoctor, secretKeyCheck } from '../src/doctor/doctor.ts';
import { rotateSecrets, secretContext } from '../src/secrets/rotate-secrets.ts';
import { exactApps } from '../src/storage/schema.ts';
import { ApiClient, BACKENDS, LogCapture, OWNER, signUpOwner, TestClock } from './support/test-hub.ts';

describe.each(BACKENDS)('secret key rotation on $name', (backend) => {
  it('re-encrypts every stored secret under the new key while the old one is a previous key', async () => {
    const prepared = await backend.prepare();
    const oldKey = randomBytes(32).toString('base64');
    const newKey = randomBytes(32).toString('base64');
    const clock = new TestClock();
    const start = (env: Record<string, string>) =>
      createHub(loadConfig({ ...prepared.env, KOPPEL_PORT: '0', ...env }), {
        clock,
        logDestination: new LogCapture(),
      });
    try {
      // 1. Secrets written under the old key: a TOTP secret and an Exact app's client secret.
      const first = await start({ KOPPEL_SECRET_KEY: oldKey });
      const base = await first.listen();
      const { client, workspaceId } = await signUpOwner(base);
      const enrol = await client.post('/api/v1/me/totp');
      await client.post('/api/v1/me/totp/confirm', { code: totpCode(enrol.body.secret, clock.now()) });
      const appId = randomUUID();
      await first.db.insert(exactApps).values({
        id: appId,
        workspaceId,
        title: 'App',
        clientId: 'client',
        clientSecretEnc: first.services.platform.secrets.seal(
          'the-client-secret',
          secretContext('exact_apps', 'client_secret_enc', appId),
        ),
        region: 'nl',
      });
      await first.close();

      // 2. New key, old key kept as previous: doctor flags the stale secrets, rotation fixes them.
      const rotating = await start({ KOPPEL_SECRET_KEY: newKey, KOPPEL_PREVIOUS_SECRET_KEYS: oldKey });
      const stale = await runDoctor([secretKeyCheck(rotating.services.platform)]);
      expect(stale.map((r) => r.status)).toEqual(['ok', 'warn']);
      const report = await rotateSecrets(rotating.db, rotating.services.platform.secrets);
      expect(report.resealed).toBe(2);
      expect(report.columns).toEqual(
        expect.arrayContaining(['exact_apps.client_secret_enc', 'users.totp_secret_enc']),
      );
      expect((await rotateSecrets(rotating.db, rotating.services.platform.secrets)).resealed).toBe(0);
      expect((await runDoctor([secretKeyCheck(rotating.services.platform)])).map((r) => r.status)).toEqual([
        'ok',
      ]);
      await rotating.close();

      // 3. The old key is gone and everything still decrypts: TOTP login works, the app secret opens.
      clock.advance(60_000);
      const after = await start({ KOPPEL_SECRET_KEY: newKey });
      const afterBase = await after.listen();
      const browser = new ApiClient(afterBase);
      expect(
        (await browser.post('/api/v1/auth/login', { email: OWNER.email, password: OWNER.password })).body
          .status,
      ).toBe('totp_required');
      const second = await browser.post('/api/v1/auth/login/totp', {
        code: totpCode(enrol.body.secret, clock.now()),
      });
      expect(second.status).toBe(200);
      const [app] = await after.db.select().from(exactApps);
      expect(
        after.services.platform.secrets.open(
          app!.clientSecretEnc,
          secretContext('exact_apps', 'client_secret_enc', appId),
        ),
      ).toBe('the-client-secret');
      await after.close();
    } finally {
      await prepared.dispose();
    }
  });
});
