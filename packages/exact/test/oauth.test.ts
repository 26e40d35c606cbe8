import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ExactTokenError,
  OAuthClient,
  REGION_HOSTS,
  resolveBaseUrl,
  type TokenErrorCode,
} from '../src/index.ts';
import { startTestSim, type TestSim } from './support/sim.ts';

let t: TestSim;

/** Runs `use` against a local token endpoint that answers `body`, or never answers when undefined. */
async function withTokenEndpoint(body: string | undefined, use: (region: string) => Promise<void>) {
  const server = createServer((_req, res) => {
    if (body === undefined) return;
    res.setHeader('Content-Type', 'application/json');
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    await use(`http://127.0.0.1:${port}`);
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

beforeAll(async () => {
  t = await startTestSim();
});
afterAll(() => t.close());

function oauth(overrides: Partial<ConstructorParameters<typeof OAuthClient>[0]> = {}): OAuthClient {
  return new OAuthClient({
    region: t.url,
    clientId: t.app.clientId,
    clientSecret: t.app.clientSecret,
    redirectUri: t.app.redirectUri,
    clock: t.clock,
    ...overrides,
  });
}

async function tokenError(promise: Promise<unknown>): Promise<ExactTokenError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ExactTokenError);
    return error as ExactTokenError;
  }
  throw new Error('expected a token error');
}

function expectCode(error: ExactTokenError, code: TokenErrorCode, reauthorize: boolean): void {
  expect(error.code).toBe(code);
  expect(error.reauthorizationRequired).toBe(reauthorize);
}

describe('regions and authorize URL', () => {
  it('maps every region to its start.exactonline host and accepts any base URL', () => {
    expect(resolveBaseUrl('nl')).toBe('https://start.exactonline.nl');
    expect(resolveBaseUrl('uk')).toBe('https://start.exactonline.co.uk');
    expect(resolveBaseUrl('us')).toBe('https://start.exactonline.com');
    expect(Object.keys(REGION_HOSTS).sort()).toEqual(['be', 'de', 'es', 'fr', 'nl', 'uk', 'us']);
    expect(resolveBaseUrl('http://127.0.0.1:5050/')).toBe('http://127.0.0.1:5050');
    expect(() => resolveBaseUrl('xx')).toThrow(/neither a region/);
  });

  it('builds the authorize URL with state and force_login', () => {
    const url = new URL(oauth({ region: 'be' }).authorizeUrl({ state: 's 1', forceLogin: true }));
    expect(`${url.origin}${url.pathname}`).toBe('https://start.exactonline.be/api/oauth2/auth');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: t.app.clientId,
      redirect_uri: t.app.redirectUri,
      response_type: 'code',
      state: 's 1',
      force_login: '1',
    });
  });

  it("is accepted by the simulator's login page", async () => {
    const response = await fetch(oauth().authorizeUrl({ state: 'x' }));
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/password/i);
  });
});

describe('token endpoint', () => {
  it('exchanges a code; expires_in arrives as the string "600"', async () => {
    const before = t.clock.now();
    const tokens = await oauth().exchangeCode(await t.authorizeCode());
    expect(tokens.accessToken).not.toBe('');
    expect(tokens.refreshToken).not.toBe('');
    expect(tokens.expiresAt - before).toBe(600_000);
  });

  it('accepts expires_in as a number too', async () => {
    await withTokenEndpoint(
      '{"access_token":"a","token_type":"bearer","expires_in":600,"refresh_token":"r"}',
      async (region) => {
        const tokens = await oauth({ region, clock: { now: () => 1000 } }).refresh('x');
        expect(tokens).toEqual({ accessToken: 'a', refreshToken: 'r', expiresAt: 601_000, obtainedAt: 1000 });
      },
    );
  });

  it('reports a 2xx without a usable pair as token_response_invalid', async () => {
    await withTokenEndpoint(
      '{"access_token":"a","token_type":"bearer","expires_in":"soon"}',
      async (region) => {
        const error = await tokenError(oauth({ region }).refresh('x'));
        expectCode(error, 'token_response_invalid', true);
      },
    );
  });

  it('gives up on a silent token endpoint when the injected timer fires: token_response_lost', async () => {
    const scheduled: number[] = [];
    await withTokenEndpoint(undefined, async (region) => {
      const client = oauth({
        region,
        timeoutMs: 30_000,
        // A simulated clock that reaches the 30 s deadline after 50 real milliseconds.
        timer: (ms, fire) => {
          scheduled.push(ms);
          const handle = setTimeout(fire, 50);
          return () => clearTimeout(handle);
        },
      });
      expectCode(await tokenError(client.refresh('x')), 'token_response_lost', true);
    });
    expect(scheduled).toEqual([30_000]);
  });

  it('reports a re-used code as authorization_code_invalid', async () => {
    const code = await t.authorizeCode();
    await oauth().exchangeCode(code);
    expectCode(await tokenError(oauth().exchangeCode(code)), 'authorization_code_invalid', true);
  });

  it('reports an expired code as authorization_code_invalid', async () => {
    const code = await t.authorizeCode();
    await t.advance(4 * 60_000);
    expectCode(await tokenError(oauth().exchangeCode(code)), 'authorization_code_invalid', true);
  });

  it('reports a redirect URI other than the one authorized as invalid_client', async () => {
    const code = await t.authorizeCode();
    const error = await tokenError(oauth({ redirectUri: 'http://127.0.0.1:1/elsewhere' }).exchangeCode(code));
    expectCode(error, 'invalid_client', true);
    expect(error.message).toMatch(/redirect URI/);
  });

  it('reports a wrong client secret as invalid_client', async () => {
    const code = await t.authorizeCode();
    const error = await tokenError(oauth({ clientSecret: 'wrong' }).exchangeCode(code));
    expectCode(error, 'invalid_client', true);
    expect(error.status).toBe(400);
    expect(error.message).not.toContain('wrong');
  });

  it('reports a refresh within 570 s as refresh_too_early, which needs no re-authorization', async () => {
    const tokens = await oauth().exchangeCode(await t.authorizeCode());
    await t.advance(60_000);
    expectCode(await tokenError(oauth().refresh(tokens.refreshToken)), 'refresh_too_early', false);
  });

  it('rotates refresh tokens and reports a re-used one as refresh_token_reused', async () => {
    const first = await oauth().exchangeCode(await t.authorizeCode());
    await t.advance(580_000);
    const second = await oauth().refresh(first.refreshToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expectCode(await tokenError(oauth().refresh(first.refreshToken)), 'refresh_token_reused', true);
  });

  it('reports an expired refresh token as refresh_token_expired', async () => {
    const tokens = await oauth().exchangeCode(await t.authorizeCode());
    await t.advance(31 * 24 * 3_600_000);
    expectCode(await tokenError(oauth().refresh(tokens.refreshToken)), 'refresh_token_expired', true);
  });

  it('reports a revoked chain as token_chain_broken', async () => {
    const tokens = await oauth().exchangeCode(await t.authorizeCode());
    await t.advance(580_000);
    await t.control('POST', '/faults', { revokeRefreshTokens: true });
    expectCode(await tokenError(oauth().refresh(tokens.refreshToken)), 'token_chain_broken', true);
  });

  it('reports a lost reply as token_response_lost (the refresh token is spent)', async () => {
    const tokens = await oauth().exchangeCode(await t.authorizeCode());
    await t.advance(580_000);
    await t.control('POST', '/faults', { dropTokenResponse: 1 });
    expectCode(await tokenError(oauth().refresh(tokens.refreshToken)), 'token_response_lost', true);
    // The simulator applied the grant: the old refresh token is gone, as with Exact.
    expectCode(await tokenError(oauth().refresh(tokens.refreshToken)), 'refresh_token_reused', true);
  });

  it('reports an unreachable token endpoint without claiming the token is spent', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const error = await tokenError(oauth({ region: `http://127.0.0.1:${port}` }).refresh('x'));
    expectCode(error, 'token_endpoint_unreachable', false);
  });

  it('reports the daily token-call quota as a retryable token_endpoint_error', async () => {
    const limited = await startTestSim({ oauth: { tokenCallsPerDay: 1 } });
    try {
      const client = new OAuthClient({
        region: limited.url,
        clientId: limited.app.clientId,
        clientSecret: limited.app.clientSecret,
        redirectUri: limited.app.redirectUri,
        clock: limited.clock,
      });
      const tokens = await client.exchangeCode(await limited.authorizeCode());
      await limited.advance(580_000);
      const error = await tokenError(client.refresh(tokens.refreshToken));
      expectCode(error, 'token_endpoint_error', false);
      expect(error.status).toBe(429);
    } finally {
      await limited.close();
    }
  });
});
