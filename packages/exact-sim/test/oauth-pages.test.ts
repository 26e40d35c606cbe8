import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../src/simulator.ts';
import { checkedDivisions, cookieHeader, formAction, hiddenInputs } from './support/html.ts';
import { authorizePost, codeGrant, control, startTestSim } from './support/sim.ts';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startTestSim();
});
afterAll(() => sim.close());

function authorizeUrl(extra: Record<string, string> = {}): string {
  const query = new URLSearchParams({
    client_id: sim.defaults.app.clientId,
    redirect_uri: sim.defaults.app.redirectUri,
    response_type: 'code',
    state: 'xyz&1',
    ...extra,
  });
  return `${sim.url}/api/oauth2/auth?${query}`;
}

async function login(): Promise<{ cookie: string; consentHtml: string }> {
  const loginPage = await fetch(authorizeUrl());
  const html = await loginPage.text();
  const posted = await fetch(`${sim.url}${formAction(html)}`, {
    method: 'POST',
    body: new URLSearchParams({
      ...hiddenInputs(html),
      username: sim.defaults.user.username,
      password: sim.defaults.user.password,
    }),
    redirect: 'manual',
  });
  expect(posted.status).toBe(303);
  const cookie = cookieHeader(posted);
  const consent = await fetch(new URL(posted.headers.get('location')!, sim.url), { headers: { cookie } });
  return { cookie, consentHtml: await consent.text() };
}

/**
 * Submits the consent page the way its form posts: the hidden inputs (with `replace` laid
 * over them), then `fields` in order, with the session cookie.
 */
function postConsent(
  cookie: string,
  consentHtml: string,
  fields: [string, string][],
  replace: Record<string, string> = {},
): Promise<Response> {
  const form = new URLSearchParams({ ...hiddenInputs(consentHtml), ...replace });
  for (const [name, value] of fields) form.append(name, value);
  return fetch(`${sim.url}${formAction(consentHtml)}`, {
    method: 'POST',
    body: form,
    headers: { cookie },
    redirect: 'manual',
  });
}

describe('authorize pages', () => {
  it('walks login and consent pages and redirects back with a code that works at the token endpoint', async () => {
    const page = await fetch(authorizeUrl());
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('name="username"');
    expect(html).toContain('name="password"');
    expect(hiddenInputs(html)).toMatchObject({ client_id: sim.defaults.app.clientId, state: 'xyz&1' });

    const { cookie, consentHtml } = await login();
    expect(cookie).toMatch(/^ExactSimSession=/);
    expect(consentHtml).toContain('Koppel Demo BV');
    expect(checkedDivisions(consentHtml)).toEqual(sim.defaults.divisions.map(String));

    const answer = await postConsent(cookie, consentHtml, [
      ['divisions', String(sim.defaults.divisions[0])],
      ['consent', 'allow'],
    ]);
    expect(answer.status).toBe(302);
    const location = new URL(answer.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(sim.defaults.app.redirectUri);
    expect(location.searchParams.get('state')).toBe('xyz&1');
    const code = location.searchParams.get('code')!;
    const tokens = await codeGrant(sim, code);
    expect(tokens.status).toBe(200);
  });

  it('skips the login page for a signed-in browser unless force_login=1', async () => {
    const { cookie } = await login();
    const again = await (await fetch(authorizeUrl(), { headers: { cookie } })).text();
    expect(again).toContain('name="consent" value="allow"');
    expect(again).not.toContain('name="password"');
    const forced = await (await fetch(authorizeUrl({ force_login: '1' }), { headers: { cookie } })).text();
    expect(forced).toContain('name="password"');
  });

  it('sends a signed-in user who was blocked since back to the login page', async () => {
    const { cookie } = await login();
    const username = encodeURIComponent(sim.defaults.user.username);
    await control(sim, 'PATCH', `users/${username}`, { blocked: true });
    try {
      const page = await (await fetch(authorizeUrl(), { headers: { cookie } })).text();
      expect(page).toContain('name="password"');
    } finally {
      await control(sim, 'PATCH', `users/${username}`, { blocked: false });
    }
  });

  it('redirects with error=access_denied and the state when the user presses Deny', async () => {
    const { cookie, consentHtml } = await login();
    const answer = await postConsent(cookie, consentHtml, [['consent', 'deny']]);
    expect(answer.status).toBe(302);
    const location = new URL(answer.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('xyz&1');
    expect(location.searchParams.has('code')).toBe(false);
  });

  it('re-shows the consent page when Allow is pressed without any division', async () => {
    const { cookie, consentHtml } = await login();
    const answer = await postConsent(cookie, consentHtml, [['consent', 'allow']]);
    expect(answer.status).toBe(400);
    expect(await answer.text()).toContain('Select at least one administration');
  });

  it('refuses a consent post without the form token of the session', async () => {
    const { cookie, consentHtml } = await login();
    const answer = await postConsent(
      cookie,
      consentHtml,
      [
        ['consent', 'allow'],
        ['divisions', String(sim.defaults.divisions[0])],
      ],
      { form_token: 'forged' },
    );
    expect(answer.status).toBe(400);
  });

  it('shows the login page again with a message on a wrong password', async () => {
    const html = await (await fetch(authorizeUrl())).text();
    const answer = await fetch(`${sim.url}/api/oauth2/auth`, {
      method: 'POST',
      body: new URLSearchParams({
        ...hiddenInputs(html),
        username: sim.defaults.user.username,
        password: 'nope',
      }),
      redirect: 'manual',
    });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('set-cookie')).toBeNull();
    expect(await answer.text()).toContain('The username or password is incorrect.');
  });

  it('answers an error page, never a redirect, for an unknown client or a mismatching redirect URI', async () => {
    const unknown = await fetch(authorizeUrl({ client_id: '00000000-0000-0000-0000-000000000000' }), {
      redirect: 'manual',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('location')).toBeNull();
    const unknownPage = await unknown.text();
    expect(unknownPage).toContain('Unknown application');
    expect(unknownPage).toContain('<a href="/appcenter">Open the App Center to register an app</a>');

    const mismatch = await fetch(authorizeUrl({ redirect_uri: 'https://evil.example/cb' }), {
      redirect: 'manual',
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.headers.get('location')).toBeNull();
    const mismatchPage = await mismatch.text();
    expect(mismatchPage).toContain('Redirect URI mismatch');
    expect(mismatchPage).toContain(`<a href="/appcenter/apps/${sim.defaults.app.clientId}">`);

    const post = await authorizePost(sim, { redirectUri: 'https://evil.example/cb' });
    expect(post.status).toBe(400);
    expect(post.headers.get('location')).toBeNull();
  });

  it('redirects unsupported_response_type for anything but response_type=code', async () => {
    const res = await fetch(authorizeUrl({ response_type: 'token' }), { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get('location')!).searchParams.get('error')).toBe('unsupported_response_type');
  });
});

describe('non-interactive authorize POST', () => {
  it('grants the listed divisions and answers the same 302', async () => {
    const res = await authorizePost(sim, { divisions: [sim.defaults.divisions[1]!], state: 's-2' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.searchParams.get('state')).toBe('s-2');
    expect(location.searchParams.get('code')).toBeTruthy();
  });

  it('answers access_denied for consent=deny', async () => {
    const res = await authorizePost(sim, { consent: 'deny' });
    expect(new URL(res.headers.get('location')!).searchParams.get('error')).toBe('access_denied');
  });

  it('refuses divisions outside the user licence with a clear message', async () => {
    const res = await authorizePost(sim, { divisions: [999] });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('has no access to division 999');
  });

  it('refuses a blocked user at login', async () => {
    await control(sim, 'POST', 'users', {
      username: 'blocked@x.test',
      password: 'pw',
      divisions: [sim.defaults.divisions[0]],
    });
    await control(sim, 'PATCH', 'users/blocked@x.test', { blocked: true });
    const res = await authorizePost(sim, { username: 'blocked@x.test', password: 'pw' });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('blocked');
  });
});
