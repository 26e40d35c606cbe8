import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CORE_FEATURES,
  connectionsFeature,
  createHub,
  type Hub,
  loadConfig,
  STANDARD_FEATURES,
} from '@koppel/hub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The hub's static-UI plugin, pointed at a stand-in build so this test does not depend on dist.
import { webUiRoutes } from '../../hub/src/web-ui/web-ui-routes.ts';
import { LogLines } from './support/stack.ts';

const errorOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string; message: string } }).error;

async function startHub(distDir: string): Promise<{ hub: Hub; base: string; logs: LogLines }> {
  const logs = new LogLines();
  const config = loadConfig({ KOPPEL_PORT: '0', KOPPEL_DATA_DIR: 'memory://', KOPPEL_LOG_LEVEL: 'info' });
  const hub = await createHub(config, {
    features: [
      ...CORE_FEATURES,
      connectionsFeature,
      { name: 'web-ui', rootRoutes: (s) => [webUiRoutes(s.platform.logger, distDir)] },
    ],
    logDestination: logs,
  });
  return { hub, base: await hub.listen(), logs };
}

describe('the hub serving the dashboard', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'koppel-web-dist-'));
  const dist = path.join(root, 'dist');
  let built: Awaited<ReturnType<typeof startHub>>;
  let missing: Awaited<ReturnType<typeof startHub>>;

  beforeAll(async () => {
    mkdirSync(path.join(dist, 'assets'), { recursive: true });
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(path.join(dist, 'assets', 'index-abc123.js'), 'console.log("koppel")');
    writeFileSync(path.join(root, 'secret.txt'), 'outside the build');
    [built, missing] = await Promise.all([startHub(dist), startHub(path.join(root, 'not-built'))]);
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled([built?.hub.close(), missing?.hub.close()]);
    rmSync(root, { recursive: true, force: true });
  });

  it('registers the dashboard as one public catch-all GET route', () => {
    expect(STANDARD_FEATURES.map((f) => f.name)).toContain('web-ui');
    expect(
      built.hub.routes.some((r) => r.method === 'GET' && r.url === '/*' && r.access.kind === 'public'),
    ).toBe(true);
  });

  it('serves index.html at / and for client-side routes, never cached', async () => {
    for (const url of ['/', '/connections/8f4e2a8c-0000-4000-8000-000000000000', '/setup?connection=x']) {
      const response = await fetch(built.base + url);
      expect(response.status, url).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(await response.text()).toContain('<div id="root">');
    }
  });

  it('serves hashed assets as immutable and 404s a missing file', async () => {
    const asset = await fetch(`${built.base}/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(await asset.text()).toContain('koppel');
    const gone = await fetch(`${built.base}/assets/index-old.js`);
    expect(gone.status).toBe(404);
    expect((await errorOf(gone)).code).toBe('file_not_found');
  });

  it('keeps unknown API and OAuth paths JSON 404s and the API working', async () => {
    for (const url of ['/api/v1/nothing-here', '/oauth/exact/nothing']) {
      const response = await fetch(built.base + url);
      expect(response.status, url).toBe(404);
      expect((await errorOf(response)).code).toBe('route_not_found');
    }
    const me = await fetch(`${built.base}/api/v1/me`);
    expect(me.status).toBe(401);
    expect((await fetch(`${built.base}/healthz`)).status).toBe(200);
  });

  it('answers a malformed path with a client error, not a server error', async () => {
    const response = await fetch(`${built.base}/%E0%A4%A`);
    // Fastify's router refuses it before any route runs (with its own error shape, hub-wide).
    expect(response.status).toBe(400);
  });

  it('never serves a file outside the build', async () => {
    for (const url of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt']) {
      const response = await fetch(built.base + url);
      const body = await response.text();
      expect(body, url).not.toContain('outside the build');
    }
  });

  it('without a build, starts API-only, says so once, and explains at /', async () => {
    const notes = missing.logs.lines.filter((line) => line.includes('dashboard not built'));
    expect(notes).toHaveLength(1);
    const page = await fetch(`${missing.base}/`);
    expect(page.status).toBe(404);
    const error = await errorOf(page);
    expect(error.code).toBe('web_ui_not_built');
    expect(error.message).toContain('npm run build -w packages/web');
    expect((await fetch(`${missing.base}/api/v1/me`)).status).toBe(401);
  });
});
