import { execFileSync } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idleConnections, keepConnectionAlive } from '../../src/connections/connections-jobs.ts';
import { exactDoctorChecks } from '../../src/connections/doctor-checks.ts';
import { ExactAccess } from '../../src/connections/exact-access.ts';
import { exactRedirectUri } from '../../src/connections/redirect-uri.ts';
import { runDoctor } from '../../src/doctor/doctor.ts';
import { queryRows } from '../../src/storage/database.ts';
import { alerts } from '../../src/storage/schema.ts';
import { ApiClient, addMember, BACKENDS, OWNER, signUpOwner } from '../support/test-hub.ts';
import {
  authorize,
  callback,
  connectionRow,
  consent,
  createAppAndConnection,
  type RunningSimulator,
  registerSimApp,
  simControl,
  startAuthorize,
  startExactHub,
  startSim,
  type TestHub,
} from './exact-test-kit.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** What the hourly keep-alive sweep does, run inline: one keep-alive per idle connection. */
async function keepConnectionsAlive(t: TestHub) {
  const deps = t.hub.services.connectionsDeps;
  const outcome = { refreshed: [] as string[], needsReauth: [] as string[], failed: [] as string[] };
  for (const id of await idleConnections(deps)) {
    const result = await keepConnectionAlive(deps, id);
    if (result === 'refreshed') outcome.refreshed.push(id);
    if (result === 'needs_reauth') outcome.needsReauth.push(id);
    if (result === 'failed') outcome.failed.push(id);
  }
  return outcome;
}

describe.each(BACKENDS)('Exact apps, connections, OAuth and divisions on $name', (backend) => {
  let t: TestHub;
  let sim: RunningSimulator;
  let owner: ApiClient;
  let workspaceId: string;
  let simApp: { clientId: string; clientSecret: string; webhookSecret: string };
  let redirectUri: string;
  let d1: number;
  let d2: number;
  const plaintextSecrets = new Set<string>();

  beforeAll(async () => {
    sim = await startSim();
    t = await startExactHub(backend, { sim });
    ({ client: owner, workspaceId } = await signUpOwner(t.base));
    redirectUri = exactRedirectUri(t.publicUrl);
    simApp = await registerSimApp(sim, redirectUri);
    plaintextSecrets.add(simApp.clientSecret).add(simApp.webhookSecret);
    [d1, d2] = sim.defaults.divisions as [number, number];
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('registers an Exact app, shows its redirect URI and never returns its secrets', async () => {
    const created = await owner.post(`/api/v1/workspaces/${workspaceId}/apps`, {
      title: 'Production app',
      clientId: 'b81cc4de-d192-400e-bcb4-09254394c52a',
      clientSecret: 'prod-secret-value-1',
      webhookSecret: 'prod-webhook-secret-1',
      region: 'be',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      title: 'Production app',
      region: 'be',
      baseUrl: null,
      hasClientSecret: true,
      hasWebhookSecret: true,
      redirectUri: `${t.publicUrl}/oauth/exact/callback`,
    });
    const text = JSON.stringify(created.body);
    expect(text).not.toContain('prod-secret-value-1');
    expect(text).not.toContain('prod-webhook-secret-1');
    plaintextSecrets.add('prod-secret-value-1').add('prod-webhook-secret-1');

    const patched = await owner.patch(`/api/v1/apps/${created.body.id}`, {
      title: 'Production app (BE)',
      clientSecret: 'prod-secret-value-2',
      webhookSecret: null,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      title: 'Production app (BE)',
      hasClientSecret: true,
      hasWebhookSecret: false,
    });
    plaintextSecrets.add('prod-secret-value-2');

    const listed = await owner.get(`/api/v1/workspaces/${workspaceId}/apps`);
    expect(listed.body.map((a: { id: string }) => a.id)).toContain(created.body.id);
    expect(JSON.stringify(listed.body)).not.toMatch(/prod-secret-value/);

    const invalid = await owner.post(`/api/v1/workspaces/${workspaceId}/apps`, {
      title: 'x',
      clientId: 'y',
      clientSecret: 'z',
      region: 'xx',
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details.issues[0].path).toBe('region');

    expect((await owner.delete(`/api/v1/apps/${created.body.id}`)).status).toBe(204);
    expect((await owner.get(`/api/v1/apps/${created.body.id}`)).status).toBe(404);
  });

  it('authorizes through the consent screen, lists and links divisions, and tests green', async () => {
    const { appId, connectionId } = await createAppAndConnection(owner, workspaceId, sim, simApp);
    const before = await owner.get(`/api/v1/connections/${connectionId}`);
    expect(before.body).toMatchObject({ status: 'not_authorized', authorized: false, active: true, appId });

    const done = await authorize(owner, connectionId, sim, [d1, d2]);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      status: 'authorized',
      connection: { status: 'active', authorized: true },
    });
    expect(done.body.divisions.map((d: { code: number }) => d.code).sort()).toEqual([d1, d2].sort());

    const connection = await owner.get(`/api/v1/connections/${connectionId}`);
    expect(connection.body.exactUser.name).toBe('Demo User');
    expect(connection.body.status).toBe('active');

    const divisions = await owner.get(`/api/v1/connections/${connectionId}/divisions`);
    expect(divisions.body).toHaveLength(2);
    // Nothing is linked until the user chooses, not even the current division.
    expect(divisions.body.every((d: { linked: boolean; inScope: boolean }) => !d.linked && d.inScope)).toBe(
      true,
    );
    expect(divisions.body.find((d: { code: number }) => d.code === d1)).toMatchObject({
      description: 'Koppel Demo BV',
      country: 'NL',
    });
    expect(divisions.body.find((d: { code: number }) => d.code === d2).country).toBe('BE');

    const unknown = await owner.request('PUT', `/api/v1/connections/${connectionId}/divisions`, {
      codes: [d1, 999999],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('division_unknown');

    const linked = await owner.request('PUT', `/api/v1/connections/${connectionId}/divisions`, {
      codes: [d1],
    });
    expect(linked.status).toBe(200);
    expect(
      linked.body.filter((d: { linked: boolean }) => d.linked).map((d: { code: number }) => d.code),
    ).toEqual([d1]);

    const test = await owner.post(`/api/v1/connections/${connectionId}/test`);
    expect(test.status).toBe(200);
    expect(test.body).toMatchObject({ ok: true, user: { ok: true, name: 'Demo User' }, scope: { ok: true } });
    expect(test.body.divisions).toEqual([expect.objectContaining({ code: d1, ok: true, failure: null })]);
    const after = await owner.get(`/api/v1/connections/${connectionId}`);
    expect(after.body.lastTest.ok).toBe(true);

    const row = await connectionRow(t, connectionId);
    const tokens = t.hub.services.exact.connections.tokensOf(row)!;
    plaintextSecrets.add(tokens.accessToken).add(tokens.refreshToken);
  });

  it('ends the callback on an HTML page that says what happened', async () => {
    const { connectionId } = await createAppAndConnection(owner, workspaceId, sim, simApp, 'HTML');
    const url = await startAuthorize(owner, connectionId);
    const back = await consent(url, { ...sim.defaults.user, divisions: [d1] });
    const page = await callback(owner, back, 'html');
    expect(page.status).toBe(200);
    expect(page.contentType).toContain('text/html');
    expect(page.body).toContain('Connection authorized');
    expect(page.body).toContain('Demo User');

    const replay = await callback(owner, back, 'html');
    expect(replay.status).toBe(400);
    expect(replay.contentType).toContain('text/html');
    expect(replay.body).toContain('Authorization already used');
    expect(replay.body).toContain('What to do');
    expect(replay.body).toContain(`href="${t.base}/"`);
  });

  describe('failed authorizations store nothing', () => {
    let connectionId: string;

    beforeAll(async () => {
      ({ connectionId } = await createAppAndConnection(owner, workspaceId, sim, simApp, 'Failures'));
    });

    const expectUntouched = async () => {
      const row = await connectionRow(t, connectionId);
      expect(row.status).toBe('not_authorized');
      expect(row.accessTokenEnc).toBeNull();
      expect(row.refreshTokenEnc).toBeNull();
      expect(row.exactUserId).toBeNull();
      const divisions = await owner.get(`/api/v1/connections/${connectionId}/divisions`);
      expect(divisions.body).toEqual([]);
    };

    it('consent denied', async () => {
      const url = await startAuthorize(owner, connectionId);
      const back = await consent(url, { ...sim.defaults.user, consent: 'deny' });
      const result = await callback(owner, back);
      expect(result.status).toBe(400);
      expect(result.body.error.code).toBe('oauth_consent_denied');
      expect(result.body.error.details.action).toMatch(/Authorize again/);
      await expectUntouched();
    });

    it('state missing, forged, reused or expired', async () => {
      const missing = await callback(owner, '/oauth/exact/callback?code=abc');
      expect(missing.body.error.code).toBe('oauth_state_missing');
      const forged = await callback(owner, '/oauth/exact/callback?code=abc&state=kpo_forged');
      expect(forged.body.error.code).toBe('oauth_state_invalid');

      const url = await startAuthorize(owner, connectionId);
      t.clock.advance(16 * MINUTE);
      const back = await consent(url, { ...sim.defaults.user, divisions: [d1] });
      const expired = await callback(owner, back);
      expect(expired.status).toBe(400);
      expect(expired.body.error.code).toBe('oauth_state_expired');
      const reused = await callback(owner, back);
      expect(reused.body.error.code).toBe('oauth_state_reused');
      await expectUntouched();
    });

    it('callback in another browser session', async () => {
      const url = await startAuthorize(owner, connectionId);
      const back = await consent(url, { ...sim.defaults.user, divisions: [d1] });
      const stranger = new ApiClient(t.base);
      const result = await callback(stranger, back);
      expect(result.status).toBe(403);
      expect(result.body.error.code).toBe('oauth_session_mismatch');
      await expectUntouched();
    });

    it('a leaked callback URL opened in another session does not cancel the authorization', async () => {
      const leaked = await createAppAndConnection(owner, workspaceId, sim, simApp, 'Leaked link');
      const url = await startAuthorize(owner, leaked.connectionId);
      const back = await consent(url, { ...sim.defaults.user, divisions: [d1] });
      expect((await callback(new ApiClient(t.base), back)).body.error.code).toBe('oauth_session_mismatch');
      const finished = await callback(owner, back);
      expect(finished.body.error).toBeUndefined();
      expect((await connectionRow(t, leaked.connectionId)).status).toBe('active');
    });

    it('the user lost the admin role while on Exact', async () => {
      const admin = await addMember(owner, workspaceId, `admin-${backend.name}@example.nl`, 'admin');
      const url = await startAuthorize(admin.client, connectionId);
      await owner.patch(`/api/v1/workspaces/${workspaceId}/members/${admin.userId}`, { role: 'viewer' });
      const back = await consent(url, { ...sim.defaults.user, divisions: [d1] });
      const result = await callback(admin.client, back);
      expect(result.status).toBe(403);
      expect(result.body.error.code).toBe('oauth_not_allowed');
      await expectUntouched();
    });

    it('code rejected by Exact', async () => {
      const url = await startAuthorize(owner, connectionId);
      const state = url.searchParams.get('state')!;
      const result = await callback(
        owner,
        `/oauth/exact/callback?code=not-a-real-code&state=${encodeURIComponent(state)}`,
      );
      expect(result.status).toBe(400);
      expect(result.body.error.code).toBe('oauth_code_rejected');
      await expectUntouched();
    });

    it('wrong client secret', async () => {
      const wrong = await createAppAndConnection(owner, workspaceId, sim, {
        clientId: simApp.clientId,
        clientSecret: 'not-the-secret',
      });
      const result = await authorize(owner, wrong.connectionId, sim, [d1]);
      expect(result.status).toBe(400);
      expect(result.body.error.code).toBe('oauth_client_rejected');
      expect(result.body.error.details.action).toContain(redirectUri);
      const row = await connectionRow(t, wrong.connectionId);
      expect(row.status).toBe('not_authorized');
      expect(row.refreshTokenEnc).toBeNull();
    });

    it('redirect URI registered at Exact differs from the hub callback', async () => {
      const elsewhere = 'https://old-hub.example.com/oauth/exact/callback';
      const other = await registerSimApp(sim, elsewhere, 'App registered for another URL');
      const created = await createAppAndConnection(owner, workspaceId, sim, other, 'Mismatch');
      const url = await startAuthorize(owner, created.connectionId);
      url.searchParams.set('redirect_uri', elsewhere);
      const back = await consent(url, { ...sim.defaults.user, divisions: [d1] });
      const result = await callback(owner, back);
      expect(result.status).toBe(400);
      expect(result.body.error.code).toBe('oauth_redirect_mismatch');
      expect(result.body.error.details.action).toContain(redirectUri);
      expect((await connectionRow(t, created.connectionId)).refreshTokenEnc).toBeNull();
      plaintextSecrets.add(other.clientSecret);
    });
  });

  describe('test connection reasons, scope changes and token failures', () => {
    let connectionId: string;

    beforeAll(async () => {
      ({ connectionId } = await createAppAndConnection(owner, workspaceId, sim, simApp, 'Diagnostics'));
      expect((await authorize(owner, connectionId, sim, [d1, d2])).status).toBe(200);
      await owner.request('PUT', `/api/v1/connections/${connectionId}/divisions`, { codes: [d1, d2] });
    });

    it('reports a blocked division with its Reason and keeps the other green', async () => {
      await simControl(sim, 'PATCH', `/divisions/${d2}`, { blocked: true });
      try {
        const test = await owner.post(`/api/v1/connections/${connectionId}/test`);
        expect(test.body.ok).toBe(false);
        const byCode = Object.fromEntries(test.body.divisions.map((d: { code: number }) => [d.code, d]));
        expect(byCode[d1].ok).toBe(true);
        expect(byCode[d2].failure).toMatchObject({ category: 'division_blocked', reason: 'DivisionBlocked' });
      } finally {
        await simControl(sim, 'PATCH', `/divisions/${d2}`, { blocked: false });
      }
    });

    it('reports a blocked Exact user and marks the connection as in error', async () => {
      await simControl(sim, 'PATCH', `/users/${encodeURIComponent(sim.defaults.user.username)}`, {
        blocked: true,
      });
      try {
        const test = await owner.post(`/api/v1/connections/${connectionId}/test`);
        expect(test.body.user.failure).toMatchObject({ category: 'user_blocked', reason: 'BlockedUser' });
        expect((await owner.get(`/api/v1/connections/${connectionId}`)).body.status).toBe('error');
      } finally {
        await simControl(sim, 'PATCH', `/users/${encodeURIComponent(sim.defaults.user.username)}`, {
          blocked: false,
        });
      }
      await simControl(sim, 'PATCH', `/users/${encodeURIComponent(sim.defaults.user.username)}`, {
        licenseExpired: true,
      });
      try {
        const test = await owner.post(`/api/v1/connections/${connectionId}/test`);
        expect(test.body.user.failure).toMatchObject({ category: 'licence', reason: 'LicenseExpired' });
      } finally {
        await simControl(sim, 'PATCH', `/users/${encodeURIComponent(sim.defaults.user.username)}`, {
          licenseExpired: false,
        });
      }
      const green = await owner.post(`/api/v1/connections/${connectionId}/test`);
      expect(green.body.ok).toBe(true);
      expect((await owner.get(`/api/v1/connections/${connectionId}`)).body.status).toBe('active');
    });

    it('reports a spent minutely limit as rate_limit instead of waiting for it', async () => {
      const limited = await simControl(sim, 'POST', '/apps', {
        name: 'Limited',
        redirectUri,
        minutelyLimit: 2,
      });
      const created = await createAppAndConnection(owner, workspaceId, sim, limited, 'Limited');
      const authorized = await authorize(owner, created.connectionId, sim, [d1]);
      expect(authorized.status).toBe(200);
      await owner.request('PUT', `/api/v1/connections/${created.connectionId}/divisions`, { codes: [d1] });
      await simControl(sim, 'POST', '/clock', { advanceMs: 61_000 });
      // current/Me and system/Divisions fit in the fresh windows; the division read does not.
      const test = await owner.post(`/api/v1/connections/${created.connectionId}/test`);
      expect(test.body.user.ok).toBe(true);
      expect(test.body.divisions[0].failure).toMatchObject({ category: 'rate_limit' });
      plaintextSecrets.add(limited.clientSecret);
    });

    it('fails a division outside the consent scope, and marks one the user lost as in_scope=false', async () => {
      expect((await authorize(owner, connectionId, sim, [d1])).status).toBe(200);
      const outside = await owner.post(`/api/v1/connections/${connectionId}/test`);
      const refused = outside.body.divisions.find((d: { code: number }) => d.code === d2);
      expect(refused.failure).toMatchObject({ category: 'scope', code: 'forbidden' });
      expect(refused.failure.message).toMatch(/consent screen/);

      const user = `/users/${encodeURIComponent(sim.defaults.user.username)}`;
      await simControl(sim, 'PATCH', user, { divisions: [d1] });
      try {
        const test = await owner.post(`/api/v1/connections/${connectionId}/test`);
        const lost = test.body.divisions.find((d: { code: number }) => d.code === d2);
        expect(lost.failure).toMatchObject({ category: 'scope', code: 'division_out_of_scope' });
        const divisions = await owner.get(`/api/v1/connections/${connectionId}/divisions`);
        expect(divisions.body.find((d: { code: number }) => d.code === d2)).toMatchObject({
          inScope: false,
          linked: true,
        });
        const relink = await owner.request('PUT', `/api/v1/connections/${connectionId}/divisions`, {
          codes: [d2],
        });
        expect(relink.body.error.code).toBe('division_out_of_scope');
      } finally {
        await simControl(sim, 'PATCH', user, { divisions: [d1, d2] });
      }
      const refreshed = await owner.post(`/api/v1/connections/${connectionId}/divisions/refresh`);
      expect(refreshed.body.find((d: { code: number }) => d.code === d2).inScope).toBe(true);
      await owner.request('PUT', `/api/v1/connections/${connectionId}/divisions`, { codes: [d1] });
    });

    it('keeps idle connections alive, and moves refused ones to needs_reauth with an alert', async () => {
      const statsBefore = await simControl(sim, 'GET', '/stats');
      const obtainedBefore = (await connectionRow(t, connectionId)).tokenObtainedAt!;
      t.clock.advance(8 * DAY);
      await simControl(sim, 'POST', '/clock', { advanceMs: 11 * MINUTE });
      const outcome = await keepConnectionsAlive(t);
      expect(outcome.refreshed).toContain(connectionId);
      const statsAfter = await simControl(sim, 'GET', '/stats');
      expect(
        statsAfter.token.byGrantType.refresh_token - (statsBefore.token.byGrantType.refresh_token ?? 0),
      ).toBe(outcome.refreshed.length);
      expect((await connectionRow(t, connectionId)).tokenObtainedAt!.getTime()).toBeGreaterThan(
        obtainedBefore.getTime(),
      );

      await simControl(sim, 'POST', '/faults', { revokeRefreshTokens: true });
      t.clock.advance(8 * DAY);
      await simControl(sim, 'POST', '/clock', { advanceMs: 11 * MINUTE });
      const refused = await keepConnectionsAlive(t);
      expect(refused.needsReauth).toContain(connectionId);
      // Sixteen days passed on the hub clock: the owner's two-week session is over.
      expect(
        (await owner.post('/api/v1/auth/login', { email: OWNER.email, password: OWNER.password })).status,
      ).toBe(200);
      const connection = await owner.get(`/api/v1/connections/${connectionId}`);
      expect(connection.body.status).toBe('needs_reauth');
      const open = await t.hub.db.select().from(alerts).where(sql`${alerts.connectionId} = ${connectionId}`);
      expect(open).toHaveLength(1);
      expect(open[0]).toMatchObject({ kind: 'connection_needs_reauth', resolvedAt: null });
      const events = await owner.get(`/api/v1/connections/${connectionId}/events`);
      expect(events.body.map((e: { kind: string }) => e.kind)).toContain('token_refresh_failed');

      const test = await owner.post(`/api/v1/connections/${connectionId}/test`);
      expect(test.body.user.failure.category).toBe('token');

      // Authorizing again heals the connection and closes the alert.
      expect((await authorize(owner, connectionId, sim, [d1])).status).toBe(200);
      expect((await owner.get(`/api/v1/connections/${connectionId}`)).body.status).toBe('active');
      const closed = await t.hub.db
        .select()
        .from(alerts)
        .where(sql`${alerts.connectionId} = ${connectionId}`);
      expect(closed[0]!.resolvedAt).not.toBeNull();
    });

    it('refreshes once when many clients in this process find the token expired', async () => {
      const connection = await connectionRow(t, connectionId);
      // The lease in the connection row is what keeps separate processes apart.
      const separate = () =>
        new ExactAccess({
          ...t.hub.services.platform,
          refreshExclusion: 'lease',
          allowedBaseUrls: [sim.url],
        });
      const app = await separate().apps.findById(connection.appId);
      t.clock.advance(11 * MINUTE);
      await simControl(sim, 'POST', '/clock', { advanceMs: 11 * MINUTE });
      const before = await simControl(sim, 'GET', '/stats');
      // Separate ExactAccess instances share nothing in memory: only the lease serialises them.
      const clients = Array.from({ length: 4 }, () => separate().client(app!, connectionId));
      const users = await Promise.all(clients.flatMap((client) => [client.me(), client.me()]));
      expect(new Set(users.map((u) => u.UserID)).size).toBe(1);
      const after = await simControl(sim, 'GET', '/stats');
      expect(after.token.calls - before.token.calls).toBe(1);
    });

    it('asks for a new authorization when the app gets another client ID or host', async () => {
      const created = await createAppAndConnection(owner, workspaceId, sim, simApp, 'Moved');
      expect((await authorize(owner, created.connectionId, sim, [d1])).status).toBe(200);
      expect((await owner.patch(`/api/v1/apps/${created.appId}`, { title: 'Renamed only' })).status).toBe(
        200,
      );
      expect((await owner.get(`/api/v1/connections/${created.connectionId}`)).body.status).toBe('active');
      const before = await simControl(sim, 'GET', '/stats');
      await owner.patch(`/api/v1/apps/${created.appId}`, { baseUrl: 'https://start.exactonline.be' });
      expect((await owner.get(`/api/v1/connections/${created.connectionId}`)).body.status).toBe(
        'needs_reauth',
      );
      const events = await owner.get(`/api/v1/connections/${created.connectionId}/events`);
      expect(events.body[0].kind).toBe('app_changed');
      // The old host's tokens are gone, and nothing is sent anywhere until a new authorization.
      const row = await connectionRow(t, created.connectionId);
      expect(row.refreshTokenEnc).toBeNull();
      expect(row.accessTokenEnc).toBeNull();
      const test = await owner.post(`/api/v1/connections/${created.connectionId}/test`);
      expect(test.body.user.failure).toMatchObject({ category: 'token', code: 'needs_reauth' });
      const refresh = await owner.post(`/api/v1/connections/${created.connectionId}/divisions/refresh`);
      expect(refresh.body.error.code).toBe('connection_unavailable');
      const after = await simControl(sim, 'GET', '/stats');
      expect(after.token.calls).toBe(before.token.calls);
      await owner.delete(`/api/v1/connections/${created.connectionId}`);
    });

    it('switches a connection off and on with the Active toggle', async () => {
      const off = await owner.patch(`/api/v1/connections/${connectionId}`, { active: false });
      expect(off.body).toMatchObject({ active: false, status: 'inactive' });
      const access = t.hub.services.exact;
      await expect(access.connectionClient(connectionId)).rejects.toMatchObject({
        code: 'connection_unavailable',
      });
      const on = await owner.patch(`/api/v1/connections/${connectionId}`, {
        active: true,
        name: 'Diagnostics 2',
      });
      expect(on.body).toMatchObject({ active: true, status: 'active', name: 'Diagnostics 2' });
      const { client } = await access.connectionClient(connectionId);
      expect((await client.me()).FullName).toBe('Demo User');
    });
  });

  it('lets viewers read but not change apps and connections, and hides them from non-members', async () => {
    const { appId, connectionId } = await createAppAndConnection(owner, workspaceId, sim, simApp, 'Roles');
    const viewer = (await addMember(owner, workspaceId, `viewer-${backend.name}@example.nl`, 'viewer'))
      .client;
    expect((await viewer.get(`/api/v1/apps/${appId}`)).status).toBe(200);
    expect((await viewer.get(`/api/v1/connections/${connectionId}`)).status).toBe(200);
    expect((await viewer.get(`/api/v1/connections/${connectionId}/divisions`)).status).toBe(200);
    expect((await viewer.get(`/api/v1/workspaces/${workspaceId}/connections`)).status).toBe(200);
    const writes: [string, string, unknown][] = [
      ['PATCH', `/api/v1/apps/${appId}`, { title: 'x' }],
      ['DELETE', `/api/v1/apps/${appId}`, undefined],
      ['POST', `/api/v1/workspaces/${workspaceId}/apps`, { title: 'x', clientId: 'y', clientSecret: 'z' }],
      ['POST', `/api/v1/workspaces/${workspaceId}/connections`, { name: 'x', appId }],
      ['PATCH', `/api/v1/connections/${connectionId}`, { active: false }],
      ['DELETE', `/api/v1/connections/${connectionId}`, undefined],
      ['PUT', `/api/v1/connections/${connectionId}/divisions`, { codes: [] }],
      ['POST', `/api/v1/connections/${connectionId}/divisions/refresh`, {}],
      ['POST', `/api/v1/connections/${connectionId}/test`, {}],
    ];
    for (const [method, url, body] of writes) {
      const response = await viewer.request(method, url, body);
      expect(response.status, `${method} ${url}`).toBe(403);
      expect(response.body.error.code).toBe('insufficient_role');
    }
    const start = await fetch(`${t.base}/oauth/exact/start?connection=${connectionId}`, {
      headers: {
        cookie: [...viewer.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        accept: 'application/json',
      },
      redirect: 'manual',
    });
    expect(start.status).toBe(403);

    const outsider = (await addMember(owner, workspaceId, `outsider-${backend.name}@example.nl`, 'admin'))
      .client;
    const me = await outsider.get('/api/v1/me');
    await owner.delete(`/api/v1/workspaces/${workspaceId}/members/${me.body.user.id}`);
    for (const url of [`/api/v1/apps/${appId}`, `/api/v1/connections/${connectionId}`]) {
      const response = await outsider.get(url);
      expect(response.status, url).toBe(404);
    }
    const inUse = await owner.delete(`/api/v1/apps/${appId}`);
    expect(inUse.status).toBe(409);
    expect(inUse.body.error.code).toBe('app_in_use');
  });

  it('doctor checks each app against Exact and reports each connection', async () => {
    // The test hub listens on a random port while its public URL says :0; route doctor's requests to it.
    const rewrite: typeof fetch = (input, init) => fetch(String(input).replace(t.publicUrl, t.base), init);
    const results = await runDoctor(exactDoctorChecks(t.hub.services.connectionsDeps), { fetch: rewrite });
    const apps = results.filter((r) => r.check.startsWith('exact-app '));
    expect(apps.filter((r) => r.status === 'ok').length).toBeGreaterThan(0);
    const mismatch = apps.filter((r) => r.status === 'fail');
    expect(mismatch.length).toBeGreaterThan(0);
    expect(mismatch[0]!.message).toContain(redirectUri);
    const health = results.filter((r) => r.check.startsWith('connection '));
    expect(health.find((r) => r.check === 'connection Failures')?.status).toBe('warn');
    expect(health.find((r) => r.check === 'connection Diagnostics 2')?.status).toBe('ok');
  });

  it('keeps every secret encrypted: a dump of the whole database has no plaintext secret', async () => {
    expect(plaintextSecrets.size).toBeGreaterThanOrEqual(6);
    const tables = await queryRows(
      t.hub.db,
      sql`select table_schema, table_name from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema') and table_type = 'BASE TABLE'`,
    );
    let dump = '';
    for (const { table_schema, table_name } of tables) {
      const rows = await queryRows(
        t.hub.db,
        sql`select row_to_json(t)::text as row from ${sql.identifier(String(table_schema))}.${sql.identifier(String(table_name))} t`,
      );
      dump += rows.map((r) => r.row).join('\n');
    }
    // The storage itself: pg_dump of the Postgres database, or PGlite's raw data directory.
    const stored = t.config.databaseUrl
      ? execFileSync('pg_dump', ['--no-owner', t.config.databaseUrl], {
          maxBuffer: 256 * 1024 * 1024,
        }).toString('utf8')
      : Buffer.from(await (await t.hub.database.pglite!.dumpDataDir('none')).arrayBuffer()).toString(
          'latin1',
        );
    for (const text of [dump, stored]) {
      // Not vacuous: plain columns such as the client ID are there to be found.
      expect(text).toContain(simApp.clientId);
      expect(text).toContain('kb1.');
      for (const secret of plaintextSecrets)
        expect(text.includes(secret), 'plaintext secret in dump').toBe(false);
    }
    for (const secret of plaintextSecrets) expect(t.logs.text.includes(secret), 'secret in log').toBe(false);
  });
});
