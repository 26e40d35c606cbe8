// /appcenter: register, inspect, edit and delete apps (OAuth clients) in a browser, like
// Exact's App Center. Every page needs the simulated user's login (the same session cookie as
// the authorize pages); every form echoes the session's form token, so no other page can post.
import type { Clock } from '../contract.ts';
import { type Directory, newAppCredentials, type SimApp } from '../directory.ts';
import { errorPage } from '../oauth/pages.ts';
import { type LoginSession, SESSION_COOKIE, type SessionStore } from '../oauth/sessions.ts';
import { signIn } from '../oauth/sign-in.ts';
import { type FormFields, field, parseCookies, parseForm } from '../server/form.ts';
import { htmlReply, type Reply, redirectReply, type SimRequest } from '../server/http-types.ts';
import type { SimStats } from '../stats.ts';
import {
  APP_CENTER_PATH,
  type AppCenterView,
  appCenterLoginPage,
  appDetailPage,
  appListPage,
} from './app-center-pages.ts';

export interface AppCenterDeps {
  clock: Clock;
  directory: Directory;
  sessions: SessionStore;
  stats: SimStats;
}

interface Draft {
  name: string;
  redirectUri: string;
}
/** The app fields of a form, or what is wrong with them. */
function readDraft(fields: FormFields): { draft: Draft; error?: string } {
  const draft = {
    name: (field(fields, 'name') ?? '').trim(),
    redirectUri: (field(fields, 'redirect_uri') ?? '').trim(),
  };
  if (draft.name === '') return { draft, error: 'Give the app a name.' };
  if (draft.name.length > 100) return { draft, error: 'The app name can have at most 100 characters.' };
  let url: URL | undefined;
  try {
    url = new URL(draft.redirectUri);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    return {
      draft,
      error: `The redirect URI must be an absolute http(s) URL, such as https://your-app.example/oauth/exact/callback; got "${draft.redirectUri}".`,
    };
  }
  return { draft };
}

export function createAppCenterHandler(deps: AppCenterDeps): (request: SimRequest) => Promise<Reply> {
  const { clock, directory, sessions, stats } = deps;

  const authorizeUrl = (request: SimRequest, app: SimApp): string =>
    `${request.baseUrl}/api/oauth2/auth?${new URLSearchParams({
      client_id: app.clientId,
      redirect_uri: app.redirectUri,
      response_type: 'code',
      state: 'app-center',
    })}`;

  type Extra = Pick<AppCenterView, 'draft' | 'error' | 'notice'>;
  const view = (session: LoginSession, extra: Extra): AppCenterView => ({
    userFullName: directory.userById(session.userId)?.fullName ?? '',
    formToken: session.formToken,
    ...extra,
  });

  const list = (session: LoginSession, extra: Extra = {}, status = 200) =>
    htmlReply(status, appListPage({ ...view(session, extra), apps: directory.apps() }));

  const detail = (request: SimRequest, session: LoginSession, app: SimApp, extra: Extra = {}, status = 200) =>
    htmlReply(
      status,
      appDetailPage({ ...view(session, extra), app, authorizeUrl: authorizeUrl(request, app) }),
    );

  const unknownApp = (clientId: string): Reply =>
    htmlReply(
      404,
      errorPage('Unknown application', `No app is registered with client ID ${clientId}.`, {
        href: APP_CENTER_PATH,
        text: 'Back to the App Center',
      }),
    );

  return async (request) => {
    const now = clock.now();
    const sub = request.path.slice(APP_CENTER_PATH.length).replace(/\/+$/, '');
    const cookieId = parseCookies(request.headers.cookie).get(SESSION_COOKIE);
    const found = sessions.find(cookieId, now);
    const user = found ? directory.userById(found.userId) : undefined;
    const session = found && user && !user.blocked ? found : undefined;
    const isPost = request.method === 'POST';
    if (!isPost && request.method !== 'GET') {
      return htmlReply(405, errorPage('Method not allowed', 'Use GET or POST on the App Center.'), {
        Allow: 'GET, POST',
      });
    }
    const fields = isPost ? parseForm(request.body) : new Map<string, string[]>();

    if (sub === '/login' && isPost) {
      const signedIn = signIn(fields, directory, stats);
      if (typeof signedIn === 'string') return htmlReply(401, appCenterLoginPage(signedIn));
      const opened = sessions.open(signedIn.id, now);
      return redirectReply(APP_CENTER_PATH, 303, { 'Set-Cookie': sessions.cookie(opened) });
    }
    if (!session) {
      return htmlReply(
        isPost || sub !== '' ? 401 : 200,
        appCenterLoginPage(isPost ? 'Your session has expired. Log in again.' : undefined),
      );
    }
    if (isPost && field(fields, 'form_token') !== session.formToken) {
      return list(session, { error: 'The form was out of date; try again.' }, 400);
    }
    if (sub === '/logout' && isPost) {
      sessions.close(session.id);
      return redirectReply(APP_CENTER_PATH, 303, { 'Set-Cookie': sessions.clearingCookie() });
    }
    if (sub === '') return isPost ? list(session, {}, 405) : list(session);
    if (sub === '/apps' && isPost) {
      const { draft, error } = readDraft(fields);
      if (error) return list(session, { draft, error }, 400);
      const app = directory.addApp({ ...draft, ...newAppCredentials() });
      return redirectReply(`${APP_CENTER_PATH}/apps/${encodeURIComponent(app.clientId)}`, 303);
    }
    const match = /^\/apps\/([^/]+)(\/delete)?$/.exec(sub);
    if (!match) return htmlReply(404, errorPage('Not found', `Nothing at ${request.path}.`));
    const clientId = decodeURIComponent(match[1] as string);
    const app = directory.app(clientId);
    if (!app) return unknownApp(clientId);
    if (!isPost) return match[2] ? list(session, {}, 405) : detail(request, session, app);
    if (match[2]) {
      directory.removeApp(clientId);
      return list(session, { notice: `Deleted ${app.name}.` });
    }
    const { draft, error } = readDraft(fields);
    if (error) return detail(request, session, app, { draft, error }, 400);
    directory.updateApp(clientId, draft);
    return detail(request, session, app, { notice: 'Saved.' });
  };
}
