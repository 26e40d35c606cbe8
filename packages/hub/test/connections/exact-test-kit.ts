import { type RunningSimulator, type SimulatorOptions, startSimulator } from '@koppel/exact-sim';
import { sql } from 'drizzle-orm';
import type { Feature } from '../../src/app/feature.ts';
import { CORE_FEATURES, connectionsFeature } from '../../src/app/features.ts';
import { exactRedirectUri } from '../../src/connections/redirect-uri.ts';
import { connections } from '../../src/storage/schema.ts';
import {
  type ApiClient,
  type Backend,
  type LooseJson,
  signUpOwner,
  startTestHub,
  type TestHub,
} from '../support/test-hub.ts';

/** A hub with the Exact half registered; `sim` is added to the hosts its apps may use. */
export async function startExactHub(
  backend: Backend,
  options: {
    env?: Record<string, string>;
    features?: Feature[];
    fetch?: typeof fetch;
    sim?: RunningSimulator;
  } = {},
): Promise<TestHub> {
  return startTestHub(backend, {
    env: { ...(options.sim ? { KOPPEL_EXACT_BASE_URLS: options.sim.url } : {}), ...options.env },
    hub: {
      features: [...CORE_FEATURES, connectionsFeature, ...(options.features ?? [])],
      ...(options.fetch ? { fetch: options.fetch } : {}),
    },
  });
}

export async function startSim(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  return startSimulator({ port: 0, clock: { frozen: true }, ...options }, { log: () => {} });
}

export async function simControl<T = LooseJson>(
  sim: RunningSimulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${sim.url}/_sim${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`exact-sim ${method} ${path} → ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Registers an app in exact-sim whose redirect URI is the hub's callback; returns its credentials. */
export async function registerSimApp(
  sim: RunningSimulator,
  redirectUri: string,
  name = 'Koppel test app',
): Promise<{ clientId: string; clientSecret: string; webhookSecret: string }> {
  return simControl(sim, 'POST', '/apps', { name, redirectUri });
}

/** Creates an Exact app pointing at the sim and a connection on it; returns their ids. */
export async function createAppAndConnection(
  client: ApiClient,
  workspaceId: string,
  sim: RunningSimulator,
  credentials: { clientId: string; clientSecret: string; webhookSecret?: string },
  name = 'Sim connection',
): Promise<{ appId: string; connectionId: string }> {
  const app = await client.post(`/api/v1/workspaces/${workspaceId}/apps`, {
    title: 'exact-sim',
    clientId: credentials.clientId,
    clientSecret: credentials.clientSecret,
    webhookSecret: credentials.webhookSecret ?? null,
    region: 'nl',
    baseUrl: sim.url,
  });
  if (app.status !== 201) throw new Error(`create app failed: ${JSON.stringify(app.body)}`);
  const connection = await client.post(`/api/v1/workspaces/${workspaceId}/connections`, {
    name,
    appId: app.body.id,
  });
  if (connection.status !== 201)
    throw new Error(`create connection failed: ${JSON.stringify(connection.body)}`);
  return { appId: app.body.id, connectionId: connection.body.id };
}

function cookieHeader(client: ApiClient): string {
  return [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
}

/** GET /oauth/exact/start without following the redirect; returns Exact's authorize URL. */
export async function startAuthorize(client: ApiClient, connectionId: string): Promise<URL> {
  const response = await fetch(`${client.base}/oauth/exact/start?connection=${connectionId}`, {
    headers: { cookie: cookieHeader(client) },
    redirect: 'manual',
  });
  if (response.status !== 302) throw new Error(`start → ${response.status}: ${await response.text()}`);
  return new URL(response.headers.get('location')!);
}

/**
 * Answers exact-sim's consent non-interactively (one POST with username, password, divisions
 * and consent) and returns the hub callback path + query Exact redirects the browser to.
 */
export async function consent(
  authorizeUrl: URL,
  input: { username: string; password: string; divisions?: number[]; consent?: 'allow' | 'deny' },
): Promise<string> {
  const form = new URLSearchParams(authorizeUrl.searchParams);
  form.set('username', input.username);
  form.set('password', input.password);
  form.set('consent', input.consent ?? 'allow');
  if (input.divisions) form.set('divisions', input.divisions.join(','));
  const response = await fetch(`${authorizeUrl.origin}${authorizeUrl.pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    redirect: 'manual',
  });
  if (response.status !== 302) throw new Error(`consent → ${response.status}: ${await response.text()}`);
  const location = new URL(response.headers.get('location')!);
  return `${location.pathname}${location.search}`;
}

/** Follows Exact's redirect to the hub callback in the signed-in browser session. */
export async function callback(
  client: ApiClient,
  pathAndQuery: string,
  accept: 'json' | 'html' = 'json',
): Promise<{ status: number; body: LooseJson; contentType: string }> {
  const response = await fetch(client.base + pathAndQuery, {
    headers: {
      cookie: cookieHeader(client),
      accept: accept === 'json' ? 'application/json' : 'text/html',
    },
    redirect: 'manual',
  });
  const contentType = response.headers.get('content-type') ?? '';
  const text = await response.text();
  return {
    status: response.status,
    body: contentType.includes('json') ? JSON.parse(text) : text,
    contentType,
  };
}

/** The whole authorization: start → consent → callback. */
export async function authorize(
  client: ApiClient,
  connectionId: string,
  sim: RunningSimulator,
  divisions?: number[],
): Promise<{ status: number; body: LooseJson }> {
  const url = await startAuthorize(client, connectionId);
  const back = await consent(url, {
    username: sim.defaults.user.username,
    password: sim.defaults.user.password,
    ...(divisions ? { divisions } : {}),
  });
  return callback(client, back);
}

/**
 * exact-sim and an Exact hub, an owner, an app registered at the sim and one connection on it
 * named `name`, run through authorization; `authorized` is what the callback answered.
 */
export async function startAuthorizedConnection(
  backend: Backend,
  name: string,
  options: { fetch?: typeof fetch } = {},
): Promise<{ sim: RunningSimulator; t: TestHub; connectionId: string; authorized: { status: number } }> {
  const sim = await startSim();
  const t = await startExactHub(backend, { ...options, sim });
  try {
    const { client, workspaceId } = await signUpOwner(t.base);
    const simApp = await registerSimApp(sim, exactRedirectUri(t.publicUrl));
    const { connectionId } = await createAppAndConnection(client, workspaceId, sim, simApp, name);
    const authorized = await authorize(client, connectionId, sim);
    return { sim, t, connectionId, authorized };
  } catch (error) {
    await Promise.allSettled([t.close(), sim.close()]);
    throw error;
  }
}

/** A connection's stored row, read straight from the database. */
export async function connectionRow(t: TestHub, id: string) {
  return (await t.hub.db.select().from(connections).where(sql`${connections.id} = ${id}`))[0]!;
}

export type { RunningSimulator, TestHub };
