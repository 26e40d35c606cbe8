// Shared helpers of the exact-sim suites: start a simulator on a random port with a frozen
// clock, run the OAuth flow without pages, and call the API and control endpoints.
import { resolveSettings, type SimulatorOptions } from '../../src/config.ts';
import { startSimulator } from '../../src/index.ts';
import type { RunningSimulator } from '../../src/simulator.ts';

/** 2023-05-12 08:18:25 UTC: the moment of the real rate-limit headers quoted in exact-online-api.md §2. */
export const START = Date.parse('2023-05-12T08:18:25.000Z');

/** Accounts generated per division in the suites. */
export const ACCOUNTS = 5;

export function startTestSim(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const settings = resolveSettings(
    {
      port: 0,
      clock: { frozen: true, start: START },
      webhooks: { retryDelaysMs: [30, 60], deliveryTimeoutMs: 2000 },
      defaultVolumes: { accounts: ACCOUNTS, contacts: 5, addresses: 5, items: 5, transactionLines: 20 },
    },
    options,
  );
  return startSimulator(settings);
}

export interface TokenBody {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: string;
}

export interface FlowOptions {
  clientId?: string;
  clientSecret?: string;
  redirectUri?: string;
  username?: string;
  password?: string;
  divisions?: number[];
  state?: string;
  consent?: 'allow' | 'deny';
}

/** The non-interactive authorize POST; returns the 302 response. */
export function authorizePost(sim: RunningSimulator, options: FlowOptions = {}): Promise<Response> {
  const form = new URLSearchParams({
    client_id: options.clientId ?? sim.defaults.app.clientId,
    redirect_uri: options.redirectUri ?? sim.defaults.app.redirectUri,
    response_type: 'code',
    state: options.state ?? 'state-1',
    username: options.username ?? sim.defaults.user.username,
    password: options.password ?? sim.defaults.user.password,
    consent: options.consent ?? 'allow',
  });
  if (options.divisions) form.set('divisions', options.divisions.join(','));
  return fetch(`${sim.url}/api/oauth2/auth`, { method: 'POST', body: form, redirect: 'manual' });
}

export async function authorizeCode(sim: RunningSimulator, options: FlowOptions = {}): Promise<string> {
  const res = await authorizePost(sim, options);
  if (res.status !== 302) throw new Error(`authorize answered ${res.status}: ${await res.text()}`);
  const code = new URL(res.headers.get('location')!).searchParams.get('code');
  if (!code) throw new Error(`no code in ${res.headers.get('location')}`);
  return code;
}

export function tokenPost(
  sim: RunningSimulator,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
) {
  return fetch(`${sim.url}/api/oauth2/token`, { method: 'POST', body: new URLSearchParams(fields), headers });
}

export function codeGrant(sim: RunningSimulator, code: string, overrides: Record<string, string> = {}) {
  return tokenPost(sim, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: sim.defaults.app.redirectUri,
    client_id: sim.defaults.app.clientId,
    client_secret: sim.defaults.app.clientSecret,
    ...overrides,
  });
}

export function refreshGrant(
  sim: RunningSimulator,
  refreshToken: string,
  overrides: Record<string, string> = {},
) {
  return tokenPost(sim, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: sim.defaults.app.clientId,
    client_secret: sim.defaults.app.clientSecret,
    ...overrides,
  });
}

/** Authorizes and exchanges the code: a fresh token pair. */
export async function connect(sim: RunningSimulator, options: FlowOptions = {}): Promise<TokenBody> {
  const code = await authorizeCode(sim, options);
  const res = await codeGrant(sim, code, {
    ...(options.clientId ? { client_id: options.clientId } : {}),
    ...(options.clientSecret ? { client_secret: options.clientSecret } : {}),
    ...(options.redirectUri ? { redirect_uri: options.redirectUri } : {}),
  });
  if (res.status !== 200) throw new Error(`token endpoint answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as TokenBody;
}

export function api(sim: RunningSimulator, token: string | undefined, path: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  if (!headers.has('accept')) headers.set('accept', 'application/json');
  if (token !== undefined) headers.set('authorization', `Bearer ${token}`);
  return fetch(`${sim.url}/api/v1/${path}`, { ...init, headers });
}

export async function control<T = Record<string, unknown>>(
  sim: RunningSimulator,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${sim.url}/_sim/${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

export async function advance(sim: RunningSimulator, ms: number): Promise<void> {
  const res = await control(sim, 'POST', 'clock', { advanceMs: ms });
  if (res.status !== 200) throw new Error(`clock advance failed: ${JSON.stringify(res.body)}`);
}

/** Polls until `check` returns a value other than undefined (or the time runs out). */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 3000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
