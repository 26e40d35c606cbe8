import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../src/auth/totp.ts';
import { queryRows } from '../src/storage/database.ts';
import { connections, exactApps } from '../src/storage/schema.ts';
import { ApiClient, BACKENDS, OWNER, signUpOwner, startTestHub, type TestHub } from './support/test-hub.ts';

/** Every row of every table the hub owns (public schema), as one string. */
async function dumpDatabase(t: TestHub): Promise<string> {
  const tables = await queryRows(
    t.hub.db,
    sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
  );
  expect(tables.length).toBeGreaterThanOrEqual(13);
  const parts: string[] = [];
  for (const { table_name } of tables) {
    const rows = await queryRows(t.hub.db, sql`select * from ${sql.identifier(String(table_name))}`);
    parts.push(`${table_name}: ${JSON.stringify(rows)}`);
  }
  return parts.join('\n');
}

describe.each(BACKENDS)('no plaintext secret at rest, in responses or in logs ($name)', (backend) => {
  let t: TestHub;
  const secrets: string[] = [];

  beforeAll(async () => {
    t = await startTestHub(backend, { env: { KOPPEL_LOG_LEVEL: 'trace' } });
  });
  afterAll(() => t?.close());

  it('stores only hashes and ciphertexts', async () => {
    const { client: owner, workspaceId } = await signUpOwner(t.base);
    secrets.push(OWNER.password);
    const sessionCookie = owner.cookies.get('koppel_session')!;
    secrets.push(sessionCookie);

    const enrol = await owner.post('/api/v1/me/totp');
    secrets.push(enrol.body.secret);
    const confirmed = await owner.post('/api/v1/me/totp/confirm', {
      code: totpCode(enrol.body.secret, t.clock.now()),
    });
    // Recovery codes as shown and as typed without dashes.
    for (const code of confirmed.body.recoveryCodes as string[]) secrets.push(code, code.replaceAll('-', ''));

    const token = await owner.post('/api/v1/tokens', { name: 'script' });
    secrets.push(token.body.token);

    const invite = await owner.post(`/api/v1/workspaces/${workspaceId}/invitations`, {
      email: 'new@example.nl',
      role: 'viewer',
    });
    secrets.push(invite.body.token);
    const invitee = new ApiClient(t.base);
    await invitee.post('/api/v1/invitations/accept', {
      token: invite.body.token,
      name: 'New',
      password: 'invitee-password-456',
    });
    secrets.push('invitee-password-456');

    // What the Exact half will store, sealed as it must be.
    const appId = randomUUID();
    const clientSecret = `client-secret-${randomUUID()}`;
    const webhookSecret = `webhook-secret-${randomUUID()}`;
    const accessToken = `gAAAA-access-${randomUUID()}`;
    const refreshToken = `yIA2!IAAA-refresh-${randomUUID()}`;
    secrets.push(clientSecret, webhookSecret, accessToken, refreshToken);
    const box = t.hub.services.platform.secrets;
    await t.hub.db.insert(exactApps).values({
      id: appId,
      workspaceId,
      title: 'Production app',
      clientId: randomUUID(),
      clientSecretEnc: box.seal(clientSecret, `exact_apps.client_secret:${appId}`),
      webhookSecretEnc: box.seal(webhookSecret, `exact_apps.webhook_secret:${appId}`),
      region: 'nl',
    });
    const connectionId = randomUUID();
    await t.hub.db.insert(connections).values({
      id: connectionId,
      workspaceId,
      appId,
      name: 'Main',
      accessTokenEnc: box.seal(accessToken, `connections.access_token:${connectionId}`),
      refreshTokenEnc: box.seal(refreshToken, `connections.refresh_token:${connectionId}`),
    });

    const dump = await dumpDatabase(t);
    expect(dump).toContain('owner@example.nl');
    for (const secret of secrets) expect(dump, 'plaintext secret in the database').not.toContain(secret);
    // Secrets that could be encoded still leak: check base64 and hex forms too.
    for (const secret of secrets) {
      expect(dump).not.toContain(Buffer.from(secret).toString('base64'));
      expect(dump).not.toContain(Buffer.from(secret).toString('hex'));
    }
    expect(dump).toMatch(/\$argon2id\$/);
    expect(dump).toMatch(/kb1\.[0-9a-f]{12}\./);
  });

  it('logs none of them, not even at trace level', async () => {
    // A failed login and a bad bearer token with secrets in them must not be echoed either.
    await new ApiClient(t.base).post('/api/v1/auth/login', {
      email: OWNER.email,
      password: 'guess-password-789',
    });
    secrets.push('guess-password-789');
    const bad = new ApiClient(t.base);
    bad.bearer = 'kpt_this-is-a-secret-looking-token';
    await bad.get('/api/v1/me');
    secrets.push('kpt_this-is-a-secret-looking-token');
    expect(t.logs.lines.length).toBeGreaterThan(10);
    for (const secret of secrets) expect(t.logs.text, 'secret in a log line').not.toContain(secret);
  });

  it('never returns a secret column from the API', async () => {
    const client = new ApiClient(t.base);
    await client.post('/api/v1/auth/login', { email: 'new@example.nl', password: 'invitee-password-456' });
    const me = await client.get('/api/v1/me');
    expect(Object.keys(me.body.user).sort()).toEqual(['createdAt', 'email', 'id', 'name', 'totpEnabled']);
    expect(JSON.stringify(me.body)).not.toMatch(/argon2|kb1\./);
  });
});
