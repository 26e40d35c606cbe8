// The HTML of the simulator's App Center, modelled on Exact's (apps.exactonline.com,
// exact-online-api.md §1.1): a signed-in developer registers an app with a name and a redirect
// URI and gets its client ID, client secret and webhook secret. Plain forms, no script.
import type { SimApp } from '../directory.ts';
import { credentialFields, errorLine, escapeHtml, layout } from '../oauth/pages.ts';

export const APP_CENTER_PATH = '/appcenter';

const appPath = (app: SimApp): string => `${APP_CENTER_PATH}/apps/${encodeURIComponent(app.clientId)}`;

export function appCenterLoginPage(error?: string): string {
  return layout(
    'App Center',
    `<h1>App Center — log in</h1>
<p>Log in with your Exact Online (simulator) user to register and manage apps.</p>
${errorLine(error)}
<form method="post" action="${APP_CENTER_PATH}/login">
${credentialFields}
</form>`,
  );
}

function header(userFullName: string, formToken: string): string {
  return `<form method="post" action="${APP_CENTER_PATH}/logout" class="note">Signed in as <strong>${escapeHtml(userFullName)}</strong>
<input type="hidden" name="form_token" value="${formToken}">
<button type="submit">Log out</button></form>`;
}

function appFields(values: { name?: string; redirectUri?: string }): string {
  return `<label for="name">App name</label>
<input type="text" id="name" name="name" value="${escapeHtml(values.name ?? '')}" required>
<label for="redirect_uri">Redirect URI</label>
<input type="text" id="redirect_uri" name="redirect_uri" value="${escapeHtml(values.redirectUri ?? '')}" placeholder="https://your-app.example/oauth/exact/callback" required>`;
}

/** What every signed-in App Center page shows besides its own content. */
export interface AppCenterView {
  userFullName: string;
  formToken: string;
  /** Values to show in the app form again (after an error). */
  draft?: { name?: string; redirectUri?: string };
  error?: string;
  notice?: string;
}

const noticeLine = (notice: string | undefined): string =>
  notice ? `<p role="status">${escapeHtml(notice)}</p>` : '';

export function appListPage(input: AppCenterView & { apps: SimApp[] }): string {
  const rows = input.apps
    .map(
      (app) =>
        `<tr><td><a href="${appPath(app)}">${escapeHtml(app.name)}</a></td><td><code>${escapeHtml(app.clientId)}</code></td><td>${escapeHtml(app.redirectUri)}</td></tr>`,
    )
    .join('\n');
  return layout(
    'App Center',
    `${header(input.userFullName, input.formToken)}
<h1>App Center</h1>
${noticeLine(input.notice)}
<h2>Registered apps</h2>
${
  input.apps.length === 0
    ? '<p>No apps yet.</p>'
    : `<table><thead><tr><th>Name</th><th>Client ID</th><th>Redirect URI</th></tr></thead><tbody>\n${rows}\n</tbody></table>`
}
<h2>Register an app</h2>
${errorLine(input.error)}
<form method="post" action="${APP_CENTER_PATH}/apps">
<input type="hidden" name="form_token" value="${input.formToken}">
${appFields(input.draft ?? {})}
<button type="submit">Register app</button>
</form>`,
  );
}

export function appDetailPage(input: AppCenterView & { app: SimApp; authorizeUrl: string }): string {
  const { app } = input;
  const secret = (label: string, id: string, value: string) =>
    `<dt>${label}</dt><dd><code id="${id}">${escapeHtml(value)}</code></dd>`;
  return layout(
    app.name,
    `${header(input.userFullName, input.formToken)}
<p><a href="${APP_CENTER_PATH}">← All apps</a></p>
<h1>${escapeHtml(app.name)}</h1>
${noticeLine(input.notice)}
<dl>
${secret('Client ID', 'client-id', app.clientId)}
${secret('Client secret', 'client-secret', app.clientSecret)}
${secret('Webhook secret', 'webhook-secret', app.webhookSecret)}
${secret('Redirect URI', 'redirect-uri', app.redirectUri)}
</dl>
<p class="note">Authorize URL: <a id="authorize-url" href="${escapeHtml(input.authorizeUrl)}">${escapeHtml(input.authorizeUrl)}</a></p>
<h2>Edit</h2>
${errorLine(input.error)}
<form method="post" action="${appPath(app)}">
<input type="hidden" name="form_token" value="${input.formToken}">
${appFields(input.draft ?? { name: app.name, redirectUri: app.redirectUri })}
<button type="submit">Save</button>
</form>
<h2>Delete</h2>
<p>Deleting the app ends every connection made with it: its tokens stop working.</p>
<form method="post" action="${appPath(app)}/delete">
<input type="hidden" name="form_token" value="${input.formToken}">
<button type="submit">Delete app</button>
</form>`,
  );
}
