// Everything a call under /api/v1 passes before the data plane sees it, in Exact's order:
// bearer token (401 + Reason), Accept: application/json (406), user and licence state,
// division licence and consent scope (403), the optional error block, the rate limits
// (429), injected faults. Every answer that passed the rate limiter carries the six
// X-RateLimit-* headers.
import type { ApiRequest, ApiResponse, Clock, DataPlane } from '../contract.ts';
import type { Directory, SimUser } from '../directory.ts';
import type { Faults } from '../faults.ts';
import type { TokenChain, TokenStore } from '../oauth/token-store.ts';
import type { ErrorBlock } from '../rate-limit/error-block.ts';
import type { Limits, RateLimiter } from '../rate-limit/rate-limiter.ts';
import { exactError } from '../server/exact-error.ts';
import type { Outcome, Reply, SimRequest } from '../server/http-types.ts';
import { endpointOf, type SimStats } from '../stats.ts';

export interface ApiGateDeps {
  clock: Clock;
  directory: Directory;
  tokens: TokenStore;
  rateLimiter: RateLimiter;
  errorBlock: ErrorBlock;
  faults: Faults;
  stats: SimStats;
  dataPlane: () => DataPlane;
  /** Limits for an app, or undefined when rate limiting is switched off. */
  limitsFor: (clientId: string) => Limits | undefined;
}

const API_PREFIX = '/api/v1/';

type Target = { division: number | null; resource: string } | { error: Reply };

function parseTarget(path: string): Target {
  let rest: string;
  try {
    rest = decodeURIComponent(path.slice(API_PREFIX.length));
  } catch {
    return { error: exactError(400, 'Bad Request - Error in query syntax.') };
  }
  if (/^current\/me(\(|\/|$)/i.test(rest)) return { division: null, resource: rest };
  // Beta endpoints live under /api/v1/beta/{division}/… (facts §3.1); the catalogue serves them alike.
  const match = /^(?:beta\/)?(\d{1,10})\/(.+)$/.exec(rest);
  if (!match) {
    return {
      error: exactError(
        404,
        `No endpoint at /api/v1/${rest}: use /api/v1/current/Me or /api/v1/{division}/{service}/{entity}.`,
      ),
    };
  }
  return { division: Number(match[1]), resource: match[2]! };
}

const withHeaders = (reply: Reply, headers: Record<string, string>): Reply => ({
  ...reply,
  headers: { ...reply.headers, ...headers },
});

export function createApiHandler(deps: ApiGateDeps): (request: SimRequest) => Promise<Outcome> {
  const { clock, directory, tokens, rateLimiter, errorBlock, faults, stats } = deps;

  const unauthorized = (message: string, reason: string): Reply =>
    exactError(401, message, reason, { 'WWW-Authenticate': 'Bearer' });

  /** 403s that depend on the user, licence, division and consent; undefined when the call may proceed. */
  function forbidden(user: SimUser, chain: TokenChain, division: number | null): Reply | undefined {
    if (user.blocked) return exactError(403, 'Forbidden - The user is blocked.', 'BlockedUser');
    if (user.licenseExpired) return exactError(403, 'Forbidden - The licence has expired.', 'LicenseExpired');
    if (division === null) return undefined;
    if (!user.divisions.includes(division)) {
      return exactError(403, `Forbidden - User has no access to division ${division}.`, 'NoDivisionAccess');
    }
    if (!chain.divisions.includes(division)) {
      return exactError(403, 'Forbidden - User division is not within division scope', 'DivisionNotInScope');
    }
    if (directory.isDivisionBlocked(division)) {
      return exactError(403, `Forbidden - Division ${division} is blocked.`, 'DivisionBlocked');
    }
    return undefined;
  }

  return async (request) => {
    await faults.delay();
    const target = parseTarget(request.path);
    if ('error' in target) return target.error;

    const authorization = request.headers.authorization;
    if (!authorization || !/^bearer /i.test(authorization)) {
      return unauthorized(
        'Unauthorized - An access token is required: send Authorization: Bearer <token>.',
        'AccessTokenMissing',
      );
    }
    const now = clock.now();
    const access = tokens.checkAccess(authorization.slice(7).trim(), now);
    if (!access.ok) {
      if (access.reason === 'expired') {
        return unauthorized(
          `Unauthorized - The access token expired at ${new Date(access.expiredAt!).toISOString()}.`,
          'AccessTokenExpired',
        );
      }
      if (access.reason === 'revoked') {
        return unauthorized(
          'Unauthorized - The access token was replaced by a newer one.',
          'AccessTokenRevoked',
        );
      }
      return unauthorized('Unauthorized - The access token is not valid.', 'AccessTokenInvalid');
    }
    const chain = access.chain;
    const user = directory.userById(chain.userId);
    if (!user)
      return unauthorized(
        'Unauthorized - The user of this access token no longer exists.',
        'AccessTokenInvalid',
      );

    if (!directory.app(chain.clientId)) {
      return unauthorized(
        'Unauthorized - The app of this access token was deleted in the App Center.',
        'AccessTokenInvalid',
      );
    }

    const { division, resource } = target;
    const accountDivision = division ?? user.divisions[0] ?? 0;
    const blockKey = `${chain.clientId}\n${user.id}\n${accountDivision}\n${endpointOf(resource)}`;
    const record = (reply: Reply): Reply => {
      stats.apiCall({
        clientId: chain.clientId,
        division: accountDivision,
        method: request.method,
        resource,
        status: reply.status,
      });
      errorBlock.record(blockKey, reply.status, now);
      return reply;
    };

    if (
      !resource.endsWith('/$count') &&
      !(request.headers.accept ?? '').toLowerCase().includes('application/json')
    ) {
      return record(
        exactError(
          406,
          'Not Acceptable - exact-sim answers JSON only: send the header Accept: application/json (Exact Online answers Atom XML without it).',
        ),
      );
    }
    const refusal = forbidden(user, chain, division);
    if (refusal) return record(refusal);

    if (errorBlock.enabled) {
      const until = errorBlock.blockedUntil(blockKey, now);
      if (until !== undefined) {
        return record(
          exactError(
            403,
            `Forbidden - Too many errors on ${endpointOf(resource)}; this app is blocked for it until ${new Date(until).toISOString()}.`,
            'TooManyErrors',
          ),
        );
      }
    }

    const limits = deps.limitsFor(chain.clientId);
    let rateHeaders: Record<string, string> = {};
    if (limits) {
      const decision = rateLimiter.take(`${chain.clientId}\n${accountDivision}`, limits, now);
      if (!decision.allowed) {
        stats.rateLimited(chain.clientId);
        return record({ status: 429, headers: decision.headers, body: '' });
      }
      rateHeaders = decision.headers;
    }

    const injected = faults.injectedStatus();
    if (injected !== undefined) {
      stats.injectedError();
      return record(
        exactError(
          injected,
          'A problem has occurred. The cause of this issue will be investigated as soon as possible.',
          undefined,
          rateHeaders,
        ),
      );
    }

    const apiRequest: ApiRequest = {
      method: request.method,
      division,
      resource,
      rawQuery: request.rawQuery,
      headers: request.headers,
      body: request.body,
      baseUrl: request.baseUrl,
      caller: {
        userId: user.id,
        username: user.username,
        fullName: user.fullName,
        email: user.email,
        divisions: user.divisions,
        scopedDivisions: chain.divisions,
        clientId: chain.clientId,
      },
    };
    const response: ApiResponse = await deps.dataPlane().handle(apiRequest);
    return record(withHeaders(response, rateHeaders));
  };
}
