import type { DoctorCheck, DoctorResult } from '../doctor/doctor.ts';
import type { ConnectionsDeps } from './connections-deps.ts';
import { KEEP_ALIVE_IDLE_MS } from './connections-jobs.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const REFRESH_TOKEN_LIFETIME_MS = 30 * DAY_MS;
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * Per Exact app: the redirect URI derived from KOPPEL_PUBLIC_URL is served by this hub, and
 * Exact's authorize endpoint accepts the app's client ID with that redirect URI (Exact answers
 * an unknown client or an unregistered redirect URI with an error page instead of its login).
 */
export const exactAppRedirectCheck = (deps: ConnectionsDeps): DoctorCheck => ({
  name: 'exact-apps',
  async run(env) {
    const access = deps.exact;
    const redirectUri = access.redirectUri;
    const apps = await access.apps.listAll();
    if (apps.length === 0)
      return { check: 'exact-apps', status: 'ok', message: 'no Exact apps registered yet' };
    const results: DoctorResult[] = [];
    const check = (app: { title: string }) => `exact-app ${app.title}`;
    let callbackServed: string | undefined;
    try {
      const response = await env.fetch(redirectUri, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(env.timeoutMs),
      });
      const body = (await response.json().catch(() => undefined)) as
        | { error?: { code?: string } }
        | undefined;
      if (body?.error?.code !== 'oauth_state_missing') {
        callbackServed = `${redirectUri} answered HTTP ${response.status}, not as this hub's OAuth callback; check KOPPEL_PUBLIC_URL and the proxy in front of the hub`;
      }
    } catch (error) {
      callbackServed = `${redirectUri} is unreachable (${(error as Error).message}); Exact sends users back there`;
    }
    for (const app of apps) {
      if (callbackServed) {
        results.push({ check: check(app), status: 'fail', message: callbackServed });
        continue;
      }
      const url = access.oauthClient(app).authorizeUrl({ state: 'koppel-doctor' });
      const insecure =
        app.baseUrl === null &&
        redirectUri.startsWith('http://') &&
        !LOCAL_HOSTS.has(new URL(redirectUri).hostname);
      try {
        const response = await env.fetch(url, {
          redirect: 'manual',
          signal: AbortSignal.timeout(env.timeoutMs),
        });
        await response.body?.cancel();
        if (response.status >= 400 && response.status < 500) {
          results.push({
            check: check(app),
            status: 'fail',
            message: `Exact refused the authorize request (HTTP ${response.status}): client ID ${app.clientId} is unknown there or ${redirectUri} is not the app's registered redirect URI. Register exactly that URI in the App Center.`,
          });
        } else if (insecure) {
          results.push({
            check: check(app),
            status: 'warn',
            message: `redirect URI ${redirectUri} is plain http; Exact requires https for production apps`,
          });
        } else {
          results.push({
            check: check(app),
            status: 'ok',
            message: `redirect URI ${redirectUri} accepted by ${access.baseOf(app)}`,
          });
        }
      } catch (error) {
        results.push({
          check: check(app),
          status: 'warn',
          message: `could not reach ${access.baseOf(app)} to check the redirect URI (${(error as Error).message})`,
        });
      }
    }
    return results;
  },
});

/** Per connection: status, last test, and whether its refresh token is kept alive. */
export const connectionHealthCheck = (deps: ConnectionsDeps): DoctorCheck => ({
  name: 'connections',
  async run() {
    const access = deps.exact;
    const rows = await access.connections.listAll();
    if (rows.length === 0) return { check: 'connections', status: 'ok', message: 'no connections yet' };
    const now = deps.clock.now().getTime();
    return rows.map((c): DoctorResult => {
      const check = `connection ${c.name}`;
      const test = c.lastTest as { ok?: boolean; summary?: string } | null;
      const age = c.tokenObtainedAt ? now - c.tokenObtainedAt.getTime() : 0;
      switch (c.status) {
        case 'not_authorized':
          return { check, status: 'warn', message: 'not authorized yet; press Authorize on the connection' };
        case 'needs_reauth':
          return {
            check,
            status: 'fail',
            message: 'Exact refused its tokens; an admin must authorize it again',
          };
        case 'error':
          return { check, status: 'fail', message: `last test failed: ${test?.summary ?? 'unknown reason'}` };
      }
      if (age > REFRESH_TOKEN_LIFETIME_MS - 3 * DAY_MS) {
        return {
          check,
          status: 'fail',
          message: `tokens unused for ${Math.floor(age / DAY_MS)} days; Exact drops them after 30. Run a worker (koppel worker) so the keep-alive job refreshes them`,
        };
      }
      if (age > KEEP_ALIVE_IDLE_MS + DAY_MS) {
        return {
          check,
          status: 'warn',
          message: `tokens ${Math.floor(age / DAY_MS)} days old: the keep-alive job has not run; is a worker running?`,
        };
      }
      if (test && test.ok === false) return { check, status: 'warn', message: `last test: ${test.summary}` };
      if (c.status === 'inactive')
        return { check, status: 'ok', message: 'switched off (inactive); tokens kept alive' };
      return {
        check,
        status: 'ok',
        message: test ? `active; last test: ${test.summary}` : 'active; not tested yet',
      };
    });
  },
});

export const exactDoctorChecks = (deps: ConnectionsDeps): DoctorCheck[] => [
  exactAppRedirectCheck(deps),
  connectionHealthCheck(deps),
];
