// /api/oauth2/auth: login page → consent page (division scoping) → 302 back to the app
// with ?code=…&state=…, or error=access_denied. A request that names an unknown client or
// a redirect URI other than the registered one gets an error page, never a redirect.
// A single POST carrying username, password and consent does the whole flow at once
// (for tests and CI).

import { APP_CENTER_PATH } from '../appcenter/app-center-pages.ts';
import type { Clock } from '../contract.ts';
import type { Directory, SimApp, SimUser } from '../directory.ts';
import { type FormFields, field, parseCookies, parseForm } from '../server/form.ts';
import { htmlReply, type Reply, redirectReply, type SimRequest } from '../server/http-types.ts';
import type { SimStats } from '../stats.ts';
import { type AuthorizeParams, consentPage, errorPage, loginPage } from './pages.ts';
import { SESSION_COOKIE, type SessionStore } from './sessions.ts';
import { signIn } from './sign-in.ts';
import type { TokenStore } from './token-store.ts';

export interface AuthorizeDeps {
  clock: Clock;
  directory: Directory;
  sessions: SessionStore;
  tokens: TokenStore;
  stats: SimStats;
  /** Description of a division for the consent page. */
  describeDivision: (code: number) => string;
}

type Resolved = { ok: true; app: SimApp; params: AuthorizeParams } | { ok: false; reply: Reply };

function resolveParams(fields: FormFields, directory: Directory): Resolved {
  const clientId = field(fields, 'client_id');
  const redirectUri = field(fields, 'redirect_uri');
  const app = clientId ? directory.app(clientId) : undefined;
  if (!clientId || !app) {
    return {
      ok: false,
      reply: htmlReply(
        400,
        errorPage(
          'Unknown application',
          clientId
            ? `No app is registered with client_id ${clientId}. Register it in the App Center (or through POST /_sim/apps), or use the default app shown at start-up.`
            : 'The request has no client_id parameter.',
          { href: APP_CENTER_PATH, text: 'Open the App Center to register an app' },
        ),
      ),
    };
  }
  if (redirectUri !== app.redirectUri) {
    return {
      ok: false,
      reply: htmlReply(
        400,
        errorPage(
          'Redirect URI mismatch',
          `The redirect_uri ${redirectUri === undefined ? '(missing)' : JSON.stringify(redirectUri)} does not match the redirect URI registered for ${app.name}: ${JSON.stringify(app.redirectUri)}.`,
          {
            href: `${APP_CENTER_PATH}/apps/${encodeURIComponent(app.clientId)}`,
            text: `Edit ${app.name} in the App Center`,
          },
        ),
      ),
    };
  }
  return {
    ok: true,
    app,
    params: {
      clientId,
      redirectUri,
      responseType: field(fields, 'response_type') ?? '',
      state: field(fields, 'state'),
    },
  };
}

function backToApp(params: AuthorizeParams, values: Record<string, string>): Reply {
  const target = new URL(params.redirectUri);
  for (const [name, value] of Object.entries(values)) target.searchParams.set(name, value);
  if (params.state !== undefined) target.searchParams.set('state', params.state);
  return redirectReply(target.toString());
}

function authorizeUrl(params: AuthorizeParams): string {
  const query = new URLSearchParams({
    client_id: params.clientId,
    redirect_uri: params.redirectUri,
    response_type: params.responseType,
  });
  if (params.state !== undefined) query.set('state', params.state);
  return `/api/oauth2/auth?${query}`;
}

/** Division codes chosen on the consent form (checkboxes) or in the non-interactive `divisions` list. */
function chosenDivisions(fields: FormFields): number[] | string {
  const codes: number[] = [];
  for (const value of fields.get('divisions') ?? []) {
    for (const part of value.split(',')) {
      const trimmed = part.trim();
      if (trimmed === '') continue;
      if (!/^\d+$/.test(trimmed)) return `"${trimmed}" is not a division code`;
      codes.push(Number(trimmed));
    }
  }
  return [...new Set(codes)];
}

export function createAuthorizeHandler(deps: AuthorizeDeps): (request: SimRequest) => Promise<Reply> {
  const { clock, directory, sessions, tokens, stats } = deps;

  const consent = (
    app: SimApp,
    params: AuthorizeParams,
    user: SimUser,
    formToken: string,
    status = 200,
    error?: string,
  ): Reply =>
    htmlReply(
      status,
      consentPage({
        params,
        appName: app.name,
        userFullName: user.fullName,
        divisions: user.divisions.map((code) => ({ code, description: deps.describeDivision(code) })),
        formToken,
        ...(error === undefined ? {} : { error }),
      }),
    );

  const login = (app: SimApp, params: AuthorizeParams, status = 200, error?: string): Reply =>
    htmlReply(status, loginPage(params, app.name, error));

  /** Grants the code (or reports what is wrong with the division choice). */
  const grant = (app: SimApp, params: AuthorizeParams, user: SimUser, fields: FormFields): Reply | string => {
    const chosen = chosenDivisions(fields);
    if (typeof chosen === 'string') return chosen;
    const divisions = chosen.length === 0 && !fields.has('form_token') ? user.divisions : chosen;
    if (divisions.length === 0) return 'Select at least one administration, or press Deny.';
    const foreign = divisions.filter((code) => !user.divisions.includes(code));
    if (foreign.length > 0) {
      return `${user.username} has no access to division ${foreign.join(', ')}; choose from ${user.divisions.join(', ')}.`;
    }
    const code = tokens.issueCode(
      { clientId: app.clientId, redirectUri: params.redirectUri, userId: user.id, divisions },
      clock.now(),
    );
    stats.codeIssued();
    return backToApp(params, { code });
  };

  const deny = (params: AuthorizeParams): Reply => {
    stats.consentDenied();
    return backToApp(params, { error: 'access_denied', error_description: 'The user denied access.' });
  };

  return async (request) => {
    const now = clock.now();
    const isPost = request.method === 'POST';
    if (!isPost && request.method !== 'GET') {
      return htmlReply(405, errorPage('Method not allowed', 'Use GET or POST on /api/oauth2/auth.'), {
        Allow: 'GET, POST',
      });
    }
    const fields = parseForm(isPost ? request.body : request.rawQuery);
    const resolved = resolveParams(fields, directory);
    if (!resolved.ok) return resolved.reply;
    const { app, params } = resolved;
    if (params.responseType !== 'code') {
      return backToApp(params, {
        error: 'unsupported_response_type',
        error_description: 'The simulator supports response_type=code only.',
      });
    }
    const session = sessions.find(parseCookies(request.headers.cookie).get(SESSION_COOKIE), now);

    // A signed-in browser skips the login page, unless asked to log in again or the user was blocked since.
    const signedIn = session ? directory.userById(session.userId) : undefined;
    const current = signedIn && !signedIn.blocked ? signedIn : undefined;

    if (!isPost) {
      return session && current && field(fields, 'force_login') !== '1'
        ? consent(app, params, current, session.formToken)
        : login(app, params);
    }

    if (fields.has('username')) {
      const user = signIn(fields, directory, stats);
      if (typeof user === 'string') return login(app, params, 401, user);
      const choice = field(fields, 'consent');
      if (choice === undefined) {
        const opened = sessions.open(user.id, now);
        return redirectReply(authorizeUrl(params), 303, { 'Set-Cookie': sessions.cookie(opened) });
      }
      if (choice === 'deny') return deny(params);
      if (choice !== 'allow')
        return login(app, params, 400, `consent must be allow or deny, got "${choice}".`);
      const granted = grant(app, params, user, fields);
      return typeof granted === 'string'
        ? htmlReply(400, errorPage('Invalid division choice', granted))
        : granted;
    }

    const user = current;
    if (!session || !user) return login(app, params, 401, 'Your session has expired. Log in again.');
    if (field(fields, 'form_token') !== session.formToken) {
      return consent(app, params, user, session.formToken, 400, 'The form was out of date; choose again.');
    }
    const choice = field(fields, 'consent');
    if (choice === 'deny') return deny(params);
    if (choice !== 'allow') return consent(app, params, user, session.formToken, 400, 'Press Allow or Deny.');
    const granted = grant(app, params, user, fields);
    return typeof granted === 'string'
      ? consent(app, params, user, session.formToken, 400, granted)
      : granted;
  };
}
