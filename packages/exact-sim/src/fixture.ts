// A test fixture for other projects' suites: a simulator on a free port with a client that has
// already been through OAuth, so a test can call the API at once. It authorizes over real HTTP
// (the non-interactive authorize form and the token endpoint), exactly as a client would.
import type { SimulatorOptions } from './config.ts';
import type { DivisionSpec } from './contract.ts';
import { startSimulator } from './index.ts';
import type { RunningSimulator } from './simulator.ts';

export interface ExactSimOptions extends SimulatorOptions {
  /** The default user's divisions (shorthand for `defaultDivisions`); codes are assigned when left out. */
  divisions?: DivisionSpec[];
  /** Division codes the client consents to; default: all of the user's divisions. */
  consent?: number[];
}

/** A token pair shaped like `@koppel/exact`'s `TokenSet`, so it can be saved into any token store. */
export interface ExactSimTokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms on the simulator's clock at which the access token expires. */
  expiresAt: number;
  obtainedAt: number;
}

export interface AuthorizedClient {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  webhookSecret: string;
  /** Division codes in the token's consent scope. */
  divisions: number[];
  tokens: ExactSimTokens;
}

export interface ExactSim {
  /** Base URL: use it as the Exact region/host of the client under test. */
  url: string;
  /** The default app, authorized by the default user. */
  client: AuthorizedClient;
  /** The default user, for tests that drive the consent pages themselves. */
  user: { username: string; password: string };
  /** The underlying simulator: settings and the simulated clock. */
  simulator: RunningSimulator;
  /** A fresh authorization code for the default app (for tests of a client's own code exchange). */
  authorizationCode(divisions?: number[]): Promise<string>;
  /** Stops the server; no handles are left open. */
  stop(): Promise<void>;
}

class FixtureError extends Error {
  readonly code = 'fixture_authorization_failed';
  constructor(step: string, status: number, body: string) {
    super(`exact-sim fixture: ${step} answered ${status}: ${body.slice(0, 300)}`);
    this.name = 'FixtureError';
  }
}

/**
 * Starts an exact-sim on a free port (unless `port` is given) and authorizes its default app
 * as its default user. Throws `SettingsError` for invalid options.
 */
export async function startExactSim(options: ExactSimOptions = {}): Promise<ExactSim> {
  const { divisions, consent, ...settings } = options;
  const simulator = await startSimulator({
    port: 0,
    ...settings,
    ...(divisions === undefined ? {} : { defaultDivisions: divisions }),
  });
  const app = simulator.defaults.app;
  const user = simulator.defaults.user;
  const scope = consent ?? simulator.defaults.divisions;

  async function authorizationCode(codes: number[] = scope): Promise<string> {
    const response = await fetch(`${simulator.url}/api/oauth2/auth`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({
        client_id: app.clientId,
        redirect_uri: app.redirectUri,
        response_type: 'code',
        state: 'exact-sim-fixture',
        username: user.username,
        password: user.password,
        divisions: codes.join(','),
        consent: 'allow',
      }),
    });
    const location = response.headers.get('location');
    const code = location === null ? null : new URL(location).searchParams.get('code');
    if (response.status !== 302 || !code) {
      throw new FixtureError('authorize', response.status, await response.text());
    }
    return code;
  }

  try {
    const code = await authorizationCode();
    const obtainedAt = simulator.clock.now();
    const response = await fetch(`${simulator.url}/api/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: app.redirectUri,
        client_id: app.clientId,
        client_secret: app.clientSecret,
      }),
    });
    const text = await response.text();
    if (!response.ok) throw new FixtureError('token', response.status, text);
    const body = JSON.parse(text) as { access_token: string; refresh_token: string; expires_in: string };
    return {
      url: simulator.url,
      client: {
        ...app,
        divisions: [...scope],
        tokens: {
          accessToken: body.access_token,
          refreshToken: body.refresh_token,
          expiresAt: obtainedAt + Number(body.expires_in) * 1000,
          obtainedAt,
        },
      },
      user: { ...user },
      simulator,
      authorizationCode,
      stop: () => simulator.close(),
    };
  } catch (error) {
    await simulator.close();
    throw error;
  }
}
