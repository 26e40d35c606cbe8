import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CORE_FEATURES } from '../src/app/features.ts';
import { createHub } from '../src/cli/hub.ts';
import { loadConfig } from '../src/config/config.ts';
import { platformDoctorChecks, runDoctor } from '../src/doctor/doctor.ts';
import { ERROR_CATALOGUE } from '../src/errors/error-catalogue.ts';
import { defineJob } from '../src/jobs/job-definition.ts';
import { PublicUrl } from '../src/platform/public-url.ts';
import { SecretBox } from '../src/secrets/secret-box.ts';
import { exactApps, sessions } from '../src/storage/schema.ts';
import {
  ApiClient,
  addMember,
  BACKENDS,
  type LooseJson,
  OWNER,
  signUpOwner,
  startTestHub,
  type TestHub,
} from './support/test-hub.ts';

const METRICS_TOKEN = 'metrics-token-for-the-platform-suite';

describe.each(BACKENDS)('operations endpoints, errors, jobs and doctor on $name', (backend) => {
  let t: TestHub;
  let workspaceId: string;
  const ranJobs: { name: string; data: unknown }[] = [];

  beforeAll(async () => {
    t = await startTestHub(backend, {
      env: { KOPPEL_BODY_LIMIT_BYTES: '2048', KOPPEL_METRICS_TOKEN: METRICS_TOKEN },
      hub: {
        features: [
          ...CORE_FEATURES,
          {
            name: 'test',
            jobs: () => [
              defineJob({
                name: 'test-echo',
                payload: z.object({ hello: z.string() }),
                async handler(data) {
                  ranJobs.push({ name: 'test-echo', data });
                },
              }),
            ],
          },
        ],
      },
    });
    ({ workspaceId } = await signUpOwner(t.base));
  });
  afterAll(() => t?.close());

  it('sends security headers, and no-store on API answers', async () => {
    const api = await fetch(`${t.base}/api/v1/me`);
    expect(api.headers.get('cache-control')).toBe('no-store');
    expect(api.headers.get('x-content-type-options')).toBe('nosniff');
    expect(api.headers.get('x-frame-options')).toBe('DENY');
    expect(api.headers.get('referrer-policy')).toBe('no-referrer');
    expect((await fetch(`${t.base}/healthz`)).headers.get('x-frame-options')).toBe('DENY');
  });

  it('answers /healthz and /readyz', async () => {
    expect(await (await fetch(`${t.base}/healthz`)).json()).toEqual({ status: 'ok' });
    // Strangers learn ready or not, nothing about where the data lives.
    const anonymous = await fetch(`${t.base}/readyz`);
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toEqual({ status: 'ready' });
    const ready = await fetch(`${t.base}/readyz`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ready',
      checks: { database: { ok: true }, migrations: { ok: true } },
    });
  });

  it('names the database in /readyz only to a workspace admin or the metrics token', async () => {
    const location = t.hub.services.platform.database.location;
    const owner = new ApiClient(t.base);
    await owner.post('/api/v1/auth/login', { email: OWNER.email, password: OWNER.password });
    const viewer = await addMember(owner, workspaceId, `ready-viewer-${backend.name}@example.nl`, 'viewer');
    for (const client of [new ApiClient(t.base), viewer.client]) {
      const response = await client.get('/readyz');
      expect(JSON.stringify(response.body)).not.toContain(location);
      expect(response.body).toEqual({ status: 'ready' });
    }
    const admin = await owner.get('/readyz');
    expect(admin.body.checks.database.message).toContain(location);
  });

  it('serves Prometheus metrics with per-route request counts to the metrics token only', async () => {
    await fetch(`${t.base}/healthz`);
    for (const authorization of [undefined, 'Bearer not-the-metrics-token', `Basic ${METRICS_TOKEN}`]) {
      const refused = await fetch(`${t.base}/metrics`, authorization ? { headers: { authorization } } : {});
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as LooseJson).error.code).toBe('metrics_unauthorized');
    }
    const scraped = await fetch(`${t.base}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(scraped.status).toBe(200);
    const text = await scraped.text();
    expect(text).toMatch(/koppel_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
    expect(text).toMatch(/koppel_process_cpu_seconds_total/);
  });

  it('serves an OpenAPI 3.1 document generated from the route schemas', async () => {
    const doc = (await (await fetch(`${t.base}/api/openapi.json`)).json()) as LooseJson;
    expect(doc.openapi).toBe('3.1.0');
    const login = doc.paths['/api/v1/auth/login'].post;
    expect(login.requestBody.content['application/json'].schema.required).toEqual(['email', 'password']);
    expect(
      doc.paths['/api/v1/workspaces/{workspaceId}/members/{userId}'].patch.parameters
        .map((p: { name: string }) => p.name)
        .sort(),
    ).toEqual(['userId', 'workspaceId']);
    expect(login.responses['4XX'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ErrorBody',
    });
    expect(doc.components.schemas.ErrorBody.properties.error.required).toEqual(['code', 'message']);
    // Every catalogued code is listed, with its status.
    expect(doc.components.schemas.ErrorCode.enum).toEqual(Object.keys(ERROR_CATALOGUE));
    expect(doc.components.schemas.ErrorCode['x-koppel-errors'].workspace_not_found.status).toBe(404);
    expect(login.security).toEqual([]);
    expect(doc.paths['/api/v1/me'].get.security).toBeUndefined();
    expect(doc.security).toEqual([{ session: [] }, { apiToken: [] }]);
  });

  it('answers errors as {error: {code, message}} with the right status', async () => {
    const client = new ApiClient(t.base);
    const notJson = await client.request('POST', '/api/v1/auth/login', 'email=a', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(notJson.status).toBe(415);
    expect(notJson.body.error.code).toBe('unsupported_media_type');
    const broken = await client.request('POST', '/api/v1/auth/login', '{"email":', {});
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('invalid_json');
    const huge = await client.post('/api/v1/auth/login', { email: 'a@b.nl', password: 'x'.repeat(4000) });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload_too_large');
    const missing = await client.get('/api/v1/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('route_not_found');
  });

  it('runs jobs through pg-boss on the same database, including the housekeeping job', async () => {
    // Sent by the server before this process became a worker: the queue restarts as a worker.
    await t.hub.services.jobs.send('test-echo', { hello: 'world' });
    expect(ranJobs).toEqual([]);
    await t.hub.startWorker({ pollingIntervalSeconds: 0.5 });
    await expect
      .poll(() => ranJobs, { timeout: 15_000, interval: 200 })
      .toEqual([{ name: 'test-echo', data: { hello: 'world' } }]);

    const client = new ApiClient(t.base);
    await client.post('/api/v1/auth/login', { email: OWNER.email, password: OWNER.password });
    const before = (await t.hub.db.select().from(sessions)).length;
    expect(before).toBeGreaterThanOrEqual(2);
    t.clock.advance(15 * 24 * 3600 * 1000);
    await t.hub.services.jobs.send('housekeeping');
    await expect
      .poll(async () => (await t.hub.db.select().from(sessions)).length, { timeout: 15_000, interval: 200 })
      .toBe(0);
    await expect(t.hub.services.jobs.send('no-such-job')).rejects.toThrow(/unknown job/);
  });

  it('checks job payloads against their schema, and keeps one schedule per instance key', async () => {
    const jobs = t.hub.services.jobs;
    await expect(jobs.send('test-echo', { hello: 42 })).rejects.toMatchObject({
      code: 'job_payload_invalid',
      message: expect.stringContaining('hello'),
    });
    const echo = jobs.definitions.find((d) => d.name === 'test-echo')!;
    await jobs.schedule(echo, '0 * * * *', { hello: 'flow a' }, 'flow-a');
    await jobs.schedule(echo, '30 * * * *', { hello: 'flow b' }, 'flow-b');
    await jobs.schedule(echo, '15 * * * *', { hello: 'flow a, moved' }, 'flow-a');
    expect((await jobs.scheduleKeys(echo)).sort()).toEqual(['flow-a', 'flow-b']);
    await jobs.unschedule(echo, 'flow-a');
    expect(await jobs.scheduleKeys(echo)).toEqual(['flow-b']);
    await jobs.unschedule(echo, 'flow-b');
  });

  it('doctor: passes on a healthy hub and names what is wrong otherwise', async () => {
    const platform = t.hub.services.platform;
    expect(platform.publicUrl.value).toBe(t.base);
    const healthy = await runDoctor(platformDoctorChecks(platform));
    expect(healthy.filter((r) => r.status === 'fail')).toEqual([]);
    expect(healthy.map((r) => r.check)).toEqual(
      expect.arrayContaining(['database', 'secret-key', 'public-url']),
    );

    const foreignKey = new SecretBox(randomBytes(32));
    const appId = randomUUID();
    await t.hub.db.insert(exactApps).values({
      id: appId,
      workspaceId,
      title: 'Sealed elsewhere',
      clientId: 'c',
      clientSecretEnc: foreignKey.seal('s', `exact_apps.client_secret:${appId}`),
      region: 'nl',
    });
    const unreachable = { ...platform, publicUrl: new PublicUrl('http://127.0.0.1:9', 0) };
    const broken = await runDoctor(platformDoctorChecks(unreachable), { timeoutMs: 2000 });
    const failures = broken.filter((r) => r.status === 'fail');
    expect(failures.map((r) => r.check).sort()).toEqual(['public-url', 'secret-key']);
    expect(failures.find((r) => r.check === 'secret-key')!.message).toContain(foreignKey.currentKeyId);
    await t.hub.db.delete(exactApps);
  });
});

describe.each(BACKENDS)('a hub before migrations, without a metrics token ($name)', (backend) => {
  let t: TestHub;

  beforeAll(async () => {
    t = await startTestHub(backend, { hub: { migrate: false, pgliteTemplate: undefined } });
  });
  afterAll(() => t?.close());

  it('reports not ready with the fix while migrations are pending', async () => {
    const response = await fetch(`${t.base}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: 'not_ready' });
  });

  it('switches /metrics off without KOPPEL_METRICS_TOKEN and says how to switch it on', async () => {
    const res = await fetch(`${t.base}/metrics`);
    expect(res.status).toBe(404);
    const body = (await res.json()) as LooseJson;
    expect(body.error.code).toBe('metrics_disabled');
    expect(body.error.message).toContain('KOPPEL_METRICS_TOKEN');
  });
});

describe('a hub that fails to start', () => {
  it('releases the embedded data dir, so a corrected start succeeds', async () => {
    const prepared = await BACKENDS[0]!.prepare();
    try {
      const config = loadConfig({ ...prepared.env, KOPPEL_PORT: '0', KOPPEL_LOG_LEVEL: 'silent' });
      const careless = async (app: FastifyInstance) => {
        app.get('/careless', async () => ({}));
      };
      await expect(
        createHub(config, {
          ...prepared.hubOptions,
          features: [...CORE_FEATURES, { name: 'careless', apiRoutes: () => [careless] }],
        }),
      ).rejects.toThrow(/config\.access/);
      const hub = await createHub(config, prepared.hubOptions);
      expect((await hub.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      await hub.close();
    } finally {
      await prepared.dispose();
    }
  });
});
