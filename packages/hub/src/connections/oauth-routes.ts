import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { HubError } from '../errors/hub-error.ts';
import { access, principalOf, SESSION_COOKIE } from '../http/access.ts';
import { errorHandler, hubErrorOf } from '../http/error-reply.ts';
import type { RoutePlugin } from '../http/route-plugin.ts';
import type { ZodTypeProvider } from '../http/zod-schemas.ts';
import type { PublicUrl } from '../platform/public-url.ts';
import { connectionGuard, guardedConnection } from './connection-guards.ts';
import type { ConnectionsDeps } from './connections-deps.ts';
import { ConnectionView, connectionView, DivisionView } from './connections-views.ts';
import {
  AuthorizationFailure,
  completeAuthorization,
  safeReturnTo,
  startAuthorization,
} from './oauth-flow.ts';
import { divisionsUnknownPage, failurePage, successPage } from './oauth-pages.ts';
import { EXACT_CALLBACK_PATH, EXACT_START_PATH } from './redirect-uri.ts';

const StartQuery = z.object({
  connection: z.uuid().meta({ description: 'The connection to authorize' }),
  returnTo: z
    .string()
    .max(500)
    .optional()
    .meta({ description: 'A path on the hub to link back to afterwards' }),
});
// Exact's parameters arrive as-is; repeated ones are tolerated and the first value counts.
const Param = z.union([z.string(), z.array(z.string())]).optional();
const CallbackQuery = z.object({
  code: Param,
  state: Param,
  error: Param,
  error_description: Param,
});
const AuthorizedJson = z.object({
  status: z.literal('authorized'),
  connection: ConnectionView,
  divisions: z
    .array(DivisionView.pick({ code: true, description: true, country: true }))
    .nullable()
    .meta({
      description:
        "null when Exact refused to list them because the user's current division was not ticked on the consent screen",
    }),
  returnTo: z.string().nullable(),
});

const first = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;
const wantsJson = (request: FastifyRequest): boolean =>
  (request.headers.accept ?? '').toLowerCase().includes('application/json');
/** A browser navigating (not a script, whose Accept is usually JSON or any type). */
const wantsHtml = (request: FastifyRequest): boolean =>
  (request.headers.accept ?? '').toLowerCase().includes('text/html');

/**
 * The browser side of authorizing a connection: `start` sends the user to Exact's consent
 * screen with a single-use state bound to the session; `callback` (public: Exact redirects
 * the browser there) finishes it and ends on an HTML page, or JSON for `Accept: application/json`.
 */
export function oauthRoutes(deps: ConnectionsDeps, publicUrl: PublicUrl): RoutePlugin {
  return async (app) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    // Read per request: without KOPPEL_PUBLIC_URL the public URL is only known once the hub listens.
    const home = () => `${publicUrl.value}/`;

    /** Browsers get a page saying what happened and what to do; API clients the usual JSON error. */
    const fail = (request: FastifyRequest, reply: FastifyReply, error: unknown, backUrl: string) => {
      if (wantsJson(request)) throw error;
      const coded = error instanceof HubError ? error : hubErrorOf(error as Error, request);
      let page: { title: string; message: string; action: string; code: string; status: number };
      if (coded instanceof AuthorizationFailure) {
        page = {
          title: coded.title,
          message: coded.message,
          action: coded.action,
          code: coded.code,
          status: coded.status,
        };
      } else if (coded.code === 'invalid_request') {
        page = {
          title: 'Incomplete link',
          message: coded.message,
          action: 'Start the authorization from the connection page in Koppel.',
          code: coded.code,
          status: coded.status,
        };
      } else if (coded.status < 500) {
        page = {
          title: coded.status === 401 ? 'Sign in first' : 'Authorization not possible',
          message: coded.message,
          action:
            coded.status === 401
              ? 'Sign in to Koppel in this browser, then press Authorize on the connection.'
              : 'Open the connection in Koppel and check it.',
          code: coded.code,
          status: coded.status,
        };
      } else {
        page = {
          title: 'Something went wrong on the hub',
          message: `The authorization could not be completed; nothing was stored. The hub's log has request ${request.id}.`,
          action: 'Try again in a minute; if it keeps failing, run `koppel doctor` and check the log.',
          code: 'internal_error',
          status: 500,
        };
      }
      return reply
        .code(page.status)
        .header('cache-control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(failurePage({ ...page, backUrl }));
    };

    r.get(
      EXACT_START_PATH,
      {
        config: { access: access.session },
        preValidation: connectionGuard(deps, 'admin', { part: 'query', name: 'connection' }),
        // A browser follows this link from the UI: sign-in, role and link errors become pages too.
        errorHandler: (error, request, reply) =>
          wantsHtml(request) ? fail(request, reply, error, home()) : errorHandler(error, request, reply),
        schema: {
          tags: ['oauth'],
          summary: "Send the signed-in user to Exact's login and consent screen for a connection (302)",
          description: 'With Accept: application/json the URL is returned instead of a redirect.',
          querystring: StartQuery,
        },
      },
      async (request, reply) => {
        const url = await startAuthorization(deps, {
          connection: guardedConnection(request),
          sessionId: principalOf(request).sessionId!,
          returnTo: safeReturnTo(request.query.returnTo),
        });
        if (wantsJson(request)) return reply.header('cache-control', 'no-store').send({ authorizeUrl: url });
        return reply.header('cache-control', 'no-store').redirect(url, 302);
      },
    );

    r.get(
      EXACT_CALLBACK_PATH,
      {
        config: { access: access.public },
        schema: {
          tags: ['oauth'],
          summary:
            'Where Exact sends the user back: stores tokens, user and divisions, or explains what failed',
          querystring: CallbackQuery,
        },
      },
      async (request, reply) => {
        // The URL carries the code and state: keep it out of caches and Referer headers.
        reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
        const query = {
          code: first(request.query.code),
          state: first(request.query.state),
          error: first(request.query.error),
          error_description: first(request.query.error_description),
        };
        let result: Awaited<ReturnType<typeof completeAuthorization>>;
        try {
          result = await completeAuthorization(deps, query, request.cookies[SESSION_COOKIE]);
        } catch (error) {
          if (error instanceof AuthorizationFailure) {
            request.log.info({ code: error.code }, 'Exact authorization failed');
          }
          const back = error instanceof AuthorizationFailure && error.returnTo;
          return fail(request, reply, error, back ? `${publicUrl.value}${back}` : home());
        }
        const backUrl = result.returnTo ? `${publicUrl.value}${result.returnTo}` : home();
        if (wantsJson(request)) {
          return reply.type('application/json; charset=utf-8').send(
            JSON.stringify(
              AuthorizedJson.parse({
                status: 'authorized',
                connection: connectionView(result.connection),
                divisions: result.divisions,
                returnTo: result.returnTo,
              }),
            ),
          );
        }
        const exactUser = result.exactUser.name ?? result.exactUser.id ?? 'unknown';
        const connectionName = result.connection.name;
        return reply.type('text/html; charset=utf-8').send(
          result.divisions
            ? successPage({ connectionName, exactUser, divisions: result.divisions, backUrl })
            : divisionsUnknownPage({
                connectionName,
                exactUser,
                currentDivision: result.currentDivision,
                backUrl,
              }),
        );
      },
    );
  };
}
