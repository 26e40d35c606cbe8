// Starts a real exact-sim on a random port and drives it the way a user and a CI job would:
// the non-interactive authorize form, the /_sim control API, the simulated clock.
import { type RunningSimulator, type SimulatorOptions, startSimulator } from '@koppel/exact-sim';
import { type Clock, ExactClient, type ExactClientOptions, type Sleep } from '../../src/index.ts';

export interface AppCredentials {
  clientId: string;
  clientSecret: string;
  webhookSecret: string;
  redirectUri: string;
}

export interface TestSim {
  sim: RunningSimulator;
  url: string;
  app: AppCredentials;
  /** The SDK's clock: the simulator's own (frozen) clock. */
  clock: Clock;
  /** A sleep that moves the simulated clock instead of waiting. */
  sleep: Sleep;
  control<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
  stats(): Promise<SimStats>;
  advance(ms: number): Promise<void>;
  /** Runs the authorize form as the default user and returns the code. */
  authorizeCode(app?: AppCredentials, divisions?: number[]): Promise<string>;
  /** A client on the simulator with the simulated clock and sleep. */
  client(options?: Partial<ExactClientOptions>, app?: AppCredentials): ExactClient;
  /** A client that has completed authorization. */
  connectedClient(options?: Partial<ExactClientOptions>, app?: AppCredentials): Promise<ExactClient>;
  close(): Promise<void>;
}

export interface SimStats {
  api: {
    calls: number;
    byStatus: Record<string, number>;
    byEndpoint: Record<string, number>;
    rateLimited: number;
  };
  token: {
    calls: number;
    byGrantType: Record<string, number>;
    failures: Record<string, number>;
    dropped: number;
  };
  webhooks: { validations: number; deliveries: number; delivered: number };
}

export async function startTestSim(options: SimulatorOptions = {}): Promise<TestSim> {
  const sim = await startSimulator({
    port: 0,
    ...options,
    clock: { frozen: true, start: '2026-06-15T10:00:00Z', ...options.clock },
  });
  const url = sim.url;
  const app: AppCredentials = { ...sim.defaults.app };

  async function control<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${url}/_sim${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`/_sim${path} answered ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  }

  const advance = async (ms: number) => {
    await control('POST', '/clock', { advanceMs: Math.max(0, Math.ceil(ms)) });
  };

  async function authorizeCode(
    forApp: AppCredentials = app,
    divisions = sim.defaults.divisions,
  ): Promise<string> {
    const response = await fetch(`${url}/api/oauth2/auth`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: forApp.clientId,
        redirect_uri: forApp.redirectUri,
        response_type: 'code',
        state: 'test-state',
        username: sim.defaults.user.username,
        password: sim.defaults.user.password,
        divisions: divisions.join(','),
        consent: 'allow',
      }),
    });
    const location = response.headers.get('location');
    if (response.status !== 302 || location === null) {
      throw new Error(`authorize answered ${response.status}: ${await response.text()}`);
    }
    const target = new URL(location);
    if (target.searchParams.get('state') !== 'test-state') throw new Error('state not round-tripped');
    return target.searchParams.get('code') ?? '';
  }

  const clock: Clock = { now: () => sim.clock.now() };

  function client(options: Partial<ExactClientOptions> = {}, forApp: AppCredentials = app): ExactClient {
    return new ExactClient({
      region: url,
      clientId: forApp.clientId,
      clientSecret: forApp.clientSecret,
      redirectUri: forApp.redirectUri,
      clock,
      sleep: advance,
      random: () => 0,
      ...options,
    });
  }

  return {
    sim,
    url,
    app,
    clock,
    sleep: advance,
    control,
    stats: () => control<SimStats>('GET', '/stats'),
    advance,
    authorizeCode,
    client,
    async connectedClient(options = {}, forApp = app) {
      const exact = client(options, forApp);
      await exact.connect(await authorizeCode(forApp));
      return exact;
    },
    close: () => sim.close(),
  };
}

/** Registers an extra app (own client id, so its own rate budget) with optional small limits. */
export async function createApp(
  testSim: TestSim,
  limits: { minutelyLimit?: number; dailyLimit?: number } = {},
): Promise<AppCredentials> {
  const created = await testSim.control<AppCredentials>('POST', '/apps', {
    name: `test-app-${Math.random().toString(36).slice(2)}`,
    redirectUri: testSim.app.redirectUri,
    ...limits,
  });
  return {
    clientId: created.clientId,
    clientSecret: created.clientSecret,
    webhookSecret: created.webhookSecret,
    redirectUri: created.redirectUri,
  };
}
