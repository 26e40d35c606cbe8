import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../src/simulator.ts';
import {
  advance,
  api,
  authorizeCode,
  codeGrant,
  connect,
  control,
  refreshGrant,
  startTestSim,
  tokenPost,
} from './support/sim.ts';

const MIN_AGE = 570_000;

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startTestSim();
});
afterAll(() => sim.close());

describe('code exchange', () => {
  it('answers Exact-shaped tokens: expires_in the string "600", token_type bearer', async () => {
    const code = await authorizeCode(sim);
    const res = await codeGrant(sim, code);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.token_type).toBe('bearer');
    expect(body.expires_in).toBe('600');
    expect(typeof body.access_token).toBe('string');
    expect(typeof body.refresh_token).toBe('string');
    expect(body.access_token).not.toBe(body.refresh_token);
  });

  it('refuses a code the second time with 400', async () => {
    const code = await authorizeCode(sim);
    expect((await codeGrant(sim, code)).status).toBe(200);
    const again = await codeGrant(sim, code);
    expect(again.status).toBe(400);
    expect(((await again.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('lets a code expire after 3 minutes with the broken-chain invalid_grant', async () => {
    const code = await authorizeCode(sim);
    await advance(sim, 180_000);
    const res = await codeGrant(sim, code);
    expect(res.status).toBe(400);
    expect(res.headers.get('reason')).toBe(
      'Unknown: Token is not allowed, because of invalid or empty chainId',
    );
    expect(await res.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'Token is not allowed, because of invalid or empty chainId',
    });
  });

  it('answers 400 invalid_request for a wrong secret or unknown client', async () => {
    const code = await authorizeCode(sim);
    const wrong = await codeGrant(sim, code, { client_secret: 'wrong' });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({ error: 'invalid_request' });
    const unknown = await codeGrant(sim, code, { client_id: 'nobody' });
    expect(unknown.status).toBe(400);
    // The failed calls did not consume the code.
    expect((await codeGrant(sim, code)).status).toBe(200);
  });

  it('refuses a redirect_uri other than the one of the authorize request', async () => {
    const code = await authorizeCode(sim);
    const res = await codeGrant(sim, code, { redirect_uri: 'http://127.0.0.1:3000/other' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_request');
  });

  it('accepts client credentials in an HTTP Basic header', async () => {
    const code = await authorizeCode(sim);
    const basic = Buffer.from(`${sim.defaults.app.clientId}:${sim.defaults.app.clientSecret}`).toString(
      'base64',
    );
    const res = await tokenPost(
      sim,
      { grant_type: 'authorization_code', code, redirect_uri: sim.defaults.app.redirectUri },
      { authorization: `Basic ${basic}` },
    );
    expect(res.status).toBe(200);
  });

  it('rejects an unknown grant type', async () => {
    const res = await tokenPost(sim, {
      grant_type: 'password',
      client_id: sim.defaults.app.clientId,
      client_secret: sim.defaults.app.clientSecret,
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('unsupported_grant_type');
  });
});

describe('refresh', () => {
  it('refuses a refresh before 570 s with 401 and allows it after, without consuming the token', async () => {
    const first = await connect(sim);
    await advance(sim, MIN_AGE - 1000);
    const early = await refreshGrant(sim, first.refresh_token);
    expect(early.status).toBe(401);
    expect(early.headers.get('reason')).toBe('Access Token not expired');
    await advance(sim, 1000);
    const ok = await refreshGrant(sim, first.refresh_token);
    expect(ok.status).toBe(200);
    const second = (await ok.json()) as { access_token: string; refresh_token: string };
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
  });

  it('answers 401 unauthorized_client "Old refresh token used." on reuse', async () => {
    const first = await connect(sim);
    await advance(sim, MIN_AGE);
    expect((await refreshGrant(sim, first.refresh_token)).status).toBe(200);
    await advance(sim, MIN_AGE);
    const reuse = await refreshGrant(sim, first.refresh_token);
    expect(reuse.status).toBe(401);
    expect(await reuse.json()).toEqual({
      error: 'unauthorized_client',
      error_description: 'Old refresh token used.',
    });
  });

  it('keeps the previous access token valid until it expires (default)', async () => {
    const first = await connect(sim);
    await advance(sim, MIN_AGE);
    const second = (await (await refreshGrant(sim, first.refresh_token)).json()) as { access_token: string };
    expect((await api(sim, first.access_token, 'current/Me')).status).toBe(200);
    expect((await api(sim, second.access_token, 'current/Me')).status).toBe(200);
    await advance(sim, 600_000 - MIN_AGE);
    expect((await api(sim, first.access_token, 'current/Me')).status).toBe(401);
    expect((await api(sim, second.access_token, 'current/Me')).status).toBe(200);
  });

  it("expires an unused refresh token after 30 days with Exact's text", async () => {
    const first = await connect(sim);
    const issued = sim.clock.now();
    await advance(sim, 30 * 86_400_000 + 5000);
    const res = await refreshGrant(sim, first.refresh_token);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; error_description: string };
    expect(body.error).toBe('invalid_request');
    expect(body.error_description).toMatch(
      /^The refresh token expired at \d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d{2}:\d{2} [AP]M and it is now \d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d{2}:\d{2} [AP]M\.$/,
    );
    const expiredAt = new Date(issued + 30 * 86_400_000);
    expect(body.error_description).toContain(
      `${expiredAt.getUTCMonth() + 1}/${expiredAt.getUTCDate()}/${expiredAt.getUTCFullYear()}`,
    );
  });

  it("answers invalid_grant for an unknown refresh token and for another app's token", async () => {
    const unknown = await refreshGrant(sim, 'yIA2!IAAAnot-a-token');
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: string }).error).toBe('invalid_grant');

    const other = await control<{ clientId: string; clientSecret: string }>(sim, 'POST', 'apps', {
      name: 'Other',
      redirectUri: 'http://127.0.0.1:4000/cb',
    });
    const first = await connect(sim);
    await advance(sim, MIN_AGE);
    const foreign = await refreshGrant(sim, first.refresh_token, {
      client_id: other.body.clientId,
      client_secret: other.body.clientSecret,
    });
    expect(foreign.status).toBe(400);
    expect(((await foreign.json()) as { error: string }).error).toBe('invalid_grant');
  });
});

describe('faults on the token endpoint', () => {
  it('revokeRefreshTokens breaks every chain', async () => {
    const first = await connect(sim);
    const faults = await control<{ revokedRefreshTokens: number }>(sim, 'POST', 'faults', {
      revokeRefreshTokens: true,
    });
    expect(faults.body.revokedRefreshTokens).toBeGreaterThan(0);
    await advance(sim, MIN_AGE);
    const res = await refreshGrant(sim, first.refresh_token);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_grant');
    // Access tokens are untouched.
    expect((await api(sim, first.access_token, 'current/Me')).status).toBe(200);
  });

  it('dropTokenResponse consumes the refresh token and cuts the connection', async () => {
    const first = await connect(sim);
    await advance(sim, MIN_AGE);
    await control(sim, 'POST', 'faults', { dropTokenResponse: 1 });
    await expect(refreshGrant(sim, first.refresh_token)).rejects.toThrow();
    expect((await control<{ dropTokenResponse: number }>(sim, 'GET', 'faults')).body.dropTokenResponse).toBe(
      0,
    );
    const retry = await refreshGrant(sim, first.refresh_token);
    expect(retry.status).toBe(401);
    expect(((await retry.json()) as { error_description: string }).error_description).toBe(
      'Old refresh token used.',
    );
    const stats = await control<{ token: { dropped: number } }>(sim, 'GET', 'stats');
    expect(stats.body.token.dropped).toBe(1);
  });
});

describe('settings', () => {
  it('refreshRevokesAccessToken makes a refresh end the previous access token; Basic auth can be refused', async () => {
    const strict = await startTestSim({ oauth: { refreshRevokesAccessToken: true, acceptBasicAuth: false } });
    try {
      const first = await connect(strict);
      await advance(strict, MIN_AGE);
      expect((await refreshGrant(strict, first.refresh_token)).status).toBe(200);
      const old = await api(strict, first.access_token, 'current/Me');
      expect(old.status).toBe(401);
      expect(old.headers.get('reason')).toBe('AccessTokenRevoked');

      const code = await authorizeCode(strict);
      const basic = Buffer.from(
        `${strict.defaults.app.clientId}:${strict.defaults.app.clientSecret}`,
      ).toString('base64');
      const res = await tokenPost(
        strict,
        { grant_type: 'authorization_code', code, redirect_uri: strict.defaults.app.redirectUri },
        { authorization: `Basic ${basic}` },
      );
      expect(res.status).toBe(400);
    } finally {
      await strict.close();
    }
  });

  it('previousRefreshTokenGrace lets a lost refresh reply be retried with the old token until the new one is used', async () => {
    const lenient = await startTestSim({ oauth: { previousRefreshTokenGrace: true } });
    try {
      const first = await connect(lenient);
      await advance(lenient, MIN_AGE);
      await control(lenient, 'POST', 'faults', { dropTokenResponse: 1 });
      await expect(refreshGrant(lenient, first.refresh_token)).rejects.toThrow();
      await advance(lenient, MIN_AGE);
      const retry = await refreshGrant(lenient, first.refresh_token);
      expect(retry.status).toBe(200);
      const second = (await retry.json()) as { refresh_token: string };
      await advance(lenient, MIN_AGE);
      expect((await refreshGrant(lenient, second.refresh_token)).status).toBe(200);
      await advance(lenient, MIN_AGE);
      // Once the successor was used, the old token is finished.
      const late = await refreshGrant(lenient, first.refresh_token);
      expect(late.status).toBe(401);
      expect(((await late.json()) as { error_description: string }).error_description).toBe(
        'Old refresh token used.',
      );
    } finally {
      await lenient.close();
    }
  });

  it('limits token calls per app per user per UTC day', async () => {
    const limited = await startTestSim({ oauth: { tokenCallsPerDay: 3 } });
    try {
      const first = await connect(limited); // 1
      expect((await refreshGrant(limited, first.refresh_token)).status).toBe(401); // 2: too early
      expect((await refreshGrant(limited, first.refresh_token)).status).toBe(401); // 3
      await advance(limited, MIN_AGE);
      const over = await refreshGrant(limited, first.refresh_token);
      expect(over.status).toBe(429);
      expect(((await over.json()) as { error_description: string }).error_description).toContain(
        'Maximum of 3 token requests',
      );
      const toMidnight = Date.parse('2023-05-13T00:00:00Z') - limited.clock.now();
      await advance(limited, toMidnight);
      expect((await refreshGrant(limited, first.refresh_token)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('follows configured lifetimes', async () => {
    const quick = await startTestSim({ oauth: { accessTokenLifetimeMs: 60_000, refreshMinAgeMs: 30_000 } });
    try {
      const first = await connect(quick);
      expect(first.expires_in).toBe('60');
      await advance(quick, 30_000);
      expect((await refreshGrant(quick, first.refresh_token)).status).toBe(200);
      await advance(quick, 30_000);
      expect((await api(quick, first.access_token, 'current/Me')).status).toBe(401);
    } finally {
      await quick.close();
    }
  });
});
