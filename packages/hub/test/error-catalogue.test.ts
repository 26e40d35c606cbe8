import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../src/auth/totp.ts';
import { exactRedirectUri } from '../src/connections/redirect-uri.ts';
import { ERROR_CATALOGUE, type ErrorCode } from '../src/errors/error-catalogue.ts';
import {
  callback,
  consent,
  createAppAndConnection,
  type RunningSimulator,
  registerSimApp,
  startAuthorize,
  startExactHub,
  startSim,
  type TestHub,
} from './connections/exact-test-kit.ts';
import { type ApiClient, type ApiResponse, addMember, BACKENDS, signUpOwner } from './support/test-hub.ts';

/**
 * Codes no request to a healthy hub can produce, or that need a broken Exact or build; each
 * names where it is exercised instead. Everything else is triggered below over HTTP.
 */
const NOT_TRIGGERED_HERE: Partial<Record<ErrorCode, string>> = {
  bad_request: 'fallback for a Fastify 4xx without its own code',
  smtp_not_configured: 'needs a hub without KOPPEL_SMTP_URL; test/watcher/alerts.test.ts',
  smtp_failed: 'needs an SMTP server refusing mail; test/watcher/alerts.test.ts runs one',
  alert_channel_not_found: 'deleting an unknown alert channel; test/watcher/alerts.test.ts',
  already_exists: 'a unique-key race; test/workspaces.test.ts races it',
  internal_error: 'an unexpected exception; it never carries its text',
  connection_unavailable:
    'raised to flows and jobs (ExactAccess.connectionClient); exact-connections.test.ts',
  division_out_of_scope: 'needs consent narrowed on Exact; exact-connections.test.ts',
  exact_call_failed: 'needs Exact failing during a division refresh',
  exact_no_division: 'needs an Exact user without a current division',
  oauth_redirect_mismatch: 'needs an app registered with another redirect URI; exact-connections.test.ts',
  oauth_exact_read_failed: "needs Exact's current/Me failing after consent",
  oauth_exact_unavailable: "needs Exact's token endpoint down",
  metrics_disabled: 'needs a hub without KOPPEL_METRICS_TOKEN; platform.test.ts',
  web_ui_not_built: 'depends on packages/web/dist; packages/web/test/hub-serving.test.ts',
  file_not_found: 'depends on packages/web/dist; packages/web/test/hub-serving.test.ts',
  data_dir_in_use: 'start-up, not HTTP; cli.test.ts',
  database_open_failed: 'start-up, not HTTP',
  invalid_secret_key: 'start-up, not HTTP',
  secret_decrypt_failed: 'a key problem; secret-box.test.ts',
  job_payload_invalid: 'raised by JobQueue.send; platform.test.ts',
  job_queue_stopped: 'a job sent while the process shuts down; test/job-queue-shutdown.test.ts',
  package_not_found: 'test/flows/flows-api.test.ts',
  invalid_entities: 'test/flows/flows-api.test.ts',
  division_not_linked: 'test/flows/flows-api.test.ts',
  invalid_settings: 'test/flows/flows-api.test.ts',
  invalid_schedule: 'test/flows/flows-api.test.ts',
  flow_not_found: 'test/flows/flows-api.test.ts',
  wrong_package: 'test/flows/packages-api.test.ts',
  import_invalid: 'test/flows/packages-api.test.ts',
  import_not_found: 'test/flows/packages-api.test.ts',
  run_not_found: 'test/flows/flows-api.test.ts',
  table_not_found: 'test/flows/flows-api.test.ts',
  destination_not_found: 'test/flows/flows-api.test.ts',
  destination_in_use: 'test/flows/flows-api.test.ts',
  invalid_connection_string: 'test/flows/flows-api.test.ts',
  webhook_secret_missing: 'test/flows/flow-webhooks.test.ts',
  webhook_signature_invalid: 'test/flows/flow-webhooks.test.ts',
  webhook_payload_invalid: 'test/flows/flow-webhooks.test.ts',
};

const pglite = BACKENDS.find((b) => b.name === 'pglite')!;
const BODY_LIMIT = 4096;
const METRICS_TOKEN = 'metrics-token-for-the-error-catalogue';

describe('the error catalogue', () => {
  let t: TestHub;
  let sim: RunningSimulator;
  let owner: ApiClient;
  let workspaceId: string;
  let connectionId: string;
  let appId: string;
  const triggered = new Set<ErrorCode>();

  /** Asserts the answer is the catalogue's status and the shared error shape, and records the code. */
  function expectError(response: ApiResponse | { status: number; body: unknown }, code: ErrorCode) {
    expect(response.status, `${code}: ${JSON.stringify(response.body)}`).toBe(ERROR_CATALOGUE[code].status);
    expect(response.body).toEqual({
      error: expect.objectContaining({ code, message: expect.any(String) }),
    });
    const keys = Object.keys((response.body as { error: object }).error);
    expect(keys.every((k) => ['code', 'message', 'details'].includes(k))).toBe(true);
    triggered.add(code);
  }

  /** A fresh authorization state, as `start` created it, for the callback cases. */
  async function freshState(client: ApiClient = owner): Promise<{ state: string; url: URL }> {
    const url = await startAuthorize(client, connectionId);
    return { state: url.searchParams.get('state')!, url };
  }

  const raw = async (method: string, path: string, init: RequestInit = {}) => {
    const response = await fetch(`${t.base}${path}`, { method, ...init });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    sim = await startSim();
    t = await startExactHub(pglite, {
      sim,
      env: { KOPPEL_BODY_LIMIT_BYTES: String(BODY_LIMIT), KOPPEL_METRICS_TOKEN: METRICS_TOKEN },
    });
    ({ client: owner, workspaceId } = await signUpOwner(t.base));
    const simApp = await registerSimApp(sim, exactRedirectUri(t.publicUrl));
    ({ appId, connectionId } = await createAppAndConnection(owner, workspaceId, sim, simApp));
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('answers what Fastify and the schemas refuse in the same shape', async () => {
    expectError(await owner.post('/api/v1/workspaces', {}), 'invalid_request');
    expectError(await owner.request('POST', '/api/v1/workspaces', '{"name":', {}), 'invalid_json');
    expectError(await raw('GET', '/api/v1/%zz'), 'invalid_url');
    expectError(await raw('GET', '/%E0%A4%A'), 'invalid_url');
    expectError(await owner.get(`/api/v1/connections/${'a'.repeat(120)}`), 'uri_too_long');
    expectError(
      await owner.post('/api/v1/workspaces', { name: 'x'.repeat(BODY_LIMIT) }),
      'payload_too_large',
    );
    expectError(
      await owner.request('POST', '/api/v1/workspaces', 'name=x', {
        'content-type': 'application/x-www-form-urlencoded',
      }),
      'unsupported_media_type',
    );
    expectError(await owner.get('/api/v1/nothing-here'), 'route_not_found');
    expectError(await raw('DELETE', '/oauth/nothing'), 'route_not_found');
  });

  it('codes sign-in, session and role failures', async () => {
    expectError(await raw('GET', '/api/v1/me'), 'unauthenticated');
    owner.sendCsrf = false;
    const noCsrf = await owner.post('/api/v1/workspaces', { name: 'No CSRF' });
    owner.sendCsrf = true;
    expectError(noCsrf, 'csrf_token_invalid');
    const token = await owner.post('/api/v1/tokens', { name: 'script' });
    const script = new (owner.constructor as typeof ApiClient)(t.base);
    script.bearer = token.body.token;
    expectError(await script.post('/api/v1/tokens', { name: 'escalate' }), 'session_required');
    expectError(
      await owner.post('/api/v1/auth/signup', {
        email: 'second@example.nl',
        name: 'S',
        password: 'long-enough-1',
      }),
      'signup_closed',
    );
    expectError(
      await owner.post('/api/v1/me/password', {
        currentPassword: 'owner-password-123',
        newPassword: 'password',
      }),
      'weak_password',
    );
    expectError(await owner.delete(`/api/v1/me/sessions/${randomUUID()}`), 'session_not_found');
    expectError(await owner.delete(`/api/v1/tokens/${randomUUID()}`), 'token_not_found');

    const viewer = (await addMember(owner, workspaceId, 'viewer@example.nl', 'viewer')).client;
    expectError(
      await viewer.post('/api/v1/workspaces', { name: 'Not mine to make' }),
      'workspace_creation_not_allowed',
    );
    expectError(
      await viewer.patch(`/api/v1/workspaces/${workspaceId}`, { name: 'Mine' }),
      'insufficient_role',
    );

    const stranger = new (owner.constructor as typeof ApiClient)(t.base);
    for (let i = 0; i < 10; i++) {
      await stranger.post('/api/v1/auth/login', { email: 'nobody@example.nl', password: `wrong-${i}` });
    }
    const throttled = await stranger.post('/api/v1/auth/login', {
      email: 'nobody@example.nl',
      password: 'x',
    });
    expectError(throttled, 'too_many_attempts');
    expect(throttled.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('codes two-factor enrolment mistakes', async () => {
    const member = (await addMember(owner, workspaceId, 'totp@example.nl', 'viewer')).client;
    expectError(await member.post('/api/v1/me/totp/confirm', { code: '123456' }), 'totp_not_enrolling');
    expectError(
      await member.post('/api/v1/me/totp/disable', { password: 'totp@example.nl-password', code: '123456' }),
      'totp_not_enabled',
    );
    const enrolment = await member.post('/api/v1/me/totp');
    const wrong = totpCode(enrolment.body.secret, new Date(t.clock.now().getTime() + 3600_000));
    expectError(await member.post('/api/v1/me/totp/confirm', { code: wrong }), 'totp_code_invalid');
    const code = totpCode(enrolment.body.secret, t.clock.now());
    expect((await member.post('/api/v1/me/totp/confirm', { code })).status).toBe(200);
    expectError(await member.post('/api/v1/me/totp'), 'totp_already_enabled');
  });

  it('codes workspace, member and invitation failures', async () => {
    expectError(await owner.get(`/api/v1/workspaces/${randomUUID()}`), 'workspace_not_found');
    expectError(
      await owner.patch(`/api/v1/workspaces/${workspaceId}/members/${randomUUID()}`, { role: 'admin' }),
      'member_not_found',
    );
    const me = await owner.get('/api/v1/me');
    expectError(
      await owner.patch(`/api/v1/workspaces/${workspaceId}/members/${me.body.user.id}`, { role: 'admin' }),
      'last_owner',
    );
    expectError(
      await owner.post(`/api/v1/workspaces/${workspaceId}/invitations`, {
        email: 'owner@example.nl',
        role: 'admin',
      }),
      'already_member',
    );
    expectError(
      await owner.post('/api/v1/invitations/lookup', { token: 'kpi_nothing' }),
      'invitation_invalid',
    );
    expectError(
      await owner.delete(`/api/v1/workspaces/${workspaceId}/invitations/${randomUUID()}`),
      'invitation_not_found',
    );
    const invite = await owner.post(`/api/v1/workspaces/${workspaceId}/invitations`, {
      email: 'nameless@example.nl',
      role: 'viewer',
    });
    expectError(
      await owner.post('/api/v1/invitations/accept', {
        token: invite.body.token,
        password: 'long-enough-pass-1',
      }),
      'unauthenticated',
    );
  });

  it('codes app, connection and division failures', async () => {
    expectError(await owner.get(`/api/v1/apps/${randomUUID()}`), 'app_not_found');
    expectError(
      await owner.post(`/api/v1/workspaces/${workspaceId}/connections`, {
        name: 'Lost',
        appId: randomUUID(),
      }),
      'app_not_found',
    );
    expectError(await owner.delete(`/api/v1/apps/${appId}`), 'app_in_use');
    expectError(
      await owner.post(`/api/v1/workspaces/${workspaceId}/apps`, {
        title: 'Elsewhere',
        clientId: 'c',
        clientSecret: 's',
        baseUrl: 'http://127.0.0.1:9',
      }),
      'exact_host_not_allowed',
    );
    expectError(await owner.get(`/api/v1/connections/${randomUUID()}`), 'connection_not_found');
    expectError(
      await owner.post(`/api/v1/connections/${connectionId}/divisions/refresh`),
      'connection_not_authorized',
    );
    expectError(await owner.post(`/api/v1/connections/${connectionId}/test`), 'connection_not_authorized');
    expectError(
      await owner.request('PUT', `/api/v1/connections/${connectionId}/divisions`, { codes: [999] }),
      'division_unknown',
    );
  });

  it('codes every way an authorization on Exact can end badly', async () => {
    const back = (query: string) => callback(owner, `/oauth/exact/callback${query}`);
    expectError(await back(''), 'oauth_state_missing');
    expectError(await back('?state=kps_forged&code=x'), 'oauth_state_invalid');

    const denied = await freshState();
    expectError(await back(`?state=${denied.state}&error=access_denied`), 'oauth_consent_denied');
    expectError(await back(`?state=${denied.state}&code=x`), 'oauth_state_reused');
    const failed = await freshState();
    expectError(await back(`?state=${failed.state}&error=server_error`), 'oauth_exact_error');
    const codeless = await freshState();
    expectError(await back(`?state=${codeless.state}`), 'oauth_code_missing');
    const forged = await freshState();
    expectError(await back(`?state=${forged.state}&code=not-a-code-exact-issued`), 'oauth_code_rejected');

    const otherBrowser = await freshState();
    const other = new (owner.constructor as typeof ApiClient)(t.base);
    expectError(
      await callback(other, `/oauth/exact/callback?state=${otherBrowser.state}&code=x`),
      'oauth_session_mismatch',
    );

    const late = await freshState();
    t.clock.advance(16 * 60_000);
    expectError(await back(`?state=${late.state}&code=x`), 'oauth_state_expired');

    const admin = await addMember(owner, workspaceId, 'admin@example.nl', 'admin');
    const demoted = await freshState(admin.client);
    await owner.patch(`/api/v1/workspaces/${workspaceId}/members/${admin.userId}`, { role: 'viewer' });
    expectError(
      await callback(admin.client, `/oauth/exact/callback?state=${demoted.state}&code=x`),
      'oauth_not_allowed',
    );

    const wrongSecret = await createAppAndConnection(
      owner,
      workspaceId,
      sim,
      {
        ...(await registerSimApp(sim, exactRedirectUri(t.publicUrl), 'Other app')),
        clientSecret: 'not-the-secret',
      },
      'Wrong secret',
    );
    const url = await startAuthorize(owner, wrongSecret.connectionId);
    const path = await consent(url, {
      username: sim.defaults.user.username,
      password: sim.defaults.user.password,
    });
    expectError(await callback(owner, path), 'oauth_client_rejected');
  });

  it('codes the metrics endpoint without its token', async () => {
    expectError(
      await raw('GET', '/metrics', { headers: { authorization: 'Bearer wrong-token' } }),
      'metrics_unauthorized',
    );
  });

  it('triggers every catalogued code above, except the ones named with where they are exercised', () => {
    const all = Object.keys(ERROR_CATALOGUE) as ErrorCode[];
    const excused = Object.keys(NOT_TRIGGERED_HERE) as ErrorCode[];
    expect(excused.filter((code) => triggered.has(code))).toEqual([]);
    expect(all.filter((code) => !triggered.has(code) && !excused.includes(code))).toEqual([]);
  });
});
